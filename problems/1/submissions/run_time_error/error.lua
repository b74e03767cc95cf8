io.read("n", "n")
error("boom")
