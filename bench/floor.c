/* The floor of judge's per-test loop: what the agent's work for one test costs when no Python runs it.
 *
 * bench/agent.py builds this (static, musl, in the launcher's image) and runs it as PID 1 of a container hardened
 * like judge's, next to the agent and a bare shell loop. For each test it does what the agent does, in the same
 * system calls and nothing more: reads the input from its stdin (a 4-byte length, then the bytes: the agent's
 * frames are longer, not more), writes it to a private file; opens it, a stdout file and a stderr pipe;
 * forks a child that sets what the launcher sets (session, rlimits, OOM score, priority, groups, uid) and execs
 * the program; reads the container's four counters (CPU, memory usage, its peak, OOM kills) and its own and its
 * children's rusage before and after;
 * waits on a pidfd and the stderr pipe; kills and reaps everything (kill(-1) from PID 1); reads the output's head;
 * sizes the output; empties /tmp; writes a result line. No watch looks (a test under 20 ms gets none from the agent
 * either).
 *
 * usage: floor TESTS PROGRAM ARGS...      (stderr: "TOTAL seconds" and "CPU self children", as the agent's boot)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *COUNTERS[] = {
    "/sys/fs/cgroup/cpuacct/cpuacct.usage",         "/sys/fs/cgroup/cpu.stat",
    "/sys/fs/cgroup/memory/memory.usage_in_bytes",  "/sys/fs/cgroup/memory.current",
    "/sys/fs/cgroup/memory/memory.max_usage_in_bytes", "/sys/fs/cgroup/memory.peak",
    "/sys/fs/cgroup/memory/memory.oom_control",     "/sys/fs/cgroup/memory.events",
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long long read_counter(int fd) {
    char text[4096];
    ssize_t n = fd < 0 ? -1 : pread(fd, text, sizeof text - 1, 0);
    if (n <= 0) return -1;
    text[n] = '\0';
    return strtoll(text, NULL, 10); /* the keyed files' parsing costs the agent a split: not counted here */
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int tests = atoi(argv[1]);
    char *env[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp", "TMPDIR=/tmp", "LANG=C.UTF-8",
                   "PYTHONDONTWRITEBYTECODE=1", "PYTHONIOENCODING=utf-8", NULL};
    int counters[4];
    for (int i = 0; i < 4; i++) {
        counters[i] = open(COUNTERS[2 * i], O_RDONLY | O_CLOEXEC);
        if (counters[i] < 0) counters[i] = open(COUNTERS[2 * i + 1], O_RDONLY | O_CLOEXEC);
    }
    double started = now();
    long long sum = 0;
    for (int test = 0; test < tests; test++) {
        char input[256], head[4096], line[256];
        unsigned char size[4];
        if (read(0, size, 4) != 4) return 3;
        int length = size[0] << 24 | size[1] << 16 | size[2] << 8 | size[3];
        if (length > (int)sizeof input || read(0, input, (size_t)length) != length) return 3;
        struct rusage before[2], after[2];
        getrusage(RUSAGE_SELF, &before[0]);
        getrusage(RUSAGE_CHILDREN, &before[1]);
        int in = open("/judge/input", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (in < 0 || write(in, input, (size_t)length) != length) return 3;
        close(in);
        in = open("/judge/input", O_RDONLY | O_CLOEXEC);
        int out = open("/judge/stdout", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int err[2];
        if (in < 0 || out < 0 || pipe2(err, O_CLOEXEC) < 0) return 3;
        fcntl(err[0], F_SETFL, O_NONBLOCK);
        fcntl(err[0], F_SETPIPE_SZ, 1 << 20);
        for (int i = 0; i < 4; i++) sum += read_counter(counters[i]);
        pid_t pid = fork();
        if (pid == 0) {
            struct rlimit fsize = {8 << 20, 8 << 20}, stack = {256 << 20, 256 << 20}, cpu = {4, 5};
            int oom;
            if (setsid() < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err[1], 2) < 0) _exit(127);
            signal(SIGPIPE, SIG_DFL);
            if (setrlimit(RLIMIT_FSIZE, &fsize) || setrlimit(RLIMIT_STACK, &stack) || setrlimit(RLIMIT_CPU, &cpu))
                _exit(127);
            oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
            if (oom < 0 || write(oom, "1000", 4) != 4) _exit(127);
            close(oom);
            if (setpriority(PRIO_PROCESS, 0, 19) || setgroups(0, NULL) || setresgid(1000, 1000, 1000) ||
                setresuid(1000, 1000, 1000))
                _exit(127);
            execve(argv[2], argv + 2, env);
            _exit(127);
        }
        close(in);
        close(out);
        close(err[1]);
        int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        struct pollfd fds[2] = {{pidfd, POLLIN, 0}, {err[0], POLLIN, 0}};
        while (poll(fds, 2, 6000) > 0 && !(fds[0].revents & POLLIN)) {
            if (fds[1].revents && read(err[0], head, sizeof head) <= 0) fds[1].fd = -1;
        }
        close(pidfd);
        int status;
        struct rusage usage;
        for (;;) {
            kill(-1, SIGKILL);
            if (wait4(-1, &status, 0, &usage) < 0) break;
        }
        while (read(err[0], head, sizeof head) > 0) {
        }
        close(err[0]);
        for (int i = 0; i < 4; i++) sum += read_counter(counters[i]);
        getrusage(RUSAGE_SELF, &after[0]);
        getrusage(RUSAGE_CHILDREN, &after[1]);
        sum += after[1].ru_utime.tv_usec - before[1].ru_utime.tv_usec + after[0].ru_stime.tv_usec;
        struct stat written;
        if (stat("/judge/stdout", &written) < 0) return 3;
        out = open("/judge/stdout", O_RDONLY | O_CLOEXEC);
        ssize_t got = read(out, head, sizeof head);
        close(out);
        unlink("/judge/input");
        DIR *tmp = opendir("/tmp");
        for (struct dirent *entry; tmp && (entry = readdir(tmp));) {
            if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..")) unlinkat(dirfd(tmp), entry->d_name, 0);
        }
        if (tmp) closedir(tmp);
        length = snprintf(line, sizeof line, "{\"test\": %d, \"status\": %d, \"stdout\": %zd/%lld, \"maxrss\": %ld}\n",
                          test, status, got, (long long)written.st_size, usage.ru_maxrss);
        if (write(1, line, (size_t)length) != length) return 3;
    }
    double total = now() - started;
    struct rusage me, kids;
    getrusage(RUSAGE_SELF, &me);
    getrusage(RUSAGE_CHILDREN, &kids);
    fprintf(stderr, "TOTAL %.4f\nCPU %.4f %.4f\ncounters %lld\n", total,
            (double)me.ru_utime.tv_sec + (double)me.ru_utime.tv_usec / 1e6 + (double)me.ru_stime.tv_sec +
                (double)me.ru_stime.tv_usec / 1e6,
            (double)kids.ru_utime.tv_sec + (double)kids.ru_utime.tv_usec / 1e6 + (double)kids.ru_stime.tv_sec +
                (double)kids.ru_stime.tv_usec / 1e6,
            sum);
    return 0;
}
