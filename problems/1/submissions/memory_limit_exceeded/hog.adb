procedure Hog is
   type Chunk is array (1 .. 16 * 1024 * 1024) of Character;
   type Chunk_Access is access Chunk;
   P : Chunk_Access;
begin
   loop
      P := new Chunk'(others => 'x');
   end loop;
end Hog;
