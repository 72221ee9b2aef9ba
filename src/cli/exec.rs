//! `ovm exec`: one OVM transaction under the execution manager, from JSON files: a state in the
//! alloc format of state tests, a transaction with the fields of `Lib_OVMCodec.Transaction`, and an
//! optional context. Prints the result, flag, gas, logs and post-state root; `--post` writes the
//! post-state (never over an existing file unless `--force`, and never over an input).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde_json::{Value, json};

use super::input::InputError;
use crate::manager::{
    DeployerPolicy, ExecutionManager, ManagerConfig, OvmTransaction, Status, TransactionContext,
};
use crate::primitives::{Address, HexSlice, encode_hex};
use crate::statetest::json::{self as fixture_json, FixtureError};
use crate::statetest::{alloc_json, parse_alloc};

#[derive(Debug, Args)]
pub(super) struct ExecArgs {
    /// The pre-state: `{address: {balance, nonce, code, storage}}` (missing fields are zero).
    #[arg(long)]
    pre: PathBuf,
    /// The transaction: `{entrypoint, gasLimit, data, timestamp, blockNumber, l1QueueOrigin,
    /// l1TxOrigin}` (the last four default to the context's).
    #[arg(long)]
    tx: PathBuf,
    /// The context: `{chainId, gasLimit, timestamp, blockNumber, l1QueueOrigin, l1TxOrigin, fork,
    /// minTransactionGasLimit, maxTransactionGasLimit, allowedDeployers}` (all optional).
    #[arg(long)]
    context: Option<PathBuf>,
    /// Print the result as one JSON object.
    #[arg(long)]
    json: bool,
    /// Write the post-state to this file, in the format of `--pre`.
    #[arg(long)]
    post: Option<PathBuf>,
    /// Let `--post` replace an existing file (never one of the inputs).
    #[arg(long)]
    force: bool,
}

fn read_json(path: &Path) -> Result<(String, Value), InputError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| InputError::Io { path: path.display().to_string(), source })?;
    let value = serde_json::from_str(&text).map_err(|e| InputError::Fixture {
        path: path.display().to_string(),
        source: FixtureError::Json(e.to_string()),
    })?;
    Ok((text, value))
}

fn fixture_error(path: &Path) -> impl Fn(FixtureError) -> InputError + '_ {
    move |source| InputError::Fixture { path: path.display().to_string(), source }
}

/// An optional field read with `read`.
fn optional<T>(
    value: &Value,
    key: &'static str,
    read: impl Fn(&Value, &'static str) -> Result<T, FixtureError>,
) -> Result<Option<T>, FixtureError> {
    value.get(key).map(|v| read(v, key)).transpose()
}

fn u64_field(value: &Value, key: &'static str) -> Result<u64, FixtureError> {
    fixture_json::u64_quantity(value, key)?.ok_or(FixtureError::Field(key))
}

fn u8_field(value: &Value, key: &'static str) -> Result<u8, FixtureError> {
    u8::try_from(u64_field(value, key)?).map_err(|_| FixtureError::Field(key))
}

/// Reads an `ovm exec --context` object: the manager's configuration and the transaction context
/// (every field optional).
pub fn parse_context(value: &Value) -> Result<(ManagerConfig, TransactionContext), FixtureError> {
    if !value.is_object() {
        return Err(FixtureError::Field("<context object>"));
    }
    let mut config = ManagerConfig::default();
    if let Some(fork) = value.get("fork") {
        let name = fixture_json::string(fork, "fork")?;
        config.fork = name.parse().map_err(|_| FixtureError::Field("fork"))?;
    }
    config.chain_id = optional(value, "chainId", u64_field)?.unwrap_or(config.chain_id);
    config.max_gas_per_queue_per_epoch =
        optional(value, "gasLimit", u64_field)?.unwrap_or(config.max_gas_per_queue_per_epoch);
    config.min_transaction_gas_limit =
        optional(value, "minTransactionGasLimit", u64_field)?.unwrap_or(config.min_transaction_gas_limit);
    config.max_transaction_gas_limit =
        optional(value, "maxTransactionGasLimit", u64_field)?.unwrap_or(config.max_transaction_gas_limit);
    if let Some(list) = value.get("allowedDeployers") {
        let list = list.as_array().ok_or(FixtureError::Field("allowedDeployers"))?;
        let allowed =
            list.iter().map(|a| fixture_json::address(a, "allowedDeployers")).collect::<Result<_, _>>()?;
        config.deployer_policy = DeployerPolicy::Allow(allowed);
    }
    let context = TransactionContext {
        timestamp: optional(value, "timestamp", fixture_json::u256)?.unwrap_or_default(),
        block_number: optional(value, "blockNumber", fixture_json::u256)?.unwrap_or_default(),
        l1_queue_origin: optional(value, "l1QueueOrigin", u8_field)?.unwrap_or(0),
        l1_tx_origin: optional(value, "l1TxOrigin", fixture_json::address)?.unwrap_or(Address::ZERO),
    };
    Ok((config, context))
}

/// Reads an `ovm exec --tx` object; the fields it leaves out come from `context`.
pub fn parse_transaction(
    value: &Value,
    context: &TransactionContext,
) -> Result<OvmTransaction, FixtureError> {
    if !value.is_object() {
        return Err(FixtureError::Field("<transaction object>"));
    }
    Ok(OvmTransaction {
        timestamp: optional(value, "timestamp", fixture_json::u256)?.unwrap_or(context.timestamp),
        block_number: optional(value, "blockNumber", fixture_json::u256)?.unwrap_or(context.block_number),
        l1_queue_origin: optional(value, "l1QueueOrigin", u8_field)?.unwrap_or(context.l1_queue_origin),
        l1_tx_origin: optional(value, "l1TxOrigin", fixture_json::address)?.unwrap_or(context.l1_tx_origin),
        entrypoint: fixture_json::address(fixture_json::field(value, "entrypoint")?, "entrypoint")?,
        gas_limit: u64_field(fixture_json::field(value, "gasLimit")?, "gasLimit")?,
        data: optional(value, "data", fixture_json::bytes)?.unwrap_or_default(),
    })
}

/// `true` when `a` and `b` name the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

pub(super) fn run(args: ExecArgs) -> Result<ExitCode, InputError> {
    // Check the output path before doing anything, so that a bad --post loses nothing.
    if let Some(post) = &args.post {
        let inputs = [Some(&args.pre), Some(&args.tx), args.context.as_ref()];
        if inputs.into_iter().flatten().any(|input| same_file(post, input)) {
            return Err(InputError::Invalid("--post names an input file; choose another path"));
        }
        if post.exists() && !args.force {
            return Err(InputError::Invalid("--post file exists; remove it or pass --force"));
        }
    }
    let (pre_text, _) = read_json(&args.pre)?;
    let db = parse_alloc(&pre_text).map_err(fixture_error(&args.pre))?;
    let (config, context) = match &args.context {
        Some(path) => parse_context(&read_json(path)?.1).map_err(fixture_error(path))?,
        None => (ManagerConfig::default(), TransactionContext::default()),
    };
    let tx = parse_transaction(&read_json(&args.tx)?.1, &context).map_err(fixture_error(&args.tx))?;
    let mut em = ExecutionManager::with_database(db, config);
    em.set_context(context);
    let result = em.execute_transaction(&tx);
    let root = em.state_root();

    let (status, flag) = match result.status {
        Status::Success => ("success", None),
        Status::Failed(flag) => ("failed", Some(flag.name())),
        Status::Rejected => ("rejected", None),
    };
    if args.json {
        let logs: Vec<Value> = result
            .logs
            .iter()
            .map(|l| {
                json!({
                    "address": l.address.to_string(),
                    "topics": l.topics.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
                    "data": encode_hex(&l.data),
                })
            })
            .collect();
        let out = json!({
            "status": status,
            "flag": flag,
            "returnData": encode_hex(&result.return_data),
            "gasUsed": result.gas_used,
            "nuisanceGasUsed": result.nuisance_gas_used,
            "logs": logs,
            "created": result.created.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
            "stateRoot": root.to_string(),
            "transactionHash": tx.hash().to_string(),
        });
        println!("{out}");
    } else {
        println!("status:       {status}{}", flag.map(|f| format!(" ({f})")).unwrap_or_default());
        println!("return data:  0x{}", HexSlice(&result.return_data));
        println!("gas used:     {}", result.gas_used);
        println!("nuisance gas: {}", result.nuisance_gas_used);
        for log in &result.logs {
            let topics: Vec<String> = log.topics.iter().map(|t| t.to_string()).collect();
            println!("log:          {} [{}] 0x{}", log.address, topics.join(", "), HexSlice(&log.data));
        }
        for address in &result.created {
            println!("created:      {address}");
        }
        println!("state root:   {root}");
    }
    if let Some(post) = &args.post {
        let text = serde_json::to_string_pretty(&alloc_json(em.database())).unwrap_or_default();
        std::fs::write(post, text + "\n")
            .map_err(|source| InputError::Io { path: post.display().to_string(), source })?;
    }
    Ok(if result.is_success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
