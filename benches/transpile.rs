//! Transpiler throughput in bytes of input per second, over the corpus of
//! `tests/data/transpiler/corpus.json` (solc-js 0.5.16 to 0.8.26, optimizer off and on): every
//! runtime code and every creation code the transpiler accepts, library placeholders linked to a
//! fixed address. One iteration transpiles the whole set (analysis, rewriting, assembly and the
//! purity check of each output).
//!
//! `cargo bench --bench transpile`

#[path = "../tests/support/link.rs"]
mod link;
#[path = "../tests/support/worst_cases.rs"]
mod worst_cases;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ovm::primitives::decode_hex;
use ovm::transpile::{Input, Options, transpile};

fn corpus(field: &str, input: Input) -> Vec<Vec<u8>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/transpiler/corpus.json");
    let text = std::fs::read_to_string(path).expect("corpus.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("corpus JSON");
    json.as_array()
        .expect("entries")
        .iter()
        .map(|e| decode_hex(&link::link_placeholders(e[field].as_str().expect("code"))).expect("hex"))
        .filter(|code| transpile(code, &Options { input, ..Options::default() }).is_ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    for (name, field, input) in
        [("runtime", "runtime", Input::Runtime), ("creation", "creation", Input::Creation)]
    {
        let codes = corpus(field, input);
        let bytes: u64 = codes.iter().map(|c| c.len() as u64).sum();
        let mut group = c.benchmark_group(format!("transpile/corpus_{name}"));
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function(format!("{} codes", codes.len()), |b| {
            b.iter(|| {
                codes
                    .iter()
                    .map(|code| {
                        transpile(code, &Options { input, ..Options::default() }).map_or(0, |t| t.code.len())
                    })
                    .sum::<usize>()
            })
        });
        group.finish();
    }
}

/// The adversarial patterns of `tests/support/worst_cases.rs` at 24 KiB and 48 KiB (runtime
/// code, whatever the verdict): linear time means equal throughput at both sizes.
fn worst_cases(c: &mut Criterion) {
    for size in [worst_cases::SIZE, 2 * worst_cases::SIZE] {
        for (name, code) in worst_cases::of_size(size) {
            let mut group = c.benchmark_group(format!("transpile/{name}_{}k", size / 1024));
            group.throughput(Throughput::Bytes(code.len() as u64));
            group.measurement_time(std::time::Duration::from_secs(2));
            group.bench_function("runtime", |b| {
                b.iter(|| {
                    transpile(&code, &Options { input: Input::Runtime, ..Options::default() })
                        .map_or(0, |t| t.code.len())
                })
            });
            group.finish();
        }
    }
}

criterion_group!(benches, bench, worst_cases);
criterion_main!(benches);
