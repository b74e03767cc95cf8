with Ada.Text_IO;

procedure Spin is
   X : Long_Long_Integer := 0;
begin
   loop
      X := (X * 31 + 7) mod 1000003;
      if X = -1 then
         Ada.Text_IO.Put_Line ("never");
      end if;
   end loop;
end Spin;
