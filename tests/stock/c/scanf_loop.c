/* The usual C way to read all input: a scanf loop until EOF (C17 7.21.6.2: scanf returns the number of items
 * assigned, EOF at the end), then exit(0) from <stdlib.h> instead of returning from main. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    long long x, sum = 0;
    while (scanf("%lld", &x) == 1)
        sum += x;
    printf("%lld\n", sum);
    exit(0);
}
