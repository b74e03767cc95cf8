// D's std.stdio.readf with a format, as the D tour reads input, and writeln (a file named readf.d would be
// module readf, which hides the function: D names a module after its file).
import std.stdio;

void main()
{
    long a, b;
    readf(" %d %d", a, b);
    writeln(a + b);
}
