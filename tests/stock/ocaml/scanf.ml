(* Scanf.scanf " %d %d" reads from standard input (OCaml manual, module Scanf; a space in the format skips
   whitespace); OCaml's int is 63-bit, enough for two numbers up to 10^18. *)
let () = Scanf.scanf " %d %d" (fun a b -> Printf.printf "%d\n" (a + b))
