gets
raise "boom"
