-- All input with io.read("a") (Lua 5.4 manual, "io.read": "a" reads the whole file), words by string.gmatch,
-- math.tointeger keeps them integers.
local input = io.read("a")
local sum = 0
for word in input:gmatch("%S+") do
  sum = sum + math.tointeger(tonumber(word))
end
io.write(string.format("%d\n", sum))
