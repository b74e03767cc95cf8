# Guesses 0, 1, 2, ... reading the answer to each; the validator leaves on the right one.
guess = 0
while True:
    print(guess, flush=True)
    try:
        input()
    except EOFError:
        break
    guess += 1
