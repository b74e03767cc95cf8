// Deep recursion the two ways Rust users write it: on the main thread (its stack is the process's stack limit)
// and on a thread with a large stack (doc.rust-lang.org, std::thread::Builder::stack_size); input by
// Stdin::lines.
use std::io;

fn depth(n: u64) -> u64 {
    if n == 0 { 0 } else { depth(n - 1) + 1 }
}

fn main() {
    let line = io::stdin().lines().next().unwrap().unwrap();
    let v: Vec<i64> = line.split_whitespace().map(|t| t.parse().unwrap()).collect();
    let on_main = depth(std::hint::black_box(100_000)) as i64;
    let on_thread = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| depth(std::hint::black_box(1_000_000)) as i64)
        .unwrap()
        .join()
        .unwrap();
    println!("{}", v[0] + v[1] + on_main - 100_000 + on_thread - 1_000_000);
}
