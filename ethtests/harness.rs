//! The conformance harness: runs ethereum/tests fixtures through the library's runners and fails
//! on any failing case. The fixtures come from `$OVM_ETHTESTS`, the `ethtests/fixtures` submodule
//! or `../shared/ethtests`; without them the tests fail rather than pass vacuously.

use std::path::PathBuf;

use ovm::Fork;
use ovm::statetest::runner::{self, RunOptions, Status, Summary};

/// Tests that take minutes in the unoptimised test build. They are not skipped: `.ci/run` runs the
/// whole Cancun folder, these included, with the release binary (`ovm statetest`).
const SLOW: &[&str] = &["CALLBlake2f_MaxRounds", "loopMul", "Call50000_sha256", "static_Call50000_sha256"];

fn fixtures() -> PathBuf {
    runner::fixtures_dir().expect(
        "ethereum/tests fixtures not found: set OVM_ETHTESTS, check out the ethtests/fixtures submodule, \
         or place the offline copy at ../shared/ethtests",
    )
}

fn run(folder: &str, fork: Option<Fork>) -> Summary {
    let dir = fixtures().join(folder);
    let files = runner::collect_files(std::slice::from_ref(&dir))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    assert!(!files.is_empty(), "no fixture files under {}", dir.display());
    let options =
        RunOptions { fork, exclude: SLOW.iter().map(|s| s.to_string()).collect(), ..RunOptions::default() };
    let summary = runner::run_files(&files, &options);
    let failures: Vec<String> = summary
        .reports
        .iter()
        .filter(|r| matches!(r.status, Status::Failed(_)))
        .take(50)
        .map(|r| r.to_string())
        .collect();
    assert!(failures.is_empty(), "{summary}\n{}", failures.join("\n"));
    println!("{folder}: {summary}");
    summary
}

#[test]
fn general_state_tests_all_forks() {
    let summary = run("GeneralStateTests", None);
    // 21,442 post entries in the folder, less the slow tests run by .ci/run instead.
    assert!(summary.passed >= 21_400, "{summary}");
}

#[test]
fn legacy_constantinople_state_tests_all_forks() {
    let summary = run("LegacyTests/Constantinople/GeneralStateTests", None);
    assert!(summary.passed >= 31_200, "{summary}");
}

#[test]
fn legacy_vm_tests() {
    let dir = fixtures().join("LegacyTests/Constantinople/VMTests");
    let files = runner::collect_files(std::slice::from_ref(&dir))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let (mut passed, mut failures) = (0, Vec::new());
    for file in &files {
        let results =
            ovm::statetest::vmtest::run_file(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for report in results {
            match report.mismatch {
                None => passed += 1,
                Some(msg) => failures.push(format!("{} ({}): {msg}", report.name, file.display())),
            }
        }
    }
    assert!(failures.is_empty(), "{passed} passed, {} failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(passed, 609, "every VM test runs");
}
