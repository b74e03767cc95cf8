(* All input with In_channel.input_all (OCaml manual, module In_channel, OCaml >= 4.14), split on blanks; exit 0
   ends the program early (Stdlib.exit flushes the standard channels). *)
let () =
  let words =
    In_channel.input_all stdin
    |> String.split_on_char '\n'
    |> List.concat_map (String.split_on_char ' ')
    |> List.filter (fun w -> w <> "")
  in
  match List.map int_of_string words with
  | [ a; b ] ->
      print_int (a + b);
      print_newline ();
      exit 0
  | _ -> failwith "two numbers expected"

let () = print_endline "not reached"
