spin :: Int -> Int
spin x = spin ((x * 31 + 7) `mod` 1000003)

main :: IO ()
main = print (spin 0)
