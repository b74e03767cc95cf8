input()
print('yes')
