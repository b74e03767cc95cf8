# A 2000-deep tree in /tmp (deeper than the removal's descriptors can follow one per level): the next test must find
# /tmp empty.
import os

left = os.listdir("/tmp")
os.chdir("/tmp")
for _ in range(2000):
    os.mkdir("d")
    os.chdir("d")
open("deepest", "w").write("x")
print("ok" if not left else f"FAILED: /tmp holds {left}")
