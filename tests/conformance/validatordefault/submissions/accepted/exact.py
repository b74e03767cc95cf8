print('Yes' if input() == '1' else 'Yes  we\ncan')
