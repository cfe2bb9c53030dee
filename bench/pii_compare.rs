//! Run by `bench/pii-compare.sh`: the guard of the working tree (`pii`) against the guard
//! of an earlier commit (`pii_old`) on the benchmark's corpus, rounds alternating.

#[allow(dead_code)]
#[path = "@THROUGHPUT@"]
mod throughput;

use std::hint::black_box;
use std::time::{Duration, Instant};

const ROUNDS: usize = 15;

fn median(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64()
}

fn main() {
    let texts = throughput::corpus();
    let names: Vec<String> = ["张三", "李小红", "王秀英"].map(str::to_owned).to_vec();
    let new = pii::Guard::new(&names);
    let old = pii_old::Guard::new(&names);
    let (mut new_times, mut old_times) = (Vec::new(), Vec::new());
    let (mut new_found, mut old_found) = (0, 0);
    for round in 0..ROUNDS {
        // Which version goes first alternates too.
        for first in [round % 2 == 0, round % 2 == 1] {
            let start = Instant::now();
            if first {
                new_found = texts.iter().map(|t| black_box(new.scan(black_box(t))).len()).sum();
                new_times.push(start.elapsed());
            } else {
                old_found = texts.iter().map(|t| black_box(old.scan(black_box(t))).len()).sum();
                old_times.push(start.elapsed());
            }
        }
    }
    let (n, o) = (median(&mut new_times), median(&mut old_times));
    let bytes: usize = texts.iter().map(String::len).sum();
    let line = |label: &str, secs: f64, found: usize| {
        println!(
            "{label:<8} median of {ROUNDS}: {:>7.1} ms  {:>7.0} texts/s  {:>6.1} MB/s  ({found} findings)",
            secs * 1e3,
            texts.len() as f64 / secs,
            bytes as f64 / 1e6 / secs
        );
    };
    line("old", o, old_found);
    line("new", n, new_found);
    println!(
        "new / old time = {:.3} (throughput {:+.1} %)",
        n / o,
        (o / n - 1.0) * 100.0
    );
}
