a, b = map(int, input().split())
while True:
    a = (a * 31 + 7) % 1000003
