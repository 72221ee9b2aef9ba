//! `ovm check`: the OVM purity verdict of bytecode (`spec/OVM.md` section 3), with every
//! violation shown in its disassembly; exit code 0 when pure, 1 when impure.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::input::{InputError, read_code_arg};
use crate::purity::{self, Report, Rule, Sequence, Violation};

/// Instructions shown before and after each violation.
const CONTEXT: usize = 3;

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// Bytecode: hex (with or without 0x), a file holding hex, or `-` for standard input.
    code: String,
    /// Print one JSON object: `{"pure": bool, "violations": [{"pc", "opcode", "rule", ...}], ...}`.
    #[arg(long)]
    json: bool,
}

pub(super) fn run(args: CheckArgs) -> Result<ExitCode, InputError> {
    let code = read_code_arg(&args.code)?;
    let decoded = purity::decode(&code);
    let report = purity::check_decoded(&decoded);
    if args.json {
        println!("{}", to_json(&report));
    } else {
        let pcs: Vec<usize> = decoded.instructions().map(|i| i.pc).collect();
        print!("{}", to_text(&code, &pcs, &report));
    }
    Ok(if report.is_pure() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// `n` and `noun`, with an `s` unless `n` is one.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

fn count(report: &Report, sequence: Sequence) -> usize {
    report.sequences.iter().filter(|s| s.sequence == sequence).count()
}

/// The machine-readable report.
fn to_json(report: &Report) -> serde_json::Value {
    let violations: Vec<serde_json::Value> = report.violations.iter().map(violation_json).collect();
    let unreachable: Vec<[usize; 2]> = report.unreachable.iter().map(|r| [r.start, r.end]).collect();
    json!({
        "pure": report.is_pure(),
        "violations": violations,
        "code_size": report.code_size,
        "kall": count(report, Sequence::Kall),
        "kopy": count(report, Sequence::Kopy),
        "unreachable": unreachable,
    })
}

fn violation_json(violation: &Violation) -> serde_json::Value {
    let mut object = json!({
        "pc": violation.pc,
        "opcode": violation.opcode_name().unwrap_or("UNDEFINED"),
        "rule": violation.rule.code(),
        "byte": format!("{:#04x}", violation.opcode),
        "message": violation.rule.to_string(),
    });
    if let Rule::ServedByManager { method } = violation.rule {
        object["method"] = json!(method);
    }
    object
}

/// The human-readable report: a verdict line, then each violation with the disassembly around it.
/// `pcs` are the offsets of the code's instructions, one per line of [`crate::asm::disassemble`].
fn to_text(code: &[u8], pcs: &[usize], report: &Report) -> String {
    let mut out = String::new();
    let (kalls, kopies) = (count(report, Sequence::Kall), count(report, Sequence::Kopy));
    let seen = format!(
        "{} bytes, {kalls} kall, {kopies} kopy, {} ({} bytes)",
        report.code_size,
        plural(report.unreachable.len(), "unreachable region"),
        report.unreachable_bytes()
    );
    if report.is_pure() {
        let _ = writeln!(out, "pure: {seen}");
        return out;
    }
    let _ = writeln!(out, "impure: {}; {seen}", plural(report.violations.len(), "violation"));
    let listing = crate::asm::disassemble(code);
    let lines: Vec<&str> = listing.lines().collect();
    for violation in &report.violations {
        let _ = writeln!(out, "\n{violation}");
        // Every violation is at an instruction start, so its pc is in `pcs`.
        let Ok(at) = pcs.binary_search(&violation.pc) else { continue };
        let first = at.saturating_sub(CONTEXT);
        let last = (at + CONTEXT).min(lines.len().saturating_sub(1));
        for (index, line) in lines.iter().enumerate().take(last + 1).skip(first) {
            let marker = if index == at { ">" } else { " " };
            let _ = writeln!(out, "  {marker} {line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opcode::{ADD, PUSH1, SLOAD, STOP};

    #[test]
    fn text_marks_each_violation_in_context() {
        let code = [PUSH1, 0, SLOAD, ADD, ADD, ADD, ADD, STOP];
        let report = purity::check(&code);
        let pcs: Vec<usize> = purity::decode(&code).instructions().map(|i| i.pc).collect();
        let text = to_text(&code, &pcs, &report);
        assert!(text.starts_with("impure: 1 violation; 8 bytes"), "{text}");
        assert!(text.contains("  > 00000002: SLOAD\n"), "{text}");
        assert!(text.contains("    00000000: PUSH1 0x00\n"), "{text}");
        assert!(text.contains("    00000005: ADD\n") && !text.contains("00000006"), "{text}");
    }

    #[test]
    fn json_has_the_documented_shape() {
        let report = purity::check(&[PUSH1, 0, SLOAD]);
        let value = to_json(&report);
        assert_eq!(value["pure"], json!(false));
        assert_eq!(value["violations"][0]["pc"], json!(2));
        assert_eq!(value["violations"][0]["opcode"], json!("SLOAD"));
        assert_eq!(value["violations"][0]["rule"], json!("served-by-manager"));
        assert_eq!(value["violations"][0]["method"], json!("ovmSLOAD(bytes32)"));
        assert_eq!(to_json(&purity::check(&[]))["violations"], json!([]));
    }
}
