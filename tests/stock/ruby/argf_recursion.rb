# ARGF reads standard input when no file is named (ruby-doc.org, "ARGF"); a method 10 000 calls deep, within
# Ruby's default VM stack.
def depth(n)
  n.zero? ? 0 : depth(n - 1) + 1
end

a, b = ARGF.read.split.map { |t| Integer(t) }
puts a + b + depth(10_000) - 10_000
