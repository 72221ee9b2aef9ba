//! The fuzz targets' bodies (`fuzz/bodies/`) on stable, without a fuzzer: every input of the
//! committed seed corpora (`fuzz/corpus/<target>/`) and every crash input ever found
//! (`fuzz/regressions/<target>/`) is replayed, and each must pass its target's invariant.

#[path = "../fuzz/bodies/cli_inputs.rs"]
mod cli_inputs;
#[path = "../fuzz/bodies/decode.rs"]
mod decode;
#[path = "../fuzz/bodies/execute_diff.rs"]
mod execute_diff;
#[path = "../fuzz/bodies/purity.rs"]
mod purity;
#[path = "../fuzz/bodies/statetest_json.rs"]
mod statetest_json;
#[path = "../fuzz/bodies/transpile.rs"]
mod transpile;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The files of `fuzz/<kind>/<target>/`, sorted (none when the folder does not exist).
fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| !n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    files
}

/// Runs `body` on every corpus and regression input of `target`; reports every input that
/// panics, by path, then fails.
fn replay(target: &str, body: fn(&[u8])) {
    let corpus = inputs("corpus", target);
    assert!(!corpus.is_empty(), "fuzz/corpus/{target} has no seed inputs");
    let mut failures = Vec::new();
    for path in corpus.iter().chain(&inputs("regressions", target)) {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if catch_unwind(AssertUnwindSafe(|| body(&data))).is_err() {
            failures.push(path.display().to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{target}: these inputs fail (the panic messages are above):\n{}",
        failures.join("\n")
    );
}

#[test]
fn decode_corpus_and_regressions() {
    replay("decode", decode::run);
}

#[test]
fn purity_corpus_and_regressions() {
    replay("purity", purity::run);
}

#[test]
fn execute_diff_corpus_and_regressions() {
    replay("execute_diff", execute_diff::run);
}

#[test]
fn statetest_json_corpus_and_regressions() {
    replay("statetest_json", statetest_json::run);
}

#[test]
fn cli_inputs_corpus_and_regressions() {
    replay("cli_inputs", cli_inputs::run);
}

#[test]
fn transpile_corpus_and_regressions() {
    replay("transpile", transpile::run);
}
