//! `ovm check` end to end: the built binary on hex, files and standard input, its exit codes
//! (0 pure, 1 impure, 2 bad input) and its text and JSON output.

#[path = "support/artifacts.rs"]
mod artifacts;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use artifacts::Build;
use ovm::primitives::HexSlice;
use ovm::purity::KALL;

fn ovm_check(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ovm"));
    command.arg("check").args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = command.spawn().expect("run the ovm binary");
    if let Some(text) = stdin {
        child.stdin.take().expect("piped").write_all(text.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("wait for ovm")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}

/// A file in the temp directory that is removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("ovm-check-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("write temp file");
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn pure_hex_exits_0() {
    let output = ovm_check(&[&HexSlice(&KALL).to_string()], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "pure: 37 bytes, 1 kall, 0 kopy, 0 unreachable regions (0 bytes)\n");
}

#[test]
fn impure_hex_exits_1_and_shows_the_disassembly() {
    // PUSH1 0 SLOAD PUSH1 0 SSTORE
    let output = ovm_check(&["0x6000546000555b"], None);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("impure: 2 violations; 7 bytes"), "{text}");
    assert!(
        text.contains("pc 0x2: SLOAD: not allowed in OVM code; the execution manager's ovmSLOAD(bytes32)")
    );
    assert!(text.contains("  > 00000002: SLOAD\n"), "{text}");
    assert!(text.contains("  > 00000005: SSTORE\n"), "{text}");
}

#[test]
fn json_output_has_the_documented_shape() {
    let output = ovm_check(&["6000546000555b", "--json"], None);
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
    assert_eq!(value["pure"], serde_json::json!(false));
    let violations = value["violations"].as_array().expect("violations array");
    assert_eq!(violations.len(), 2);
    assert_eq!(violations[0]["pc"], 2);
    assert_eq!(violations[0]["opcode"], "SLOAD");
    assert_eq!(violations[0]["rule"], "served-by-manager");
    assert_eq!(violations[1]["pc"], 5);
    assert_eq!(violations[1]["opcode"], "SSTORE");

    let output = ovm_check(&["--json", ""], None);
    assert_eq!(output.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
    assert_eq!(value["pure"], serde_json::json!(true));
    assert_eq!(value["violations"], serde_json::json!([]));
}

#[test]
fn files_and_stdin_hold_hex() {
    let pure = artifacts::load(Build::Ovm, "OVM_ETH").runtime;
    let impure = artifacts::load(Build::Evm, "OVM_ETH").runtime;
    let pure_file = TempFile::new("pure.hex", &format!("0x{}\n", HexSlice(&pure)));
    let impure_file = TempFile::new("impure.hex", &HexSlice(&impure).to_string());

    let output = ovm_check(&[pure_file.path()], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("pure: 6332 bytes"), "{}", stdout(&output));

    let output = ovm_check(&[impure_file.path(), "--json"], None);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
    // tests/data/purity/evm_first_violations.txt: the non-payable check's REVERT.
    assert_eq!(value["violations"][0]["pc"], 0xf);
    assert_eq!(value["violations"][0]["opcode"], "REVERT");

    let output = ovm_check(&["-"], Some(&format!("  {}\n", HexSlice(&pure))));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = ovm_check(&["-", "--json"], Some(&HexSlice(&impure).to_string()));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let not_hex = TempFile::new("not-hex.txt", "hello\n");
    let cases: [(&[&str], Option<&str>, &str); 6] = [
        (&["0xzz"], None, "the code is not valid hex"),
        (&["0x123"], None, "the code is not valid hex"),
        (&[not_hex.path()], None, "the code is not valid hex"),
        (&["-"], Some("60 00"), "the code is not valid hex"),
        (&[], None, "required"),
        (&["00", "--frobnicate"], None, "unexpected argument"),
    ];
    for (args, stdin, message) in cases {
        let output = ovm_check(args, stdin);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(stdout(&output).is_empty(), "{args:?}");
    }
}
