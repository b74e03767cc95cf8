fun main() {
    var x = 0L
    while (true) {
        x = x * 31 + 7
        if (x == 42L) println(x)
    }
}
