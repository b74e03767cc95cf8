print('1000002' if input() == 'big' else '0.005')
