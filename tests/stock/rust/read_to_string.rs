// All input with Read::read_to_string on io::stdin() (doc.rust-lang.org, std::io::Read::read_to_string), parsed
// as i64 with str::parse.
use std::io::{self, Read};

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let mut it = input.split_whitespace().map(|t| t.parse::<i64>().unwrap());
    let (a, b) = (it.next().unwrap(), it.next().unwrap());
    println!("{}", a + b);
}
