import sys
line = 'y' * 4095 + '\n'
while True:
    sys.stdout.write(line)
