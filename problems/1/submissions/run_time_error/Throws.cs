class Throws {
    static void Main() {
        throw new System.InvalidOperationException("boom");
    }
}
