import os
import time

input()
os.close(1)  # no answer: the validator would read end of file now if the judge did not hold the pipe
time.sleep(0.3)
raise SystemExit(3)
