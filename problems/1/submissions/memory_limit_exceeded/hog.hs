-- The list is used twice, so it is kept whole: the heap grows until the RTS's -M cap.
main :: IO ()
main = do
  let xs = [1 .. 1000000000] :: [Int]
  print (sum xs + length xs)
