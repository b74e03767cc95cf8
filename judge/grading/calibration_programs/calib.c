/* judge calibrate: integer arithmetic and branches in a tight loop (a fixed amount of work, no input). */
#include <stdio.h>
#include <stdint.h>

int main(void) {
    uint64_t x = 88172645463325252ULL, sum = 0;
    for (long i = 0; i < 150000000L; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum += (x % 3 == 0) ? x >> 11 : x & 0xffff;
    }
    printf("%llu\n", (unsigned long long)sum);
    return 0;
}
