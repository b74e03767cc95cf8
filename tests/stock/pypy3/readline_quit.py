# input = sys.stdin.readline, the usual PyPy speed idiom; quit(0) (site builtin) ends the program.
import sys

input = sys.stdin.readline


def main():
    a, b = map(int, input().split())
    print(a + b)
    quit(0)


if __name__ == "__main__":
    main()
    print("not reached")
