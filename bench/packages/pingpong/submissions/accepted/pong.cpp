// Reads k, answers k + 1 and flushes; stops on 0.
#include <cstdio>

int main() {
    long k;
    while (std::scanf("%ld", &k) == 1 && k != 0) {
        std::printf("%ld\n", k + 1);
        std::fflush(stdout);
    }
    return 0;
}
