//! `ovm transpile`: EVM bytecode to OVM bytecode (`spec/OVM.md` section 4). Prints the hex (or
//! writes it to a new file), with a summary on standard error; `--json` prints the report. Exit
//! code 0 when transpiled, 1 when refused (the reason names the pc), 2 on bad input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::input::{InputError, read_code_arg};
use crate::primitives::encode_hex;
use crate::transpile::{Input, Options, Report, TranspileError, transpile};

#[derive(Debug, Args)]
pub(super) struct TranspileArgs {
    /// Bytecode: hex (with or without 0x), a file holding hex, or `-` for standard input.
    code: String,
    /// The input is runtime code alone (default: creation code, as solc's `bytecode`).
    #[arg(long)]
    runtime: bool,
    /// Write the hex to this file (which must not exist yet) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print one JSON object: the report and the code (or the refusal).
    #[arg(long)]
    json: bool,
    /// End creation code with the OVM code-end marker, so that constructor arguments appended
    /// to it are data to a manager with the opt-in initcode data section.
    #[arg(long)]
    code_end_marker: bool,
}

pub(super) fn run(args: TranspileArgs) -> Result<ExitCode, InputError> {
    let code = read_code_arg(&args.code)?;
    if let Some(out) = &args.output {
        // Never write over the input or anything else the user has.
        if out.exists() {
            return Err(InputError::Invalid("the output file already exists; choose a new path"));
        }
        if Path::new(&args.code).is_file() && Path::new(&args.code) == out {
            return Err(InputError::Invalid("the output file is the input file"));
        }
    }
    let input = if args.runtime { Input::Runtime } else { Input::Creation };
    let result = transpile(&code, &Options { input, code_end_marker: args.code_end_marker });
    match result {
        Ok(t) => {
            let hex = encode_hex(&t.code);
            if let Some(out) = &args.output {
                write_new(out, &format!("{hex}\n"))?;
            }
            if args.json {
                let mut report = report_json(&t.report);
                if args.output.is_none() {
                    report["code"] = json!(hex);
                }
                println!("{}", json!({ "transpiled": true, "report": report }));
            } else {
                if args.output.is_none() {
                    println!("{hex}");
                }
                eprintln!("{}", summary(&t.report));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if args.json {
                println!("{}", json!({ "transpiled": false, "refusal": refusal_json(&e) }));
            } else {
                eprintln!("refused: {e}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Creates `path` with `text`, failing if it exists (no race with another writer either).
fn write_new(path: &Path, text: &str) -> Result<(), InputError> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|source| InputError::Io { path: path.display().to_string(), source })?;
    file.write_all(text.as_bytes())
        .map_err(|source| InputError::Io { path: path.display().to_string(), source })
}

fn summary(r: &Report) -> String {
    let mut line = format!(
        "{} -> {} bytes ({:+.1}%), {} manager calls through {} stubs, jumps {} static / {} at run time",
        r.input_size,
        r.output_size,
        (r.growth() - 1.0) * 100.0,
        r.manager_calls,
        r.stubs.len(),
        r.static_jumps,
        r.dynamic_jumps
    );
    if let Some(rt) = &r.runtime {
        line.push_str(&format!("\nruntime: {}", summary(rt)));
    }
    for (offset, child) in &r.children {
        line.push_str(&format!("\nembedded creation code at {offset:#x}: {}", summary(child)));
    }
    line
}

/// The report as JSON (nested for the runtime and embedded children).
pub(crate) fn report_json(r: &Report) -> serde_json::Value {
    json!({
        "input_size": r.input_size,
        "output_size": r.output_size,
        "growth": r.growth(),
        "stubs": r.stubs,
        "manager_calls": r.manager_calls,
        "jumps": { "static": r.static_jumps, "run_time": r.dynamic_jumps, "map_entries": r.map_entries },
        "stored_constants": r.stored_constants,
        "carried_immediates": r.carried_immediates,
        "runtime": r.runtime.as_ref().map(|rt| report_json(rt)),
        "children": r.children.iter().map(|(o, c)| json!({ "offset": o, "report": report_json(c) })).collect::<Vec<_>>(),
    })
}

fn refusal_json(e: &TranspileError) -> serde_json::Value {
    json!({ "pc": e.pc(), "message": e.to_string() })
}
