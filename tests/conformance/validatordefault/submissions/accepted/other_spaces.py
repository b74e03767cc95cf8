print('\n  Yes\t' if input() == '1' else 'Yes\nwe can  \n\n')
