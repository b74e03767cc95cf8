print('1000000.5' if input() == 'big' else '0.005')
