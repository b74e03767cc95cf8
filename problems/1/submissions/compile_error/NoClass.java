public class NoClass {
    public static void main(String[] args) {
        undefined();
    }
}
