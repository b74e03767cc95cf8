program Syntax;
var a: Int64;
begin
  a := 'not a number';
  writeln(a)
end.
