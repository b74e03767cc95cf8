// Every line of stdin (stdin.byLine), std.conv and std.algorithm, a recursion 10^5 deep and an early exit(0)
// from core.stdc.stdlib (stdout flushed first).
import core.stdc.stdlib : exit;
import std.algorithm : map, sum;
import std.array : split;
import std.conv : to;
import std.stdio;

int depth(int n)
{
    return n == 0 ? 0 : 1 + depth(n - 1);
}

void main()
{
    long total = 0;
    foreach (line; stdin.byLine)
        total += line.split.map!(to!long).sum;
    assert(depth(100_000) == 100_000);
    writeln(total);
    stdout.flush();
    exit(0);
}
