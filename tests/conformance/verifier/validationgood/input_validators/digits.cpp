// Input validator: only digits and one final newline. Its arguments are the test's own args only
// (input_validator_args names range alone): anything but --even is a failure (exit 1).
#include <cctype>
#include <cstdio>
#include <cstring>
int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--even") != 0) { std::printf("unexpected argument %s\n", argv[i]); return 1; }
    int c, n = 0, last = 0;
    while ((c = std::getchar()) != EOF) {
        if (c != '\n' && !std::isdigit(c)) { std::printf("character %d is not a digit\n", c); return 43; }
        last = c; ++n;
    }
    if (n == 0 || last != '\n') { std::printf("no final newline\n"); return 43; }
    return 42;
}
