// main returning u8, its value the exit status (Zig language reference, "Entry point": main may return void,
// !void, u8 or !u8); a recursion 100 000 deep on the main thread's stack.
const std = @import("std");

fn depth(n: u64) u64 {
    return if (n == 0) 0 else depth(n - 1) + 1;
}

pub fn main() u8 {
    var buf: [256]u8 = undefined;
    const len = std.io.getStdIn().reader().readAll(&buf) catch return 1;
    var it = std.mem.tokenizeAny(u8, buf[0..len], " \r\n\t");
    const a = std.fmt.parseInt(i64, it.next() orelse return 1, 10) catch return 1;
    const b = std.fmt.parseInt(i64, it.next() orelse return 1, 10) catch return 1;
    var n: u64 = 100_000;
    _ = &n;
    const d: i64 = @intCast(depth(n));
    std.io.getStdOut().writer().print("{d}\n", .{a + b + d - 100_000}) catch return 1;
    return 0;
}
