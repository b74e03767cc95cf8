// All of standard input with Reader.readAllAlloc (Zig 0.14 standard library, std.io.Reader), tokenized on
// whitespace, std.fmt.parseInt as i64; the answer through stdout's writer.
const std = @import("std");

pub fn main() !void {
    var gpa = std.heap.GeneralPurposeAllocator(.{}){};
    const allocator = gpa.allocator();
    const input = try std.io.getStdIn().reader().readAllAlloc(allocator, 1 << 20);
    defer allocator.free(input);
    var it = std.mem.tokenizeAny(u8, input, " \r\n\t");
    const a = try std.fmt.parseInt(i64, it.next().?, 10);
    const b = try std.fmt.parseInt(i64, it.next().?, 10);
    try std.io.getStdOut().writer().print("{d}\n", .{a + b});
}
