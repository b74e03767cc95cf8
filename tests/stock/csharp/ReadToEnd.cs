// All of stdin with Console.In.ReadToEnd, System.Numerics.BigInteger (Kattis compiles with -r:System.Numerics),
// then Environment.Exit(0).
using System;
using System.Linq;
using System.Numerics;

public static class Solution
{
    public static void Main(string[] args)
    {
        var numbers = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries).Select(BigInteger.Parse);
        Console.WriteLine(numbers.Aggregate(BigInteger.Zero, (x, y) => x + y));
        Environment.Exit(0);
    }
}
