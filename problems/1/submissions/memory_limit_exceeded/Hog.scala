object Hog {
  def main(args: Array[String]): Unit = {
    val keep = scala.collection.mutable.ArrayBuffer[Array[Long]]()
    while (true) keep += Array.fill(1 << 20)(1L)
  }
}
