//! Purity-checker throughput in bytes of code per second: over the OVM v2 artifact corpus (every
//! runtime and creation code of `tests/data/ovm-artifacts/`) and over 24 KiB and 48 KiB adversarial
//! inputs.
//! Each group compares the check of already-decoded code (what the execution manager does: the
//! code cache holds the decoded stream), the verdict alone, decoding alone, and decode + check.
//!
//! `cargo bench --bench purity`

#[path = "../tests/support/artifacts.rs"]
mod artifacts;
#[path = "../tests/support/worst_cases.rs"]
mod worst_cases;

use std::time::Duration;

use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use ovm::DecodedCode;
use ovm::purity;

/// The four measurements of one input set.
fn bench_codes(group: &mut BenchmarkGroup<'_, WallTime>, codes: &[Vec<u8>]) {
    let bytes: u64 = codes.iter().map(|c| c.len() as u64).sum();
    let decoded: Vec<DecodedCode> = codes.iter().map(|c| purity::decode(c)).collect();
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("check_decoded", |b| {
        b.iter(|| decoded.iter().map(|d| purity::check_decoded(d).violations.len()).sum::<usize>())
    });
    group.bench_function("first_violation", |b| {
        b.iter(|| decoded.iter().filter(|d| purity::first_violation(d).is_some()).count())
    });
    group.bench_function("decode", |b| {
        b.iter(|| codes.iter().map(|c| purity::decode(c).instrs().len()).sum::<usize>())
    });
    group.bench_function("decode_and_check", |b| {
        b.iter(|| codes.iter().map(|c| purity::check(c).violations.len()).sum::<usize>())
    });
}

fn corpus(c: &mut Criterion) {
    // ovm/: real OVM code, all pure, so every check walks the whole code. evm/: plain solc
    // output, all impure; the verdict alone stops at the first violation.
    for build in [artifacts::Build::Ovm, artifacts::Build::Evm] {
        let codes: Vec<Vec<u8>> =
            artifacts::all(build).into_iter().flat_map(|a| [a.creation, a.runtime]).collect();
        let mut group = c.benchmark_group(format!("purity/corpus_{}", build.folder()));
        group.measurement_time(Duration::from_secs(3));
        bench_codes(&mut group, &codes);
        group.finish();
    }
}

fn worst_cases(c: &mut Criterion) {
    // At the code size limit (24 KiB) and twice that: linear time means equal throughput.
    for size in [worst_cases::SIZE, 2 * worst_cases::SIZE] {
        for (name, code) in worst_cases::of_size(size) {
            let mut group = c.benchmark_group(format!("purity/{name}_{}k", size / 1024));
            group.measurement_time(Duration::from_secs(2));
            bench_codes(&mut group, &[code]);
            group.finish();
        }
    }
}

criterion_group!(benches, corpus, worst_cases);
criterion_main!(benches);
