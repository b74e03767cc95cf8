a, b = map(int, input().split())
print(a + b if a + b < 1000 else 0)
