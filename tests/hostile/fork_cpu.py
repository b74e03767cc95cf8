# Two processes burn CPU the main process never reaps: a child it forks, and that child's own child left to run
# after it exits (reparented to the container's PID 1). Their CPU time is the test's: the judge must count it.
import os
import time


def burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


read_end, write_end = os.pipe()
if os.fork() == 0:
    if os.fork() == 0:  # the grandchild: orphaned once its parent exits
        burn(0.6)
        os.write(write_end, b"g")
        os._exit(0)
    burn(0.6)
    os.write(write_end, b"c")
    os._exit(0)
os.close(write_end)
reported = b""
while len(reported) < 2:  # both burners done; neither is ever waited for
    chunk = os.read(read_end, 2)
    if not chunk:
        break
    reported += chunk
print("ok")
