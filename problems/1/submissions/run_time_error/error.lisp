(read)
(error "boom")
