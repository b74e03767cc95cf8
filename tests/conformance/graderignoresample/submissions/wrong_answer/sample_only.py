n = int(input())
print(1 if n == 0 else 0)
