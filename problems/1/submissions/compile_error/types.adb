procedure Types is
   X : Integer := "not a number";
begin
   null;
end Types;
