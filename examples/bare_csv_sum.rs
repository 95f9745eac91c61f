//! The baseline of the performance target: a bare program that only reads a `tx.csv`,
//! parses every amount to integer cents and sums them (no crate types, no checks).
//!
//! ```sh
//! cargo run --release --example bare_csv_sum -- wl/tx.csv
//! ```
#![allow(
    clippy::print_stdout,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing
)]

use std::error::Error;
use std::io::{BufRead, BufReader};

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: bare_csv_sum FILE.csv")?;
    let mut reader = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut line = Vec::new();
    let mut rows = 0u64;
    let mut total: i128 = 0;
    reader.read_until(b'\n', &mut line)?; // header
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let amount = line.rsplit(|&b| b == b',').next().ok_or("no amount")?;
        let mut cents: i128 = 0;
        for &b in amount {
            if b.is_ascii_digit() {
                cents = cents * 10 + i128::from(b - b'0');
            }
        }
        total += cents;
        rows += 1;
    }
    println!("{rows} rows, total {}.{:02}", total / 100, total % 100);
    Ok(())
}
