{ The classic program: readln of two Int64 values from standard input, writeln of their sum (Free Pascal
  Reference Guide, "Int64"; RTL "ReadLn", "WriteLn"). }
program sum;
var
  a, b: int64;
begin
  readln(a, b);
  writeln(a + b);
end.
