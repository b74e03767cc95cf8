const std = @import("std");

pub fn main() !void {
    const allocator = std.heap.page_allocator;
    while (true) {
        const chunk = try allocator.alloc(u8, 16 << 20);
        @memset(chunk, 1);
    }
}
