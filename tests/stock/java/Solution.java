// java.util.Scanner, a class named like its file but not Main, and recursion 10^5 deep on the main thread (the
// reference judges start the JVM with -Xss64m, problemtools' and DOMjudge's java commands).
import java.util.Scanner;

public class Solution {
    static long depth(int n) {
        return n == 0 ? 0 : 1 + depth(n - 1);
    }

    public static void main(String[] args) {
        Scanner scanner = new Scanner(System.in);
        long a = scanner.nextLong(), b = scanner.nextLong();
        if (depth(100_000) != 100_000) throw new AssertionError();
        System.out.println(a + b);
    }
}
