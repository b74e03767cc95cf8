chunks = []
while True:
    chunks.append(b"x" * (16 * 1024 * 1024))  # written bytes: a lazily zeroed buffer would not count
