// A buffered reader over System.in read to its end, recursion 10^5 deep (the reference judges run kotlin with
// -Xss64m) and an early exitProcess(0).
import kotlin.system.exitProcess

fun depth(n: Int): Int = if (n == 0) 0 else 1 + depth(n - 1)

fun main() {
    val numbers = System.`in`.bufferedReader().readText().split(Regex("\\s+")).filter { it.isNotEmpty() }.map { it.toLong() }
    check(depth(100_000) == 100_000)
    println(numbers.sum())
    exitProcess(0)
}
