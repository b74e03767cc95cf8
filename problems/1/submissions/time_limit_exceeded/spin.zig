const std = @import("std");

pub fn main() void {
    var x: u64 = 0;
    while (true) {
        x = (x *% 31 +% 7) % 1000003;
        std.mem.doNotOptimizeAway(x);
    }
}
