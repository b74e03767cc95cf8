# All input with STDIN.read (ruby-doc.org, "IO#read": reads to end of file), Array#sum; exit 0 with a status.
numbers = STDIN.read.split.map(&:to_i)
puts numbers.sum
exit 0
