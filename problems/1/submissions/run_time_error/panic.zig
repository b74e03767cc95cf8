pub fn main() void {
    @panic("boom");
}
