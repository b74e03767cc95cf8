print('No' if input() == '1' else 'Yes we')
