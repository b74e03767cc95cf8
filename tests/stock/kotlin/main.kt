// Kotlin as its docs teach for competitive programming (kotlinlang.org, "Kotlin for competitive programming"):
// a top-level fun main, readln() and split.
fun main() {
    val (a, b) = readln().trim().split(" ").map { it.toLong() }
    println(a + b)
}
