// C++ written with C's stdio (scanf/printf), common among contestants, in a `.cxx` file.
#include <cstdio>

int main() {
    long long a, b;
    if (std::scanf("%lld %lld", &a, &b) != 2) return 1;
    std::printf("%lld\n", a + b);
}
