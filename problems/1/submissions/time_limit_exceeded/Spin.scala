object Spin {
  def main(args: Array[String]): Unit = {
    var x = 0L
    while (true) { x = x * 31 + 7; if (x == 42L) println(x) }
  }
}
