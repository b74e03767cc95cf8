from util import add

print(add(*map(int, input().split())))
