(* A non-tail recursion 1 000 000 deep, as OCaml users write list code: OCaml 5 grows its stack as needed (OCaml
   manual, "OCAMLRUNPARAM": l, the stack limit, 1 GiB by default). input_line reads one line. *)
let rec depth n = if n = 0 then 0 else 1 + depth (n - 1)

let () =
  let line = input_line stdin in
  let a, b = Scanf.sscanf line " %d %d" (fun a b -> (a, b)) in
  Printf.printf "%d\n" (a + b + depth 1_000_000 - 1_000_000)
