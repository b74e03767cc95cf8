using System.Collections.Generic;

class Hog {
    static void Main() {
        var keep = new List<long[]>();
        while (true) {
            var a = new long[1 << 20];
            for (int i = 0; i < a.Length; i++) a[i] = i;
            keep.Add(a);
        }
    }
}
