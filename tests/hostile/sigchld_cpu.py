# SIGCHLD ignored: the kernel reaps the children at once, so their CPU never reaches anyone's rusage. Four children
# burn 0.4 s each (1.6 s in all, under the 2 s hard limit of a 1 s test): the test's CPU time must count them.
import os
import signal
import time

signal.signal(signal.SIGCHLD, signal.SIG_IGN)
read_end, write_end = os.pipe()
for _ in range(4):
    if os.fork() == 0:
        end = time.process_time() + 0.4
        while time.process_time() < end:
            pass
        os.write(write_end, b"x")
        os._exit(0)
os.close(write_end)
done = b""
while len(done) < 4:
    chunk = os.read(read_end, 4)
    if not chunk:
        break
    done += chunk
print("ok")
