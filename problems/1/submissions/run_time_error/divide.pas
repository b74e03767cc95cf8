program Divide;
var a, b: Int64;
begin
  readln(a, b);
  b := 0;
  writeln(a div b);
end.
