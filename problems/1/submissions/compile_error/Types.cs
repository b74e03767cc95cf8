class Types {
    static void Main() {
        int x = "not a number";
        System.Console.WriteLine(x);
    }
}
