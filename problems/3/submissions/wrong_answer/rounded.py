import math, sys
for line in sys.stdin:
    if line.strip():
        r = float(line)
        print(f'{math.pi * r * r:.1f}')
