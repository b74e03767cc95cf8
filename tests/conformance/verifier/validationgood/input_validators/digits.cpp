// Input validator: only digits and one final newline; takes no arguments (input_validator_args names range only).
#include <cstdio>
#include <cctype>
int main(int argc, char**) {
    if (argc != 1) { std::printf("unexpected arguments\n"); return 1; }
    int c, n = 0, last = 0;
    while ((c = std::getchar()) != EOF) {
        if (c != '\n' && !std::isdigit(c)) { std::printf("character %d is not a digit\n", c); return 43; }
        last = c; ++n;
    }
    if (n == 0 || last != '\n') { std::printf("no final newline\n"); return 43; }
    return 42;
}
