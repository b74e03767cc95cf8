import std.stdio;

void main() {
    long x = 0;
    while (true) { x = (x * 31 + 7) % 1000003; if (x == -1) writeln(x); }
}
