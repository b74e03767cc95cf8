main :: IO ()
main = do
  _ <- getContents
  error "boom"
