/* C as the judges' older compilers accepted it (GCC before 14, DOMjudge's and Kattis' gcc commands): main()
 * without int (implicit int, C89 3.5.2) and strlen and exit called without <string.h> and <stdlib.h> (implicit
 * declarations, C89 3.3.2.2). GCC 14 rejects these unless -fpermissive turns the errors back into warnings. */
#include <stdio.h>

char line[100];

main() {
    long long a, b;
    if (!fgets(line, sizeof line, stdin))
        exit(1);
    if (strlen(line) && line[strlen(line) - 1] == '\n')
        line[strlen(line) - 1] = 0;
    sscanf(line, "%lld %lld", &a, &b);
    printf("%lld\n", a + b);
    return 0;
}
