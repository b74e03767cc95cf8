# open(0) is the standard input by file descriptor (docs.python.org, "open": "file ... or an integer file
# descriptor"); quit() is the site builtin that ends the program.
a, b = map(int, open(0).read().split())
print(a + b)
quit()
print("not reached")
