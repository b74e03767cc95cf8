fun main() {
    val keep = ArrayList<LongArray>()
    while (true) keep.add(LongArray(1 shl 20) { it.toLong() })
}
