input()
print('1/3')
