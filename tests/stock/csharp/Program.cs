// C# as Microsoft's docs read a line (Console.ReadLine, string.Split, long.Parse) with a static Main.
using System;

class Program
{
    static void Main()
    {
        string[] parts = Console.ReadLine().Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
        Console.WriteLine(long.Parse(parts[0]) + long.Parse(parts[1]));
    }
}
