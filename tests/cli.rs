//! The `ovm` command end to end: hex, files and stdin inputs, JSON output, exit codes, and clear
//! errors (exit code 2, no panic) on bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn ovm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ovm")).args(args).output().expect("run ovm")
}

fn ovm_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ovm"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ovm");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ovm-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path).display().to_string()
}

#[test]
fn disasm_reads_hex_files_and_stdin() {
    let expected = "00000000: PUSH1 0x2a\n00000002: PUSH1 0x00\n00000004: MSTORE\n";
    let o = ovm(&["disasm", "0x602a600052"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), expected);
    assert_eq!(stdout(&ovm(&["disasm", "602a600052"])), expected);
    let dir = temp_dir("disasm");
    let file = dir.join("code.hex");
    std::fs::write(&file, "0x602a600052\n").unwrap();
    assert_eq!(stdout(&ovm(&["disasm", file.to_str().unwrap()])), expected);
    assert_eq!(stdout(&ovm_stdin(&["disasm", "-"], " 602a600052 \n")), expected);
}

#[test]
fn bad_input_exits_2_with_a_message() {
    for args in [
        &["disasm", "0xzz"][..],
        &["disasm", "0x123"],
        &["run", "6000", "--fork", "Prague"],
        &["run", "nothex"],
        &["run", "00", "--input", "0xg0"],
        &["run", "00", "--value", "-1"],
        &["exec", "--pre", "/nonexistent/state.json", "--tx", "/nonexistent/tx.json"],
        &["statetest", "/nonexistent/dir"],
        &["statetest", "--fork", "Nonsense"],
        &["frobnicate"],
    ] {
        let o = ovm(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{args:?} explains itself");
        assert!(!stderr(&o).contains("panicked"), "{args:?} panicked");
    }
}

#[test]
fn run_prints_json_and_traces() {
    // PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    let o = ovm(&["run", "602a60005260206000f3"]);
    assert!(o.status.success());
    let out: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("JSON");
    assert_eq!(out["output"], format!("0x{:064x}", 42));
    assert_eq!(out["gasUsed"], 18);
    assert_eq!(out["success"], true);
    // A revert exits 1 and says so.
    let o = ovm(&["run", "60006000fd"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("\"success\":false"));
    // --trace writes one EIP-3155 line per step, then the summary, to stderr.
    let o = ovm(&["run", "6001600201", "--trace"]);
    let lines: Vec<&str> = std::str::from_utf8(&o.stderr).unwrap().lines().collect();
    assert_eq!(lines.len(), 4 + 1, "{lines:?}");
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(
        (first["pc"].as_u64(), first["op"].as_u64(), first["opName"].as_str()),
        (Some(0), Some(0x60), Some("PUSH1"))
    );
    assert_eq!(first["gasCost"], "0x3");
    let add: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
    assert_eq!(add["stack"], serde_json::json!(["0x1", "0x2"]));
    assert!(lines[4].contains("\"gasUsed\":\"0x9\""));
}

#[test]
fn run_reads_the_bundled_workload() {
    let o = ovm(&[
        "run",
        &repo("benches/workloads/sha1_divs/code.hex"),
        "--input",
        &repo("benches/workloads/sha1_divs/input.hex"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = std::fs::read_to_string(repo("benches/workloads/sha1_divs/expected.hex")).unwrap();
    assert!(stdout(&o).contains(&format!("\"output\":\"0x{}\"", expected.trim())));
    assert!(stdout(&o).contains("\"gasUsed\":3000286"));
}

#[test]
fn exec_runs_the_example_and_writes_the_post_state() {
    let pre = repo("examples/exec/state.json");
    let tx = repo("examples/exec/tx.json");
    let ctx = repo("examples/exec/context.json");
    let o = ovm(&["exec", "--pre", &pre, "--tx", &tx, "--context", &ctx, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(out["status"], "success");
    assert_eq!(out["logs"].as_array().unwrap().len(), 1);
    let root = out["stateRoot"].as_str().unwrap().to_string();

    // --post writes a state that, loaded again, has the same root; it refuses to overwrite.
    let dir = temp_dir("exec");
    let post = dir.join("post.json");
    let post_s = post.to_str().unwrap();
    assert!(ovm(&["exec", "--pre", &pre, "--tx", &tx, "--context", &ctx, "--post", post_s]).status.success());
    let again = ovm(&["exec", "--pre", &pre, "--tx", &tx, "--context", &ctx, "--post", post_s]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("exists"));
    let over_input = ovm(&["exec", "--pre", &pre, "--tx", &tx, "--context", &ctx, "--post", &pre, "--force"]);
    assert_eq!(over_input.status.code(), Some(2));
    // Running a no-op transaction on the post-state keeps its root.
    let noop = dir.join("noop.json");
    std::fs::write(
        &noop,
        r#"{"entrypoint": "0x00000000000000000000000000000000000000ff", "gasLimit": 100000}"#,
    )
    .unwrap();
    let o = ovm(&["exec", "--pre", post_s, "--tx", noop.to_str().unwrap(), "--context", &ctx, "--json"]);
    let out: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(out["stateRoot"], root);
}

#[test]
fn exec_rejects_malformed_files() {
    let dir = temp_dir("exec-bad");
    let good_tx = dir.join("tx.json");
    std::fs::write(
        &good_tx,
        r#"{"entrypoint": "0x00000000000000000000000000000000000000ff", "gasLimit": 100000}"#,
    )
    .unwrap();
    for (name, state) in [
        ("not-json", "{"),
        ("not-object", "[1, 2]"),
        ("bad-address", r#"{"0x12": {}}"#),
        ("bad-hex", r#"{"0x00000000000000000000000000000000000000aa": {"code": "0xzz"}}"#),
        ("bad-balance", r#"{"0x00000000000000000000000000000000000000aa": {"balance": "lots"}}"#),
    ] {
        let file = dir.join(format!("{name}.json"));
        std::fs::write(&file, state).unwrap();
        let o = ovm(&["exec", "--pre", file.to_str().unwrap(), "--tx", good_tx.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(&format!("{name}.json")), "{name}: names the file");
    }
    let state = dir.join("state.json");
    std::fs::write(&state, "{}").unwrap();
    let bad_tx = dir.join("bad-tx.json");
    std::fs::write(&bad_tx, r#"{"gasLimit": 100000}"#).unwrap();
    let o = ovm(&["exec", "--pre", state.to_str().unwrap(), "--tx", bad_tx.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("entrypoint"));
}

#[test]
fn statetest_json_and_failure_exit_code() {
    let dir = temp_dir("statetest");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/ethtests/GeneralStateTests/stExample/add11.json");
    let Ok(text) = std::fs::read_to_string(&fixture) else {
        panic!("fixture {} is missing", fixture.display());
    };
    let good = dir.join("good.json");
    std::fs::write(&good, &text).unwrap();
    let o = ovm(&["statetest", good.to_str().unwrap(), "--json"]);
    assert!(o.status.success());
    assert!(stdout(&o).lines().last().unwrap().contains("\"failed\":0"));
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        text.replace(
            "0xe8010ce590f401c9d61fef8ab05bea9bcec24281b795e5868809bc4e515aa530",
            &format!("0x{}", "11".repeat(32)),
        ),
    )
    .unwrap();
    let o = ovm(&["statetest", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("state root mismatch"));
    assert!(stdout(&o).contains("0 passed, 1 failed, 0 skipped"));
}

#[test]
fn pipeline_runs_the_bundled_erc20_with_native_results_beside() {
    let o = ovm(&["pipeline", &repo("examples/pipeline/erc20.json")]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(out.contains("2. purity check of the original: impure"), "{out}");
    assert!(out.contains("4. purity check of the transpiled code: pure"), "{out}");
    assert!(out.contains("same address"), "{out}");
    assert_eq!(out.matches("   same").count(), 17, "{out}");
    assert!(out.contains("post-state root (manager): 0x"), "{out}");
    assert!(out.contains("every result agrees"), "{out}");
}

#[test]
fn pipeline_rejects_malformed_files() {
    let dir = temp_dir("pipeline");
    let missing = dir.join("missing.json").display().to_string();
    let o = ovm(&["pipeline", &missing]);
    assert_eq!(o.status.code(), Some(2));
    for (name, text, message) in [
        ("notjson.json", "{", "not JSON"),
        ("array.json", "[]", "expected a JSON object"),
        (
            "badhex.json",
            r#"{"creation": "0xzz", "accounts": {"deployer": "0x01"}, "calls": []}"#,
            "`creation` is not hex",
        ),
        ("nodeployer.json", r#"{"creation": "0x00", "accounts": {}, "calls": []}"#, "needs a `deployer`"),
        (
            "badfrom.json",
            r#"{"creation": "0x00", "accounts": {"deployer": "0x000000000000000000000000000000000000d0d0"}, "calls": [{"from": "mallory", "data": "0x"}]}"#,
            "names no account",
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        let o = ovm(&["pipeline", &path.display().to_string()]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{name}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{name}");
    }
}

#[test]
fn transpile_reads_hex_files_and_stdin_and_never_overwrites() {
    // SLOAD of slot 0, returned: a manager call once transpiled.
    let code = "60005460005260206000f3";
    let inline = ovm(&["transpile", "--runtime", code]);
    assert!(inline.status.success(), "{}", stderr(&inline));
    let hex = stdout(&inline).trim().to_string();
    assert!(hex.starts_with("0x") && hex.len() > code.len(), "{hex}");
    assert!(stderr(&inline).contains("1 manager calls"), "{}", stderr(&inline));
    // The output passes the checker.
    let check = ovm(&["check", &hex]);
    assert!(check.status.success(), "{}", stdout(&check));
    // The same from stdin and from a file; JSON report.
    let piped = ovm_stdin(&["transpile", "--runtime", "-"], code);
    assert_eq!(stdout(&piped).trim(), hex);
    let dir = temp_dir("transpile");
    let input = dir.join("in.hex");
    std::fs::write(&input, code).expect("write");
    let json = ovm(&["transpile", "--runtime", "--json", &input.display().to_string()]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    assert_eq!(report["transpiled"], true);
    assert_eq!(report["report"]["code"], hex.as_str());
    // -o writes a new file, and refuses an existing one (the input included).
    let out = dir.join("out.hex");
    let o = ovm(&["transpile", "--runtime", &input.display().to_string(), "-o", &out.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).expect("output").trim(), hex);
    for target in [&out, &input] {
        let o = ovm(&["transpile", "--runtime", code, "-o", &target.display().to_string()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(&input).expect("input"), code, "the input is untouched");
}

#[test]
fn transpile_can_end_creation_code_with_the_code_end_marker() {
    // A constructor returning one byte of its code: creation code.
    let code = "600160006000396001 6000f3".replace(' ', "");
    let marker = ovm::primitives::encode_hex(&ovm::opcode::sequences::CODE_END);
    let plain = ovm(&["transpile", &code]);
    let marked = ovm(&["transpile", "--code-end-marker", &code]);
    assert!(plain.status.success() && marked.status.success(), "{}", stderr(&marked));
    let (plain, marked) = (stdout(&plain).trim().to_string(), stdout(&marked).trim().to_string());
    assert!(!plain.ends_with(&marker[2..]));
    assert!(marked.ends_with(&marker[2..]), "{marked}");
    // Marked or not, the output is pure.
    let check = ovm(&["check", &marked]);
    assert!(check.status.success(), "{}", stdout(&check));
}

#[test]
fn transpile_refuses_with_a_pc_and_rejects_bad_input() {
    let o = ovm(&["transpile", "--runtime", "--json", "6000ff"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(report["transpiled"], false);
    assert_eq!(report["refusal"]["pc"], 2);
    for bad in ["0xzz", "60 0"] {
        let o = ovm(&["transpile", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
}
