//! The state-test runner: collects fixture files, runs every case on all cores, judges each one
//! by the rules of `../shared/ethtests/README.md`, and applies the written skip list.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::{PostEntry, StateTest, parse_file};
use crate::decode::CodeCache;
use crate::fork::Fork;
use crate::tracer::NoTracer;

/// The skip list: one `pattern | reason` per line; a pattern is a test name, or a prefix ending
/// in `*`. Every skipped case is counted and printed with its reason.
pub const SKIP_LIST: &str = include_str!("../../ethtests/skips.txt");

/// The environment variable that points at an ethereum/tests checkout.
pub const FIXTURES_ENV: &str = "OVM_ETHTESTS";

/// The ethereum/tests fixtures: `$OVM_ETHTESTS`, else the submodule `ethtests/fixtures`, else
/// `../shared/ethtests` (both relative to the crate root). `None` when none of them exists.
pub fn fixtures_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(FIXTURES_ENV) {
        return Some(PathBuf::from(dir));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [root.join("ethtests/fixtures"), root.join("../shared/ethtests")]
        .into_iter()
        .find(|dir| dir.join("GeneralStateTests").is_dir())
}

/// One skip-list entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    /// Test name, or prefix when it ended in `*`.
    pub pattern: String,
    /// Whether `pattern` is a prefix.
    pub prefix: bool,
    /// Why the case cannot be run.
    pub reason: String,
}

/// Parses a skip list (see [`SKIP_LIST`]); blank lines and `#` comments are ignored.
pub fn parse_skips(text: &str) -> Vec<Skip> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|line| {
            let (pattern, reason) = line.split_once('|')?;
            let pattern = pattern.trim();
            let (pattern, prefix) = match pattern.strip_suffix('*') {
                Some(p) => (p, true),
                None => (pattern, false),
            };
            Some(Skip { pattern: pattern.to_string(), prefix, reason: reason.trim().to_string() })
        })
        .collect()
}

fn skip_reason<'s>(skips: &'s [Skip], name: &str) -> Option<&'s str> {
    skips
        .iter()
        .find(|s| if s.prefix { name.starts_with(&s.pattern) } else { name == s.pattern })
        .map(|s| s.reason.as_str())
}

/// What to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Only this fork.
    pub fork: Option<Fork>,
    /// Only tests whose name contains this.
    pub filter: Option<String>,
    /// Leave out tests with these exact names (not counted at all).
    pub exclude: Vec<String>,
    /// Show a progress bar on standard error.
    pub progress: bool,
}

/// How one case (or an unreadable file) went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Matched the expected root and logs.
    Passed,
    /// Did not; the message says how.
    Failed(String),
    /// On the skip list, with its reason.
    Skipped(String),
}

/// One case's report.
#[derive(Clone, Debug)]
pub struct CaseReport {
    /// Fixture file.
    pub file: PathBuf,
    /// Test name.
    pub test: String,
    /// Fork (absent for a file that could not be read).
    pub fork: Option<Fork>,
    /// Position in `post[fork]`.
    pub index: usize,
    /// Outcome.
    pub status: Status,
}

impl fmt::Display for CaseReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fork = self.fork.map_or("-", Fork::fixture_name);
        write!(f, "{} {}[{}] ({})", self.test, fork, self.index, self.file.display())?;
        match &self.status {
            Status::Passed => write!(f, ": passed"),
            Status::Failed(msg) => write!(f, ": FAILED: {msg}"),
            Status::Skipped(reason) => write!(f, ": skipped: {reason}"),
        }
    }
}

/// Totals of a run.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases on the skip list.
    pub skipped: usize,
    /// Every failed or skipped case, in a stable order.
    pub reports: Vec<CaseReport>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed, {} skipped", self.passed, self.failed, self.skipped)
    }
}

/// Every `.json` file under `paths` (files are taken as given), sorted.
pub fn collect_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files)?;
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{} does not exist", path.display()),
            ));
        }
    }
    files.sort();
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Judges one case against its expectation (`../shared/ethtests/README.md`, rules 5 and 6).
pub fn judge(test: &StateTest, fork: Fork, entry: &PostEntry, cache: &mut CodeCache) -> Status {
    let outcome = match test.run_case(fork, entry, cache, NoTracer) {
        Ok((outcome, _)) => outcome,
        Err(e) => return Status::Failed(e.to_string()),
    };
    match (&entry.expect_exception, &outcome.rejected) {
        (Some(expected), None) => {
            return Status::Failed(format!("expected exception {expected}, but the transaction was valid"));
        }
        (None, Some(reason)) => {
            return Status::Failed(format!("transaction rejected ({reason}), but it is valid"));
        }
        _ => {}
    }
    if outcome.state_root != entry.hash {
        return Status::Failed(format!(
            "state root mismatch: expected {}, got {} (gas used {:?}, {:?})",
            entry.hash, outcome.state_root, outcome.gas_used, outcome.reason
        ));
    }
    if outcome.logs_hash != entry.logs {
        return Status::Failed(format!(
            "logs hash mismatch: expected {}, got {}",
            entry.logs, outcome.logs_hash
        ));
    }
    Status::Passed
}

/// One case to run: a test, a fork and a position in `post[fork]`.
struct Case<'t> {
    file: &'t Path,
    test: &'t StateTest,
    fork: Fork,
    index: usize,
    entry: &'t PostEntry,
}

/// Runs every case of every test in `files`, spreading the cases (not just the files) over all
/// cores, so that one slow test does not serialize its file.
pub fn run_files(files: &[PathBuf], options: &RunOptions) -> Summary {
    let skips = parse_skips(SKIP_LIST);
    let mut summary = Summary::default();
    let parsed: Vec<(&Path, Result<Vec<StateTest>, String>)> = files
        .par_iter()
        .map(|file| {
            let tests = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read: {e}"))
                .and_then(|text| parse_file(&text).map_err(|e| format!("cannot parse: {e}")));
            (file.as_path(), tests)
        })
        .collect();

    let mut cases = Vec::new();
    for (file, tests) in &parsed {
        let tests = match tests {
            Ok(tests) => tests,
            Err(msg) => {
                summary.failed += 1;
                summary.reports.push(CaseReport {
                    file: file.to_path_buf(),
                    test: String::from("<file>"),
                    fork: None,
                    index: 0,
                    status: Status::Failed(msg.clone()),
                });
                continue;
            }
        };
        for test in tests {
            let filtered_out = options.filter.as_ref().is_some_and(|f| !test.name.contains(f.as_str()));
            if filtered_out || options.exclude.contains(&test.name) {
                continue;
            }
            for (fork, entries) in &test.post {
                if options.fork.is_none_or(|f| f == *fork) {
                    cases.extend(entries.iter().enumerate().map(|(index, entry)| Case {
                        file,
                        test,
                        fork: *fork,
                        index,
                        entry,
                    }));
                }
            }
        }
    }

    let progress = options.progress.then(|| {
        let bar = indicatif::ProgressBar::new(cases.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} cases {elapsed_precise} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let failed_so_far = AtomicUsize::new(0);
    let statuses: Vec<Status> = cases
        .par_iter()
        .map(|case| {
            let status = match skip_reason(&skips, &case.test.name) {
                Some(reason) => Status::Skipped(reason.to_string()),
                None => judge(case.test, case.fork, case.entry, &mut CodeCache::new(case.fork)),
            };
            if let Some(bar) = &progress {
                if matches!(status, Status::Failed(_)) {
                    let failed = failed_so_far.fetch_add(1, Ordering::Relaxed) + 1;
                    bar.set_message(format!("{failed} failed"));
                }
                bar.inc(1);
            }
            status
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    for (case, status) in cases.iter().zip(statuses) {
        match status {
            Status::Passed => summary.passed += 1,
            status => {
                match status {
                    Status::Failed(_) => summary.failed += 1,
                    _ => summary.skipped += 1,
                }
                summary.reports.push(CaseReport {
                    file: case.file.to_path_buf(),
                    test: case.test.name.clone(),
                    fork: Some(case.fork),
                    index: case.index,
                    status,
                });
            }
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_list_parses_and_every_entry_has_a_reason() {
        let skips = parse_skips(SKIP_LIST);
        for skip in &skips {
            assert!(!skip.pattern.is_empty());
            assert!(skip.reason.len() > 10, "skip {} needs a real reason", skip.pattern);
        }
        let parsed = parse_skips("a* | prefix reason\n# comment\nb | exact reason");
        assert_eq!(skip_reason(&parsed, "abc"), Some("prefix reason"));
        assert_eq!(skip_reason(&parsed, "b"), Some("exact reason"));
        assert_eq!(skip_reason(&parsed, "bc"), None);
    }
}
