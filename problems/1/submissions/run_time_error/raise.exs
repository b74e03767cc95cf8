IO.read(:eof)
raise "boom"
