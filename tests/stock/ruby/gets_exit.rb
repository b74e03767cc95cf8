# One line with Kernel#gets, split and mapped with to_i (ruby-doc.org, "Kernel#gets", "String#split"); Integer
# has no size limit. Kernel#exit ends the program early.
a, b = gets.split.map(&:to_i)
puts a + b
exit
puts "not reached"
