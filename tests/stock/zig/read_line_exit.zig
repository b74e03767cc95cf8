// One line with readUntilDelimiterOrEof into a buffer, a buffered writer flushed by hand, then an early
// std.process.exit(0) (Zig 0.14 standard library, std.process.exit).
const std = @import("std");

pub fn main() !void {
    var buf: [256]u8 = undefined;
    const line = (try std.io.getStdIn().reader().readUntilDelimiterOrEof(&buf, '\n')).?;
    var it = std.mem.tokenizeScalar(u8, std.mem.trimRight(u8, line, "\r"), ' ');
    const a = try std.fmt.parseInt(i64, it.next().?, 10);
    const b = try std.fmt.parseInt(i64, it.next().?, 10);
    var out = std.io.bufferedWriter(std.io.getStdOut().writer());
    try out.writer().print("{d}\n", .{a + b});
    try out.flush();
    std.process.exit(0);
}
