keep = []
loop { keep << "x" * (16 << 20) }
