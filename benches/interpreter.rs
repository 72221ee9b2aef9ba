//! Interpreter throughput: every workload through ovm and revm in one criterion group each
//! (same bytecode, calldata, gas and fork), plus decoding on its own.
//!
//! `cargo bench --bench interpreter` prints each pair; `scripts/bench-table` turns criterion's
//! output into the ratio table of BENCHMARKS.md.

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ovm::{DecodedCode, Fork};
use support::{OvmRunner, RevmRunner, workloads};

fn execution(c: &mut Criterion) {
    for workload in workloads() {
        let mut ours = OvmRunner::new(&workload);
        let mut theirs = RevmRunner::new(&workload);
        assert_eq!(ours.run().to_vec(), workload.expected, "ovm output of {}", workload.name);
        assert_eq!(theirs.run(), workload.expected, "revm output of {}", workload.name);
        let mut group = c.benchmark_group(format!("execute/{}", workload.name));
        group.bench_function("ovm", |b| b.iter(|| ours.run()));
        group.bench_function("revm", |b| b.iter(|| theirs.run()));
        group.finish();
    }
}

fn decoding(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    for workload in workloads() {
        let code = bytes::Bytes::from(workload.code.clone());
        group.throughput(Throughput::Bytes(code.len() as u64));
        group.bench_function(workload.name.as_str(), |b| {
            b.iter(|| DecodedCode::new(code.clone(), Fork::Cancun))
        });
    }
    group.finish();
}

criterion_group!(benches, execution, decoding);
criterion_main!(benches);
