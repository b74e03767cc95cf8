/* judge's launcher: the agent spawns each test through it with posix_spawn (vfork), sparing the fork of a Python
 * process (about 1 ms a test). It runs as the agent's root (no capabilities but the agent's few) for a few system
 * calls, then becomes the submission: it sets the rlimits, the highest OOM score (pinned: with the agent's
 * CAP_SYS_RESOURCE the kernel raises the process's minimum with it) and the lowest priority, installs judge's seccomp
 * filter, drops every group and becomes the submission's uid, then execs the program. The agent has already made the session,
 * the standard streams (file actions) and the signal dispositions. Static, no allocation, no environment read.
 *
 * usage: launcher ERRFD UID RES:SOFT:HARD ... -- PATH ARGV0 ARGS...
 * A failure before the exec writes "Error: what" to ERRFD and exits 127; the exec closes ERRFD (close-on-exec),
 * so the agent reading ERRFD to its end sees nothing when the program started (judge/sandbox/agent/processes.py).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

extern char **environ;
static int errfd = -1;

static void fail(const char *what, const char *arg) {
    const char *why = strerror(errno);
    if (errfd >= 0) {
        (void)!write(errfd, "OSError: ", 9);
        (void)!write(errfd, what, strlen(what));
        if (arg) {
            (void)!write(errfd, " ", 1);
            (void)!write(errfd, arg, strlen(arg));
        }
        (void)!write(errfd, ": ", 2);
        (void)!write(errfd, why, strlen(why));
    }
    _exit(127);
}

static unsigned long long number(const char *text, char stop, const char **end) {
    unsigned long long value = 0;
    const char *p = text;
    if (strncmp(p, "inf", 3) == 0 && p[3] == stop) { /* RLIM_INFINITY */
        *end = p + 3;
        return RLIM_INFINITY;
    }
    errno = EINVAL;
    if (*p < '0' || *p > '9') fail("bad number", text);
    while (*p >= '0' && *p <= '9') {
        if (value > 1000000000000000000ULL) fail("bad number", text); /* 19 digits at most: no overflow */
        value = value * 10 + (unsigned long long)(*p++ - '0');
    }
    if (*p != stop) fail("bad number", text);
    *end = p;
    return value;
}

/* Classic BPF, as struct sock_filter and struct sock_fprog (no kernel headers under musl-gcc). */
struct insn {
    unsigned short code;
    unsigned char jt, jf;
    unsigned int k;
};
struct program {
    unsigned short len;
    const struct insn *filter;
};

/* Refuse io_uring_setup, io_uring_enter, io_uring_register and memfd_secret (EPERM) whatever the engine's profile
 * allows: the same program as the agent's seccomp_filter (agent/processes.py, REFUSED_SYSCALLS). Numbers from 424 on
 * are the same on every architecture; the x32 bit is masked off. */
static void refuse_syscalls(void) {
    static const struct insn filter[] = {
        {0x20, 0, 0, 0},          /* A = seccomp_data.nr */
        {0x54, 0, 0, 0xBFFFFFFF}, /* A &= ~x32 bit */
        {0x15, 4, 0, 425},        /* io_uring_setup */
        {0x15, 3, 0, 426},        /* io_uring_enter */
        {0x15, 2, 0, 427},        /* io_uring_register */
        {0x15, 1, 0, 447},        /* memfd_secret */
        {0x06, 0, 0, 0x7FFF0000}, /* SECCOMP_RET_ALLOW */
        {0x06, 0, 0, 0x00050000 | EPERM}, /* SECCOMP_RET_ERRNO */
    };
    struct program program = {sizeof filter / sizeof filter[0], filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("no_new_privs", NULL);
    if (prctl(PR_SET_SECCOMP, 2 /* SECCOMP_MODE_FILTER */, &program, 0, 0) < 0) fail("seccomp", NULL);
}

int main(int argc, char **argv) {
    const char *end;
    if (argc < 5) _exit(127);
    errfd = (int)number(argv[1], '\0', &end);
    if (fcntl(errfd, F_SETFD, FD_CLOEXEC) < 0) _exit(127);
    unsigned long long uid = number(argv[2], '\0', &end);
    int i = 3;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *p = argv[i];
        unsigned long long res = number(p, ':', &end);
        struct rlimit limit;
        limit.rlim_cur = (rlim_t)number(end + 1, ':', &end);
        limit.rlim_max = (rlim_t)number(end + 1, '\0', &end);
        if (setrlimit((int)res, &limit) < 0) fail("setrlimit", p);
    }
    errno = EINVAL;
    if (i + 2 >= argc) fail("no program after --", NULL);
    const char *path = argv[i + 1];
    int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    /* the OOM killer takes the submission, never the agent */
    if (oom < 0 || write(oom, "1000", 4) != 4) fail("oom_score_adj", NULL);
    close(oom);
    /* lowest priority in the container: the agent must keep watching the limits beside a fork bomb */
    if (setpriority(PRIO_PROCESS, 0, 19) < 0) fail("setpriority", NULL);
    refuse_syscalls();
    if (setgroups(0, NULL) < 0) fail("setgroups", NULL);
    if (setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) < 0) fail("setresgid", NULL);
    if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0) fail("setresuid", NULL);
    execve(path, argv + i + 2, environ);
    fail("exec", path);
    return 127;
}
