let () =
  let keep = ref [] in
  while true do keep := Bytes.make (16 lsl 20) 'x' :: !keep done
