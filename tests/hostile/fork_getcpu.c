/* Pinning check: the parent and four forked children spin a little and report the CPUs they may run on and the one
 * they ran on (sched_getcpu, /proc/self/stat field 39). Prints a+b only if every process was allowed exactly one CPU,
 * the same one, and ran on it; else what it saw (a WA that names the CPUs). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void spin(double seconds) {
    clock_t end = clock() + (clock_t)(seconds * CLOCKS_PER_SEC);
    volatile unsigned long x = 0;
    while (clock() < end) x++;
}

static int stat_cpu(void) { /* field 39 of /proc/self/stat: the CPU last run on */
    char buf[4096];
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f || !fgets(buf, sizeof buf, f)) return -1;
    fclose(f);
    char *p = strrchr(buf, ')');
    int field = 2, cpu = -1;
    for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
        if (++field == 39) { cpu = atoi(tok); break; }
    }
    return cpu;
}

static void report(int fd) {
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    int allowed = -1;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set)) { allowed = allowed == -1 ? c : -2; }
    spin(0.05);
    char line[64];
    int n = snprintf(line, sizeof line, "%d %d %d\n", allowed, sched_getcpu(), stat_cpu());
    if (write(fd, line, n) != n) exit(3);
}

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    int fds[2];
    if (pipe(fds)) return 2;
    for (int i = 0; i < 4; i++) {
        if (fork() == 0) { report(fds[1]); _exit(0); }
    }
    report(fds[1]);
    while (wait(NULL) > 0) {}
    close(fds[1]);
    char seen[1024] = "";
    int first = -3, ok = 1, allowed, got, stat;
    FILE *in = fdopen(fds[0], "r");
    while (fscanf(in, "%d %d %d", &allowed, &got, &stat) == 3) {
        if (first == -3) first = allowed;
        if (allowed < 0 || allowed != first || got != allowed || stat != allowed) ok = 0;
        char item[48];
        snprintf(item, sizeof item, "[%d %d %d] ", allowed, got, stat);
        strncat(seen, item, sizeof seen - strlen(seen) - 1);
    }
    if (ok) printf("%lld\n", a + b);
    else printf("cpus %s\n", seen);
    return 0;
}
