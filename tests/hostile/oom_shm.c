#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

/* Lower our OOM score (to be spared by the OOM killer), then fill memory with SysV shared memory that no process
 * holds (each segment detached once written). The test must end as MLE, every time, and never take the agent. */
int main(void) {
    int fd = open("/proc/self/oom_score_adj", O_WRONLY);
    if (fd >= 0) {
        (void)!write(fd, "0", 1);
        close(fd);
    }
    const size_t chunk = 8 << 20;
    for (;;) {
        int id = shmget(IPC_PRIVATE, chunk, IPC_CREAT | 0600);
        if (id < 0) continue;
        char *p = shmat(id, NULL, 0);
        if (p == (char *)-1) continue;
        memset(p, 1, chunk);
        shmdt(p);
    }
}
