pub fn main() void {
    const x: i32 = "not a number";
    _ = x;
}
