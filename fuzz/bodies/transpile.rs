//! The `transpile` body: the transpiler never panics on any bytes; every output passes the
//! purity checker; every refusal names a pc (or is a size refusal); and for the programs it
//! accepts that stay within a subset whose meaning the OVM keeps exactly (stack, arithmetic,
//! memory, jumps, call data, storage, return and revert), the transpiled program run under the
//! execution manager gives the same success, output and storage as the original run natively on
//! this crate's EVM (Istanbul), when the native run leaves plenty of gas (the stubs cost gas).
//!
//! Input: the first byte picks the call data length (0..32 bytes of the rest, taken from its
//! end); the rest is runtime code.

use bytes::Bytes;
use ovm::manager::{ExecutionManager, ManagerConfig, OvmTransaction, accounts};
use ovm::opcode::*;
use ovm::transpile::{Input, Options, TranspileError, transpile};
use ovm::{AccountInfo, Address, CodeCache, Env, Evm, Fork, InMemoryDb, U256};

const CONTRACT: Address = Address([0xc0; 20]);
const USER: Address = Address([0xa1; 20]);
const GAS: u64 = 2_000_000;
/// Native runs that use more than this are not compared: the transpiled code pays for its stubs.
const COMPARED_GAS: u64 = GAS / 8;

/// Opcodes whose transpiled meaning is exactly the native one in this setting.
fn in_subset(op: u8) -> bool {
    matches!(op,
        STOP..=SIGNEXTEND | LT..=SAR | KECCAK256 | CALLDATALOAD | CALLDATASIZE | CALLDATACOPY
        | POP | MLOAD | MSTORE | MSTORE8 | SLOAD | SSTORE | JUMP | JUMPI | PC | JUMPDEST
        | PUSH1..=PUSH32 | DUP1..=DUP16 | SWAP1..=SWAP16 | RETURN | REVERT | INVALID)
}

pub(crate) fn run(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let input_len = (first as usize % 33).min(rest.len());
    let (code, input) = rest.split_at(rest.len() - input_len);
    let out = match transpile(code, &Options { input: Input::Runtime, ..Options::default() }) {
        Ok(out) => out,
        Err(TranspileError::Internal { pc, rule }) => panic!("internal error at pc {pc}: {rule}"),
        Err(e) => {
            assert!(
                e.pc().is_some() || matches!(e, TranspileError::TooLarge { .. }),
                "refusal without a pc: {e}"
            );
            return;
        }
    };
    let report = ovm::purity::check(&out.code);
    assert!(report.is_pure(), "transpiled code is impure: {:?}", report.first_violation());
    let decoded = ovm::purity::decode(code);
    if !decoded.instructions().all(|i| in_subset(i.opcode)) {
        return;
    }

    // Native.
    let mut db = InMemoryDb::new();
    db.insert_account(USER, AccountInfo::new(U256::ZERO, 1, Bytes::new()), []);
    db.insert_account(CONTRACT, AccountInfo::new(U256::ZERO, 1, Bytes::copy_from_slice(code)), []);
    let mut cache = CodeCache::new(Fork::Istanbul);
    let mut evm = Evm::new(&mut db, Env::default(), &mut cache);
    let native =
        evm.call(USER, CONTRACT, U256::ZERO, Bytes::copy_from_slice(input), GAS).expect("in-memory state");
    if native.gas_used > COMPARED_GAS {
        return;
    }
    let changes = evm.finalize();
    db.commit(changes);

    // Under the manager, called through a forwarding account.
    let mut em = ExecutionManager::new(ManagerConfig::default());
    em.set_account(USER, 1, U256::ZERO, Bytes::from(accounts::forwarder()));
    em.set_account(CONTRACT, 1, U256::ZERO, Bytes::from(out.code.clone()));
    let mut call = CONTRACT.to_word().to_be_bytes::<32>().to_vec();
    call.extend_from_slice(input);
    let tx = OvmTransaction {
        timestamp: U256::ZERO,
        block_number: U256::ZERO,
        l1_queue_origin: 0,
        l1_tx_origin: Address::ZERO,
        entrypoint: USER,
        gas_limit: 9_000_000,
        data: Bytes::from(call),
    };
    let result = em.execute_transaction(&tx);
    assert!(result.is_success(), "the forwarder failed: {:?}", result.status);
    let r = &result.return_data;
    let success = U256::from_be_slice(&r[..32]) == U256::from(1);
    let len = U256::from_be_slice(&r[64..96]).to::<usize>();
    let output = &r[96..96 + len];
    assert_eq!(success, native.is_success(), "success differs (native {:?})", native.reason);
    // The forwarder returns at most 0x800 - 96 bytes.
    if native.output.len() <= 0x800 - 96 {
        assert_eq!(output, &native.output[..], "output differs");
    }
    let storage = |slots: Option<Vec<(U256, U256)>>| {
        let mut s: Vec<(U256, U256)> =
            slots.unwrap_or_default().into_iter().filter(|(_, v)| !v.is_zero()).collect();
        s.sort();
        s
    };
    let ours =
        storage(em.database().get(&CONTRACT).map(|a| a.storage.iter().map(|(k, v)| (*k, *v)).collect()));
    let theirs = storage(db.get(&CONTRACT).map(|a| a.storage.iter().map(|(k, v)| (*k, *v)).collect()));
    assert_eq!(ours, theirs, "storage differs");
}
