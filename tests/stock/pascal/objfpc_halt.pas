{ Object Pascal mode with a function and an early Halt(0) (Free Pascal RTL, "Halt": stops the program with the
  given exit code); read without a line end. }
program SumObj;
{$mode objfpc}{$H+}

function Add(const x, y: Int64): Int64;
begin
  Result := x + y;
end;

var
  a, b: Int64;
begin
  read(a, b);
  writeln(Add(a, b));
  Halt(0);
  writeln('not reached');
end.
