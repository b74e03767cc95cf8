const std = @import("std");

pub fn main() !void {
    var buf: [256]u8 = undefined;
    const n = try std.io.getStdIn().readAll(&buf);
    var it = std.mem.tokenizeAny(u8, buf[0..n], " \t\r\n");
    const a = try std.fmt.parseInt(i64, it.next().?, 10);
    const b = try std.fmt.parseInt(i64, it.next().?, 10);
    try std.io.getStdOut().writer().print("{d}\n", .{a - b});
}
