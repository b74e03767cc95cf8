// Reading the whole input through a file named /dev/stdin (java.nio.file.Files.readString), a habit carried over
// from scripting languages; the class is not public, and a PrintWriter carries the answer.
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

class DevStdin {
    public static void main(String[] args) throws Exception {
        String[] parts = Files.readString(Path.of("/dev/stdin")).trim().split("\\s+");
        PrintWriter out = new PrintWriter(System.out);
        out.println(Long.parseLong(parts[0]) + Long.parseLong(parts[1]));
        out.flush();
    }
}
