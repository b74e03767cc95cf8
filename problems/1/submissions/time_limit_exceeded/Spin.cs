class Spin {
    static void Main() {
        long x = 0;
        while (true) { x = x * 31 + 7; if (x == 42) System.Console.WriteLine(x); }
    }
}
