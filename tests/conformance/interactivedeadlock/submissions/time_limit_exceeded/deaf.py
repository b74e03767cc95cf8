# Writes wrong guesses without end and never reads the answers: the validator's answers fill one pipe, these
# guesses the other, and both programs block (a deadlock) until the submission's wall-clock cap stops it.
import sys

while True:
    sys.stdout.write("0\n" * 1000)
    sys.stdout.flush()
