//! `ovm run`: one message call into the given code, like geth's `evm run`.

use std::process::ExitCode;

use bytes::Bytes;
use clap::Args;

use super::input::{InputError, parse_fork, read_code_arg, read_hex_arg};
use crate::primitives::{Address, HexSlice, U256};
use crate::state::{AccountInfo, InMemoryDb};
use crate::tracer::Eip3155Tracer;
use crate::{CodeCache, Env, Evm, Fork};

/// The caller of `ovm run` (the benchmark corpus's common setup).
pub(crate) const RUN_CALLER: Address =
    Address([0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]);
/// The address the code runs at.
pub(crate) const RUN_TARGET: Address =
    Address([0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02]);

#[derive(Debug, Args)]
pub(super) struct RunArgs {
    /// Bytecode: hex (with or without 0x), a file holding hex, or `-` for standard input.
    code: String,
    /// Call data: hex, or a file holding hex.
    #[arg(long, default_value = "")]
    input: String,
    /// Gas limit of the call.
    #[arg(long, default_value_t = 1_000_000_000)]
    gas: u64,
    /// Fork rules to apply.
    #[arg(long, default_value = "Cancun")]
    fork: String,
    /// Value sent with the call (decimal or 0x-hex wei); the caller is funded with it.
    #[arg(long, default_value = "0")]
    value: String,
    /// Write an EIP-3155 trace to standard error.
    #[arg(long)]
    trace: bool,
}

fn parse_value(text: &str) -> Result<U256, InputError> {
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => U256::from_str_radix(hex, 16),
        None => U256::from_str_radix(text, 10),
    };
    parsed.map_err(|_| InputError::Invalid("--value must be a decimal or 0x-hex number below 2^256"))
}

pub(super) fn run(args: RunArgs) -> Result<ExitCode, InputError> {
    let code = read_code_arg(&args.code)?;
    let input = if args.input.is_empty() { Vec::new() } else { read_hex_arg(&args.input, "--input")? };
    let fork: Fork = parse_fork(&args.fork)?;
    let value = parse_value(&args.value)?;

    let mut db = InMemoryDb::new();
    db.insert_account(RUN_CALLER, AccountInfo::new(value, 0, Bytes::new()), []);
    db.insert_account(RUN_TARGET, AccountInfo::new(U256::ZERO, 0, Bytes::from(code)), []);
    let mut cache = CodeCache::new(fork);
    let env = Env { origin: RUN_CALLER, ..Env::default() };
    let input = Bytes::from(input);

    let result = if args.trace {
        let tracer = Eip3155Tracer::new(std::io::stderr().lock());
        let mut evm = Evm::with_tracer(&mut db, env, &mut cache, tracer);
        let result = evm.call(RUN_CALLER, RUN_TARGET, value, input, args.gas);
        let mut tracer = evm.into_tracer();
        if let Ok(r) = &result {
            tracer.summary(&r.output, r.gas_used, r.is_success(), None);
        }
        result
    } else {
        Evm::new(&mut db, env, &mut cache).call(RUN_CALLER, RUN_TARGET, value, input, args.gas)
    };
    let result = match result {
        Ok(result) => result,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let logs: Vec<String> = result
        .logs
        .iter()
        .map(|log| {
            let topics: Vec<String> = log.topics.iter().map(|t| format!("\"{t}\"")).collect();
            format!(
                "{{\"address\":\"{}\",\"topics\":[{}],\"data\":\"0x{}\"}}",
                log.address,
                topics.join(","),
                HexSlice(&log.data)
            )
        })
        .collect();
    println!(
        "{{\"output\":\"0x{}\",\"gasUsed\":{},\"status\":\"{}\",\"success\":{},\"logs\":[{}]}}",
        HexSlice(&result.output),
        result.gas_used,
        result.reason.name(),
        result.is_success(),
        logs.join(",")
    );
    Ok(if result.is_success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
