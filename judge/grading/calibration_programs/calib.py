"""judge calibrate: the interpreter's loop, integers, a dict and a list (a fixed amount of work, no input)."""

x, total, seen = 88172645463325252, 0, {}
for i in range(1_200_000):
    x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    total += x >> 40
    seen[x & 0xFFFF] = i
print(total + len(seen) + sum(sorted(seen)[:10]))
