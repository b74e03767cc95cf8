import sys
data = sys.stdin.read().split()
n = int(data[0])
xs = list(map(int, data[1:n + 1]))
total = 0
for i in range(n):
    total = sum(xs[: i + 1])
print(total)
