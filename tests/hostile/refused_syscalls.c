#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* io_uring_setup (425) and memfd_secret (447) must be refused, whatever the engine's own profile allows, by judge's
 * own seccomp filter (one more filter than the engine's: at least 2). Numbers 424 and up are the same on every
 * architecture. Prints "ok" only when both are refused and the filter is there. */
static int seccomp_filters(void) {
    char line[256];
    int n = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Seccomp_filters: %d", &n) == 1) break;
    fclose(f);
    return n;
}

int main(void) {
    long params[16] = {0}; /* struct io_uring_params: 120 bytes */
    long ring = syscall(425, 8, params);
    int ring_errno = errno;
    long secret = syscall(447, 0);
    int secret_errno = errno;
    int filters = seccomp_filters();
    if (ring < 0 && secret < 0 && filters >= 2)
        puts("ok");
    else
        printf("ESCAPED:io_uring_setup=%ld(errno-%d),memfd_secret=%ld(errno-%d),seccomp-filters=%d\n", ring,
               ring < 0 ? ring_errno : 0, secret, secret < 0 ? secret_errno : 0, filters);
    return 0;
}
