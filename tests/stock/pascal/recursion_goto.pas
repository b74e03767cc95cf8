{ A recursion 100 000 deep on the program's stack, and a goto to leave a loop (Free Pascal Reference Guide,
  "The Goto statement": needs -Sg or $GOTO ON; the stock /etc/fpc.cfg passes -Sgic, DOMjudge passes -Sg). }
program Deep;
label
  done;
var
  a, b, i: Int64;

function Depth(n: LongInt): LongInt;
begin
  if n = 0 then
    Depth := 0
  else
    Depth := Depth(n - 1) + 1;
end;

begin
  read(a, b);
  i := 0;
  while true do
  begin
    i := i + 1;
    if i > 3 then
      goto done;
  end;
done:
  writeln(a + b + Depth(100000) - 100000);
end.
