//! The legacy "VM tests" (`LegacyTests/Constantinople/VMTests`): one message call into `exec.code`
//! under the mainnet rules of the block number (all of them Frontier), judged as go-ethereum's
//! old `tests/vm_test_util.go` did: remaining gas, output, the storage of the `post` accounts and
//! the logs hash; a test without `gas` and `post` must end in an exceptional halt.

use std::path::Path;

use bytes::Bytes;
use serde_json::Value;

use super::json::{self, FixtureError, field};
use super::{logs_hash, parse_accounts};
use crate::CodeCache;
use crate::env::{BlockEnv, Env};
use crate::evm::Evm;
use crate::fork::Fork;
use crate::primitives::{B256, U256};
use crate::state::{AccountInfo, InMemoryDb};

/// The mainnet fork in force at `number` (the VM tests use the block number to pick rules).
pub fn mainnet_fork(number: u64) -> Fork {
    match number {
        0..1_150_000 => Fork::Frontier,
        1_150_000..2_463_000 => Fork::Homestead,
        2_463_000..2_675_000 => Fork::TangerineWhistle,
        2_675_000..4_370_000 => Fork::SpuriousDragon,
        4_370_000..7_280_000 => Fork::Byzantium,
        7_280_000..9_069_000 => Fork::Petersburg,
        9_069_000..12_244_000 => Fork::Istanbul,
        12_244_000..12_965_000 => Fork::Berlin,
        12_965_000..15_537_394 => Fork::London,
        _ => Fork::Paris,
    }
}

/// How one VM test went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VmTestReport {
    /// The test's name.
    pub name: String,
    /// What differed from the expectation, if anything.
    pub mismatch: Option<String>,
}

/// Runs every test in one VM-test file.
pub fn run_file(path: &Path) -> Result<Vec<VmTestReport>, FixtureError> {
    let text = std::fs::read_to_string(path).map_err(|e| FixtureError::Json(e.to_string()))?;
    let root: Value = serde_json::from_str(&text).map_err(|e| FixtureError::Json(e.to_string()))?;
    let tests = root.as_object().ok_or(FixtureError::Field("<test object>"))?;
    tests
        .iter()
        .map(|(name, test)| Ok(VmTestReport { name: name.clone(), mismatch: run_test(test)?.err() }))
        .collect()
}

fn run_test(test: &Value) -> Result<Result<(), String>, FixtureError> {
    let env = field(test, "env")?;
    let exec = field(test, "exec")?;
    let number = json::u64_quantity(field(env, "currentNumber")?, "currentNumber")?
        .ok_or(FixtureError::Field("currentNumber"))?;
    let fork = mainnet_fork(number);
    let caller = json::address(field(exec, "caller")?, "caller")?;
    let address = json::address(field(exec, "address")?, "address")?;
    let value = json::u256(field(exec, "value")?, "value")?;
    let gas = json::u64_quantity(field(exec, "gas")?, "gas")?.ok_or(FixtureError::Field("gas"))?;

    let mut db = InMemoryDb::new();
    for account in parse_accounts(field(test, "pre")?, "pre")? {
        db.insert_account(account.address, account.info, account.storage);
    }
    // The old VM-test host did not move the call's value and let the first call through without
    // a balance check; funding the caller with the value has the same effect on everything the
    // tests check (storage, logs, gas, output).
    let funded = db.get(&caller).map(|a| a.info.clone()).unwrap_or_default();
    let storage: Vec<_> =
        db.get(&caller).map(|a| a.storage.iter().map(|(k, v)| (*k, *v)).collect()).unwrap_or_default();
    db.insert_account(
        caller,
        AccountInfo { balance: funded.balance.saturating_add(value), ..funded },
        storage,
    );
    // The code runs where `exec` says, whatever `pre` holds there.
    let code = json::bytes(field(exec, "code")?, "code")?;
    let target = db.get(&address).map(|a| a.info.clone()).unwrap_or_default();
    let target_storage: Vec<_> =
        db.get(&address).map(|a| a.storage.iter().map(|(k, v)| (*k, *v)).collect()).unwrap_or_default();
    db.insert_account(
        address,
        AccountInfo { code_hash: crate::primitives::keccak256(&code), code, ..target },
        target_storage,
    );

    let block = BlockEnv {
        number: U256::from(number),
        coinbase: json::address(field(env, "currentCoinbase")?, "currentCoinbase")?,
        timestamp: json::u256(field(env, "currentTimestamp")?, "currentTimestamp")?,
        gas_limit: json::u256(field(env, "currentGasLimit")?, "currentGasLimit")?,
        difficulty: json::u256(field(env, "currentDifficulty")?, "currentDifficulty")?,
        ..BlockEnv::default()
    };
    let env = Env {
        block,
        chain_id: 1,
        origin: json::address(field(exec, "origin")?, "origin")?,
        gas_price: json::u256(field(exec, "gasPrice")?, "gasPrice")?,
        blob_hashes: Vec::new(),
    };
    let data = json::bytes(field(exec, "data")?, "data")?;
    let mut cache = CodeCache::new(fork);
    let mut evm = Evm::new(&mut db, env, &mut cache);
    let result =
        evm.call(caller, address, value, data, gas).map_err(|e| FixtureError::Json(e.to_string()))?;
    let changes = evm.finalize();
    db.commit(changes);

    let Some(expected_gas) = test.get("gas") else {
        return Ok(if result.reason.is_exceptional() {
            Ok(())
        } else {
            Err(format!("expected an exceptional halt, got {:?}", result.reason))
        });
    };
    if result.reason.is_exceptional() {
        return Ok(Err(format!("unexpected halt: {:?}", result.reason)));
    }
    let expected_gas = json::u64_quantity(expected_gas, "gas")?.ok_or(FixtureError::Field("gas"))?;
    let remaining = gas - result.gas_used;
    if remaining != expected_gas {
        return Ok(Err(format!("gas left: expected {expected_gas}, got {remaining}")));
    }
    let out: Bytes = json::bytes(field(test, "out")?, "out")?;
    if out != result.output {
        return Ok(Err("output mismatch".into()));
    }
    let expected_logs: B256 = json::b256(field(test, "logs")?, "logs")?;
    if logs_hash(&result.logs) != expected_logs {
        return Ok(Err("logs hash mismatch".into()));
    }
    for account in parse_accounts(field(test, "post")?, "post")? {
        let address = account.address;
        let mut expected: Vec<(U256, U256)> =
            account.storage.into_iter().filter(|(_, v)| !v.is_zero()).collect();
        expected.sort();
        let mut got: Vec<(U256, U256)> =
            db.get(&address).map(|a| a.storage.iter().map(|(k, v)| (*k, *v)).collect()).unwrap_or_default();
        got.sort();
        if expected != got {
            return Ok(Err(format!("storage of {address} differs: expected {expected:?}, got {got:?}")));
        }
    }
    Ok(Ok(()))
}
