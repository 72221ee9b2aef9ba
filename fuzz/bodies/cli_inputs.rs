//! The `cli_inputs` body: the command line's input readers never panic on any text (hex, fork
//! names, addresses and hashes, the `ovm exec` state, transaction and context), hex and alloc
//! states round-trip, and a bundle `{"pre", "tx", "context"}` that parses runs under the execution
//! manager without panicking.

use std::path::Path;

use ovm::cli::{parse_context, parse_transaction, read_code_arg};
use ovm::manager::{ExecutionManager, ManagerConfig, TransactionContext};
use ovm::primitives::{B256, decode_hex, encode_hex};
use ovm::statetest::{alloc_json, parse_alloc};
use ovm::{Address, Fork};
use serde_json::Value;

/// Bundles with a larger gas limit are parsed but not run (the fuzzer would spend its time in
/// loops).
const MAX_RUN_GAS: u64 = 1_000_000;

/// Runs the body on one input.
pub(crate) fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;

    if let Ok(bytes) = decode_hex(text) {
        assert_eq!(decode_hex(&encode_hex(&bytes)).as_ref(), Ok(&bytes), "hex round trip");
    }
    let _ = Address::from_hex(text);
    let _ = B256::from_hex(text);
    if let Ok(fork) = text.parse::<Fork>() {
        assert_eq!(fork.name().parse::<Fork>(), Ok(fork), "fork name round trip");
    }
    // `-` reads standard input and a path reads the file: only hex given inline is fuzzed.
    if text != "-" && !Path::new(text).exists() {
        let _ = read_code_arg(text);
    }
    if let Ok(db) = parse_alloc(text) {
        let written = alloc_json(&db).to_string();
        let again = parse_alloc(&written).expect("alloc_json output parses");
        assert_eq!(again.state_root(), db.state_root(), "alloc round trip: {written}");
    }

    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let _ = parse_context(&value);
    let _ = parse_transaction(&value, &TransactionContext::default());
    exec_bundle(&value);
}

/// `ovm exec` with `--pre`, `--tx` and `--context` taken from one object.
fn exec_bundle(value: &Value) {
    let Some(pre) = value.get("pre") else {
        return;
    };
    let Ok(db) = parse_alloc(&pre.to_string()) else {
        return;
    };
    let (config, context) = match value.get("context") {
        Some(context) => match parse_context(context) {
            Ok(parsed) => parsed,
            Err(_) => return,
        },
        None => (ManagerConfig::default(), TransactionContext::default()),
    };
    let Some(Ok(tx)) = value.get("tx").map(|tx| parse_transaction(tx, &context)) else {
        return;
    };
    if tx.gas_limit > MAX_RUN_GAS {
        return;
    }
    let mut manager = ExecutionManager::with_database(db, config);
    manager.set_context(context);
    let _ = manager.execute_transaction(&tx);
    let _ = manager.state_root();
}
