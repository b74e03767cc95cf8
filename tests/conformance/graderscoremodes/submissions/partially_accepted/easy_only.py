n = int(input())
print(n + 1 if n < 1000 else -1)
