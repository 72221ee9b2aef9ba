//! `ovm pipeline FILE`: the whole OVM path for one contract, with native execution beside it.
//! Decode the creation code, check it (an ordinary contract is impure), transpile it, check the
//! output (pure), deploy it through the execution manager, run the calls, print each result next
//! to the original's result on this crate's EVM, and the manager's post-state root. Exit code 0
//! when every result agrees, 1 when one differs or the transpiler refuses, 2 on bad input.
//!
//! The file (see `examples/pipeline/erc20.json`) holds `creation` (hex), optional
//! `constructorArgs`, `accounts` (`deployer` and users, name -> address), optional `context`
//! (`timestamp`, `blockNumber`, `chainId`) and `calls`: `{from, function, data}` in order.

use std::path::PathBuf;
use std::process::ExitCode;

use bytes::Bytes;
use clap::Args;
use serde_json::Value;

use super::input::InputError;
use crate::decode::DecodedCode;
use crate::manager::{ExecutionManager, ManagerConfig, OvmTransaction, accounts};
use crate::primitives::{Address, U256, decode_hex, encode_hex};
use crate::purity;
use crate::state::{AccountInfo, InMemoryDb, Log};
use crate::transpile::{Input, Options, transpile};
use crate::{CodeCache, Env, Evm, Fork, Transaction};

/// The fork ordinary input code is compiled for (the OVM dialect accepts opcodes up to it).
const NATIVE_FORK: Fork = Fork::Istanbul;
const GAS_LIMIT: u64 = 9_000_000;

#[derive(Debug, Args)]
pub(super) struct PipelineArgs {
    /// The contract and calls, as JSON (e.g. examples/pipeline/erc20.json).
    file: PathBuf,
}

struct Call {
    from: String,
    function: String,
    data: Vec<u8>,
}

struct Script {
    description: String,
    creation: Vec<u8>,
    args: Vec<u8>,
    accounts: Vec<(String, Address)>,
    timestamp: u64,
    block_number: u64,
    chain_id: u64,
    calls: Vec<Call>,
}

fn bad(path: &str, message: impl Into<String>) -> InputError {
    InputError::File { path: path.to_string(), message: message.into() }
}

fn hex_field(v: &Value, name: &str, path: &str) -> Result<Vec<u8>, InputError> {
    let text = v[name].as_str().ok_or_else(|| bad(path, format!("`{name}` must be a hex string")))?;
    decode_hex(text).map_err(|e| bad(path, format!("`{name}` is not hex: {e}")))
}

fn u64_field(v: &Value, name: &str, default: u64, path: &str) -> Result<u64, InputError> {
    match &v[name] {
        Value::Null => Ok(default),
        n => n.as_u64().ok_or_else(|| bad(path, format!("`{name}` must be a non-negative integer"))),
    }
}

fn parse(path: &str) -> Result<Script, InputError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| InputError::Io { path: path.to_string(), source })?;
    let v: Value = serde_json::from_str(&text).map_err(|e| bad(path, format!("not JSON: {e}")))?;
    if !v.is_object() {
        return Err(bad(path, "expected a JSON object"));
    }
    let creation = hex_field(&v, "creation", path)?;
    let args =
        if v["constructorArgs"].is_null() { Vec::new() } else { hex_field(&v, "constructorArgs", path)? };
    let mut accounts = Vec::new();
    for (name, a) in v["accounts"].as_object().ok_or_else(|| bad(path, "`accounts` must be an object"))? {
        let a = a
            .as_str()
            .and_then(|t| Address::from_hex(t).ok())
            .ok_or_else(|| bad(path, format!("account `{name}` is not a 20-byte hex address")))?;
        accounts.push((name.clone(), a));
    }
    if !accounts.iter().any(|(n, _)| n == "deployer") {
        return Err(bad(path, "`accounts` needs a `deployer`"));
    }
    let context = &v["context"];
    let mut calls = Vec::new();
    for (i, c) in
        v["calls"].as_array().ok_or_else(|| bad(path, "`calls` must be an array"))?.iter().enumerate()
    {
        let from =
            c["from"].as_str().ok_or_else(|| bad(path, format!("call {i}: `from` must be a string")))?;
        if !accounts.iter().any(|(n, _)| n == from) {
            return Err(bad(path, format!("call {i}: `from` names no account: {from}")));
        }
        calls.push(Call {
            from: from.to_string(),
            function: c["function"].as_str().unwrap_or("").to_string(),
            data: hex_field(c, "data", path)?,
        });
    }
    Ok(Script {
        description: v["description"].as_str().unwrap_or("").to_string(),
        creation,
        args,
        accounts,
        timestamp: u64_field(context, "timestamp", 1, path)?,
        block_number: u64_field(context, "blockNumber", 1, path)?,
        chain_id: u64_field(context, "chainId", 10, path)?,
        calls,
    })
}

/// What one step did, in either world.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    success: bool,
    output: Vec<u8>,
    logs: Vec<Log>,
}

impl core::fmt::Display for Outcome {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let output = encode_hex(&self.output);
        let output = if output.len() > 74 {
            format!("{}..({} bytes)", &output[..74], self.output.len())
        } else {
            output
        };
        write!(f, "{} {output} logs {}", if self.success { "ok    " } else { "revert" }, self.logs.len())
    }
}

/// The native side: the original code on this crate's EVM, users as plain accounts.
struct Native {
    db: InMemoryDb,
    env: Env,
}

impl Native {
    fn run(
        &mut self,
        tx: Option<&Transaction>,
        call: Option<(Address, Address, &[u8])>,
    ) -> (Outcome, Option<Address>) {
        let mut cache = CodeCache::new(NATIVE_FORK);
        let mut evm = Evm::new(&mut self.db, self.env.clone(), &mut cache);
        let result = match (tx, call) {
            (Some(tx), _) => evm.transact(tx).map_err(|e| e.to_string()),
            (None, Some((from, to, data))) => evm
                .call(from, to, U256::ZERO, Bytes::copy_from_slice(data), GAS_LIMIT)
                .map_err(|e| e.to_string()),
            (None, None) => unreachable!("a transaction or a call"),
        };
        match result {
            Ok(r) => {
                let changes = evm.finalize();
                self.db.commit(changes);
                let created = r.created;
                (Outcome { success: r.is_success(), output: r.output.to_vec(), logs: r.logs }, created)
            }
            Err(e) => (Outcome { success: false, output: e.into_bytes(), logs: Vec::new() }, None),
        }
    }
}

pub(super) fn run(args: PipelineArgs) -> Result<ExitCode, InputError> {
    let path = args.file.display().to_string();
    let script = parse(&path)?;
    let address_of =
        |name: &str| script.accounts.iter().find(|(n, _)| n == name).map(|(_, a)| *a).expect("checked");
    let deployer = address_of("deployer");
    if !script.description.is_empty() {
        println!("{}\n", script.description);
    }

    // 1. Decode and check the original.
    let decoded = DecodedCode::new(Bytes::from(script.creation.clone()), NATIVE_FORK);
    println!(
        "1. decode: {} bytes of creation code, {} instructions, {} basic blocks",
        script.creation.len(),
        decoded.instrs().len(),
        decoded.block_count()
    );
    let original = purity::check(&script.creation);
    if original.is_pure() {
        println!("2. purity check of the original: pure");
    } else {
        println!(
            "2. purity check of the original: impure, {} violations; the first:",
            original.violations.len()
        );
        for v in original.violations.iter().take(5) {
            println!("     pc {:#06x} {:<14} {}", v.pc, v.opcode_name().unwrap_or("(undefined)"), v.rule);
        }
    }

    // 2. Transpile and check the output.
    let t = match transpile(&script.creation, &Options { input: Input::Creation, ..Options::default() }) {
        Ok(t) => t,
        Err(e) => {
            println!("3. transpile: refused: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let r = &t.report;
    println!(
        "3. transpile: {} -> {} bytes; runtime {} -> {} bytes ({:+.0}%); {} manager calls through {} stubs; jumps {} static, {} at run time",
        r.input_size,
        r.output_size,
        r.runtime.as_ref().map_or(0, |rt| rt.input_size),
        r.runtime.as_ref().map_or(0, |rt| rt.output_size),
        r.runtime.as_ref().map_or(0.0, |rt| (rt.growth() - 1.0) * 100.0),
        r.manager_calls + r.runtime.as_ref().map_or(0, |rt| rt.manager_calls),
        r.stubs.len() + r.runtime.as_ref().map_or(0, |rt| rt.stubs.len()),
        r.static_jumps + r.runtime.as_ref().map_or(0, |rt| rt.static_jumps),
        r.dynamic_jumps + r.runtime.as_ref().map_or(0, |rt| rt.dynamic_jumps),
    );
    let checked = purity::check(&t.code);
    println!("4. purity check of the transpiled code: {}", if checked.is_pure() { "pure" } else { "IMPURE" });
    if !checked.is_pure() {
        return Ok(ExitCode::FAILURE);
    }

    // 3. The two worlds.
    let mut em =
        ExecutionManager::new(ManagerConfig { chain_id: script.chain_id, ..ManagerConfig::default() });
    em.set_account(deployer, 1, U256::ZERO, Bytes::from(accounts::deployer()));
    let mut native_db = InMemoryDb::new();
    native_db.insert_account(deployer, AccountInfo::new(U256::ZERO, 1, Bytes::new()), []);
    for (name, a) in &script.accounts {
        if name != "deployer" {
            em.set_account(*a, 1, U256::ZERO, Bytes::from(accounts::forwarder()));
            native_db.insert_account(*a, AccountInfo::new(U256::ZERO, 0, Bytes::new()), []);
        }
    }
    let mut env = Env { chain_id: script.chain_id, ..Env::default() };
    env.block.timestamp = U256::from(script.timestamp);
    env.block.number = U256::from(script.block_number);
    let mut native = Native { db: native_db, env };
    let ovm_tx = |entrypoint: Address, data: Vec<u8>| OvmTransaction {
        timestamp: U256::from(script.timestamp),
        block_number: U256::from(script.block_number),
        l1_queue_origin: 0,
        l1_tx_origin: Address::ZERO,
        entrypoint,
        gas_limit: GAS_LIMIT,
        data: Bytes::from(data),
    };

    // 4. Deploy.
    let mut initcode = t.code.clone();
    initcode.extend_from_slice(&script.args);
    let deployed = em.execute_transaction(&ovm_tx(deployer, initcode));
    let ovm_address =
        Address::from_word(U256::from_be_slice(deployed.return_data.get(..32).unwrap_or_default()));
    let mut native_initcode = script.creation.clone();
    native_initcode.extend_from_slice(&script.args);
    let tx = Transaction {
        caller: deployer,
        nonce: 1,
        gas_limit: GAS_LIMIT,
        data: Bytes::from(native_initcode),
        ..Transaction::default()
    };
    let (_, native_address) = native.run(Some(&tx), None);
    let native_address = native_address.unwrap_or(Address::ZERO);
    let mut all_agree = ovm_address == native_address && ovm_address != Address::ZERO;
    println!(
        "5. deploy: OVM {ovm_address} (nuisance gas {}), native {native_address}: {}",
        deployed.nuisance_gas_used,
        if all_agree { "same address" } else { "DIFFERENT" }
    );
    if ovm_address == Address::ZERO {
        return Ok(ExitCode::FAILURE);
    }

    // 5. The calls.
    println!("6. calls (OVM under the manager | native EVM):");
    for (i, call) in script.calls.iter().enumerate() {
        let from = address_of(&call.from);
        let mut input = ovm_address.to_word().to_be_bytes::<32>().to_vec();
        input.extend_from_slice(&call.data);
        let result = em.execute_transaction(&ovm_tx(from, input));
        let ours = match forwarded(&result.return_data) {
            Some((success, output)) if result.is_success() => Outcome { success, output, logs: result.logs },
            _ => Outcome { success: false, output: Vec::new(), logs: Vec::new() },
        };
        let (theirs, _) = native.run(None, Some((from, native_address, &call.data)));
        let same = ours == theirs;
        all_agree &= same;
        println!("   {i:>2} {:<6} {}", call.from, call.function);
        println!("      ovm    {ours}");
        println!("      native {theirs}   {}", if same { "same" } else { "DIFFERENT" });
    }
    println!("7. post-state root (manager): {}", em.state_root());
    println!("{}", if all_agree { "every result agrees" } else { "some results differ" });
    Ok(if all_agree { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The forwarder's return data: `(bool success, bytes data)`.
fn forwarded(data: &[u8]) -> Option<(bool, Vec<u8>)> {
    if data.len() < 96 {
        return None;
    }
    let success = U256::from_be_slice(&data[..32]) == U256::from(1);
    let len = usize::try_from(U256::from_be_slice(&data[64..96])).ok()?;
    Some((success, data.get(96..96 + len)?.to_vec()))
}
