# Deep recursion as PyPy users write it: sys.setrecursionlimit (docs.python.org, "sys.setrecursionlimit") with
# a thread of a large stack (threading.stack_size); input via open(0).
import sys
import threading


def depth(n):
    return 0 if n == 0 else depth(n - 1) + 1


def main():
    a, b = map(int, open(0).read().split())
    print(a + b + depth(100000) - 100000)


sys.setrecursionlimit(10**6)
threading.stack_size(2**27)
t = threading.Thread(target=main)
t.start()
t.join()
