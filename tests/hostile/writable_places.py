# Every place the submission can write, found by trying: each directory of every read-write mount (not crossing into
# another mount) and every regular file there. Only /tmp, /dev/shm and /dev/mqueue may be writable: those the agent
# empties after every test.
import os

ALLOWED = ("/tmp", "/dev/shm", "/dev/mqueue")
found = []
mounts = []
for line in open("/proc/self/mountinfo"):
    fields = line.split()
    mounts.append((fields[4], fields[5].split(",")))
for mount, options in mounts:
    if "rw" not in options or mount.startswith(("/proc", "/sys")) or not os.path.isdir(mount):
        continue
    if any(mount == place or mount.startswith(place + "/") for place in ALLOWED):
        continue
    device = os.stat(mount).st_dev
    for folder, dirs, files in os.walk(mount):
        dirs[:] = [d for d in dirs if os.lstat(os.path.join(folder, d)).st_dev == device]
        probe = os.path.join(folder, ".judge-probe")
        try:
            os.close(os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            os.unlink(probe)
            found.append(folder)
        except OSError:
            pass
        for name in files:
            path = os.path.join(folder, name)
            if os.path.isfile(path) and not os.path.islink(path) and os.access(path, os.W_OK):
                found.append(path)
print("ok" if not found else f"FAILED: writable {found}")
