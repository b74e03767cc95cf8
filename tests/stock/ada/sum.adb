--  A main procedure named like its file (GNAT's rule for units: sum.adb holds Sum), an Integer_IO instance, a
--  recursion 10^5 deep and an early return with an exit status from Ada.Command_Line.
with Ada.Command_Line;
with Ada.Text_IO;

procedure Sum is
   package Long_IO is new Ada.Text_IO.Integer_IO (Long_Long_Integer);

   function Depth (N : Natural) return Natural is
   begin
      if N = 0 then
         return 0;
      end if;
      return 1 + Depth (N - 1);
   end Depth;

   A, B : Long_Long_Integer;
begin
   Long_IO.Get (A);
   Long_IO.Get (B);
   Long_IO.Put (A + B, Width => 0);
   Ada.Text_IO.New_Line;
   if Depth (100_000) = 100_000 then
      Ada.Command_Line.Set_Exit_Status (Ada.Command_Line.Success);
      return;
   end if;
   Ada.Command_Line.Set_Exit_Status (Ada.Command_Line.Failure);
end Sum;
