n = int(input())
print(42 if n == 0 else n + 1)
