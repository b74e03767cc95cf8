/* Deep recursion, as C users write a DFS: 10^6 frames, far beyond the 8 MiB default stack. The reference judges
 * give the stack the memory limit (Kattis: "the stack size limit is the memory limit"), so this must not crash. */
#include <stdio.h>

static long long depth(int n) {
    volatile char frame[64]; /* a real frame at every level: the compiler cannot turn this into a loop */
    frame[n % 64] = (char)n;
    if (n == 0)
        return 0;
    return depth(n - 1) + (frame[n % 64] == (char)n);
}

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2)
        return 1;
    if (depth(1000000) != 1000000)
        return 2;
    printf("%lld\n", a + b);
    return 0;
}
