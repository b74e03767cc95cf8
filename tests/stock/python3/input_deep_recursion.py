# input() for one line; deep recursion the contest way: sys.setrecursionlimit and a thread with a large stack
# (docs.python.org, "sys.setrecursionlimit", "threading.stack_size"); sys.exit() from the main thread.
import sys
import threading


def count_down(n: int, acc: int) -> int:
    return acc if n == 0 else count_down(n - 1, acc + 1) - 1


def main() -> None:
    a, b = map(int, input().split())
    print(count_down(100_000, a + b) + 0)


sys.setrecursionlimit(10**6)
threading.stack_size(2**26)
thread = threading.Thread(target=main)
thread.start()
thread.join()
sys.exit()
