//! `ovm statetest`: the ethereum/tests state-test runner.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use super::input::{InputError, parse_fork};
use crate::CodeCache;
use crate::statetest::runner::{self, RunOptions, Status};
use crate::statetest::{StateTest, logs_hash, parse_file};
use crate::tracer::Eip3155Tracer;

#[derive(Debug, Args)]
pub(super) struct StatetestArgs {
    /// Fixture files or directories (default: the `GeneralStateTests` of the fixtures found
    /// through $OVM_ETHTESTS, `ethtests/fixtures` or `../shared/ethtests`).
    paths: Vec<PathBuf>,
    /// Only this fork (fixture or common name: Cancun, EIP150, Petersburg, ...).
    #[arg(long)]
    fork: Option<String>,
    /// Only tests whose name contains this text.
    #[arg(long = "run")]
    filter: Option<String>,
    /// Print one JSON object per failed or skipped case, and the totals, instead of text.
    #[arg(long)]
    json: bool,
    /// Write an EIP-3155 trace of every selected case to standard error (use with --run).
    #[arg(long)]
    trace: bool,
}

pub(super) fn run(args: StatetestArgs) -> Result<ExitCode, InputError> {
    let fork = args.fork.as_deref().map(parse_fork).transpose()?;
    let paths = if args.paths.is_empty() {
        let dir = runner::fixtures_dir().ok_or(InputError::Invalid(
            "no fixtures found: pass paths, set OVM_ETHTESTS, or check out the ethtests/fixtures submodule",
        ))?;
        vec![dir.join("GeneralStateTests")]
    } else {
        args.paths.clone()
    };
    let files = runner::collect_files(&paths)
        .map_err(|source| InputError::Io { path: paths_label(&paths), source })?;
    if args.trace {
        return trace(&files, fork, args.filter.as_deref());
    }
    let options = RunOptions {
        fork,
        filter: args.filter,
        exclude: Vec::new(),
        progress: !args.json && std::io::stderr().is_terminal(),
    };
    let started = Instant::now();
    let summary = runner::run_files(&files, &options);
    let elapsed = started.elapsed();
    if args.json {
        for report in &summary.reports {
            let (status, detail) = match &report.status {
                Status::Passed => ("passed", ""),
                Status::Failed(msg) => ("failed", msg.as_str()),
                Status::Skipped(reason) => ("skipped", reason.as_str()),
            };
            println!(
                "{{\"name\":{},\"fork\":{},\"index\":{},\"file\":{},\"status\":\"{status}\",\"detail\":{}}}",
                json_string(&report.test),
                json_string(report.fork.map_or("", crate::Fork::fixture_name)),
                report.index,
                json_string(&report.file.display().to_string()),
                json_string(detail)
            );
        }
        println!(
            "{{\"passed\":{},\"failed\":{},\"skipped\":{},\"seconds\":{:.3}}}",
            summary.passed,
            summary.failed,
            summary.skipped,
            elapsed.as_secs_f64()
        );
    } else {
        for report in summary.reports.iter().filter(|r| matches!(r.status, Status::Failed(_))) {
            println!("{report}");
        }
        if summary.skipped > 0 {
            let mut reasons: Vec<(&str, usize)> = Vec::new();
            for report in &summary.reports {
                if let Status::Skipped(reason) = &report.status {
                    match reasons.iter_mut().find(|(r, _)| r == reason) {
                        Some((_, n)) => *n += 1,
                        None => reasons.push((reason, 1)),
                    }
                }
            }
            for (reason, n) in reasons {
                println!("skipped {n}: {reason}");
            }
        }
        println!("{} files in {:.1}s", files.len(), elapsed.as_secs_f64());
        println!("{summary}");
    }
    Ok(if summary.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn paths_label(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// Runs the selected cases one by one with an EIP-3155 trace on standard error.
fn trace(files: &[PathBuf], fork: Option<crate::Fork>, filter: Option<&str>) -> Result<ExitCode, InputError> {
    let mut all_passed = true;
    for file in files {
        let text = std::fs::read_to_string(file)
            .map_err(|source| InputError::Io { path: file.display().to_string(), source })?;
        let tests: Vec<StateTest> = match parse_file(&text) {
            Ok(tests) => tests,
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                return Ok(ExitCode::from(super::EXIT_BAD_INPUT));
            }
        };
        for test in tests.iter().filter(|t| filter.is_none_or(|f| t.name.contains(f))) {
            for (test_fork, entries) in &test.post {
                if fork.is_some_and(|f| f != *test_fork) {
                    continue;
                }
                let mut cache = CodeCache::new(*test_fork);
                for (index, entry) in entries.iter().enumerate() {
                    let tracer = Eip3155Tracer::new(std::io::stderr().lock());
                    let (outcome, mut tracer) = match test.run_case(*test_fork, entry, &mut cache, tracer) {
                        Ok(done) => done,
                        Err(e) => {
                            eprintln!("error: {}: {e}", test.name);
                            all_passed = false;
                            continue;
                        }
                    };
                    let pass = outcome.state_root == entry.hash && outcome.logs_hash == entry.logs;
                    all_passed &= pass;
                    tracer.summary(
                        &outcome.output,
                        outcome.gas_used.unwrap_or(0),
                        pass,
                        Some(outcome.state_root),
                    );
                    println!(
                        "{} {}[{index}]: {} (root {}, logs {}{})",
                        test.name,
                        test_fork.fixture_name(),
                        if pass { "passed" } else { "FAILED" },
                        outcome.state_root,
                        outcome.logs_hash,
                        if outcome.logs_hash == logs_hash(&[]) { ", no logs" } else { "" }
                    );
                }
            }
        }
    }
    Ok(if all_passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
