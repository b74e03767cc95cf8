// judge calibrate: the JVM's start and JIT, object allocation and arithmetic (a fixed amount of work).
import java.util.ArrayList;
import java.util.List;

public class Calib {
    public static void main(String[] args) {
        long x = 88172645463325252L, sum = 0;
        List<long[]> keep = new ArrayList<>();
        for (int i = 0; i < 60_000_000; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            sum += (x % 3 == 0) ? x >>> 11 : x & 0xffff;
            if ((i & 0xfff) == 0) keep.add(new long[16]);
        }
        System.out.println(sum + keep.size());
    }
}
