using System;

class Minus {
    static void Main() {
        var p = Console.ReadLine().Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
        Console.WriteLine(long.Parse(p[0]) - long.Parse(p[1]));
    }
}
