-- io.lines() iterates over standard input's lines (Lua 5.4 manual, "io.lines"); a Lua function 100 000 calls
-- deep (Lua calls do not use the C stack).
local function depth(n)
  if n == 0 then return 0 end
  return depth(n - 1) + 1
end

local numbers = {}
for line in io.lines() do
  for word in line:gmatch("%S+") do
    numbers[#numbers + 1] = math.tointeger(tonumber(word))
  end
end
print(numbers[1] + numbers[2] + depth(100000) - 100000)
