-- io.read("n") reads a numeral (Lua 5.4 manual, "io.read": "n" ... returns an integer or a float, following the
-- lexical conventions of Lua); 64-bit integers print as integers. os.exit(0) ends the program early.
local a, b = io.read("n", "n")
print(a + b)
os.exit(0)
print("not reached")
