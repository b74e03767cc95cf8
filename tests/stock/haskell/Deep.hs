-- Data.ByteString.Char8 input, a lazy right fold 10^6 deep (it needs far more than 8 MB of stack: GHC's default
-- stack is 80% of memory, the reference judges give it the memory limit) and an early exitSuccess.
import qualified Data.ByteString.Char8 as B
import Data.Maybe (mapMaybe)
import System.Exit (exitSuccess)

main :: IO ()
main = do
  numbers <- map fst . mapMaybe B.readInteger . B.words <$> B.getContents
  let n = length numbers * 500000
  if foldr (\x acc -> x + acc) 0 [1 .. toInteger n] /= toInteger n * (toInteger n + 1) `div` 2
    then error "fold"
    else print (sum numbers)
  exitSuccess
  putStrLn "never printed"
