print("twice", input())
