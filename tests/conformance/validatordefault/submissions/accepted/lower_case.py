print('yes' if input() == '1' else 'YES we can')
