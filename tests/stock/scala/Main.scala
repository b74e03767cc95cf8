// A Scala 2 object with main, scala.io.StdIn.readLine and an early sys.exit(0).
object Main {
  def main(args: Array[String]): Unit = {
    val Array(a, b) = scala.io.StdIn.readLine().trim.split("\\s+").map(_.toLong)
    println(a + b)
    sys.exit(0)
  }
}
