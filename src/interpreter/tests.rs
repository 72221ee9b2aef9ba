//! Unit tests of the interpreter by opcode family, written with the [`Asm`] builder, plus the
//! call-depth test and the block-mode / traced-mode equivalence property.

use alloc::vec::Vec;

use bytes::Bytes;

use crate::asm::Asm;
use crate::env::Env;
use crate::evm::{Evm, ExecutionResult, create_address, create2_address};
use crate::fork::Fork;
use crate::interpreter::ExitReason;
use crate::opcode::*;
use crate::primitives::{Address, B256, U256, keccak256};
use crate::state::{AccountInfo, InMemoryDb};
use crate::tracer::{Step, Tracer};
use crate::{CodeCache, Database};

const SENDER: Address = Address::from_low_u64(0xca11e7);
const CONTRACT: Address = Address::from_low_u64(0x7a76e7);
const OTHER: Address = Address::from_low_u64(0x0ffe7);
const GAS_LIMIT: u64 = 1_000_000;

/// A world with the caller funded and `code` at [`CONTRACT`].
fn world(code: &[u8]) -> InMemoryDb {
    let mut db = InMemoryDb::new();
    db.insert_account(SENDER, AccountInfo::new(U256::from(10u64).pow(U256::from(20)), 0, Bytes::new()), []);
    db.insert_account(CONTRACT, AccountInfo::new(U256::from(1000), 1, Bytes::copy_from_slice(code)), []);
    db
}

fn call_with<T: Tracer>(
    db: &mut InMemoryDb,
    fork: Fork,
    input: &[u8],
    value: u64,
    tracer: T,
) -> ExecutionResult {
    let mut cache = CodeCache::new(fork);
    let env = Env { origin: SENDER, ..Env::default() };
    let mut evm = Evm::with_tracer(db, env, &mut cache, tracer);
    let result = evm
        .call(SENDER, CONTRACT, U256::from(value), Bytes::copy_from_slice(input), GAS_LIMIT)
        .expect("in-memory state");
    let changes = evm.finalize();
    db.commit(changes);
    result
}

fn run_in(fork: Fork, code: Asm) -> ExecutionResult {
    call_with(&mut world(&code.into_bytes()), fork, &[], 0, crate::tracer::NoTracer)
}

fn run(code: Asm) -> ExecutionResult {
    run_in(Fork::Cancun, code)
}

/// Runs `code` (which must leave one word on the stack) and returns that word.
fn word_in(fork: Fork, code: Asm) -> U256 {
    let result = run_in(fork, code.return_top());
    assert!(result.is_success(), "{:?}", result.reason);
    U256::from_be_slice(&result.output)
}

fn word(code: Asm) -> U256 {
    word_in(Fork::Cancun, code)
}

fn neg(x: u64) -> U256 {
    U256::from(x).wrapping_neg()
}

mod arithmetic {
    use super::*;

    #[test]
    fn add_sub_mul_wrap() {
        assert_eq!(word(Asm::new().push(2).push(3).op(ADD)), U256::from(5));
        assert_eq!(word(Asm::new().push(1).push(U256::MAX).op(ADD)), U256::ZERO);
        assert_eq!(word(Asm::new().push(3).push(2).op(SUB)), neg(1));
        assert_eq!(word(Asm::new().push(2).push(U256::MAX).op(MUL)), neg(2));
    }

    #[test]
    fn division_by_zero_gives_zero() {
        assert_eq!(word(Asm::new().push(0).push(7).op(DIV)), U256::ZERO);
        assert_eq!(word(Asm::new().push(0).push(7).op(MOD)), U256::ZERO);
        assert_eq!(word(Asm::new().push(0).push(7).op(SDIV)), U256::ZERO);
        assert_eq!(word(Asm::new().push(0).push(7).op(SMOD)), U256::ZERO);
        assert_eq!(word(Asm::new().push(2).push(7).op(DIV)), U256::from(3));
    }

    #[test]
    fn signed_division() {
        assert_eq!(word(Asm::new().push(2).push(neg(7)).op(SDIV)), neg(3));
        assert_eq!(word(Asm::new().push(2).push(neg(7)).op(SMOD)), neg(1));
        let min = U256::from(1) << 255;
        assert_eq!(word(Asm::new().push(U256::MAX).push(min).op(SDIV)), min);
    }

    #[test]
    fn modular_arithmetic_uses_full_precision() {
        // (MAX + 2) mod 3 and (MAX * MAX) mod 7, computed without overflow.
        let max_plus_2_mod_3 = (U256::MAX % U256::from(3) + U256::from(2)) % U256::from(3);
        assert_eq!(word(Asm::new().push(3).push(2).push(U256::MAX).op(ADDMOD)), max_plus_2_mod_3);
        assert_eq!(
            word(Asm::new().push(7).push(U256::MAX).push(U256::MAX).op(MULMOD)),
            U256::MAX.mul_mod(U256::MAX, U256::from(7))
        );
        assert_eq!(word(Asm::new().push(0).push(1).push(1).op(ADDMOD)), U256::ZERO);
    }

    #[test]
    fn exp_value_and_per_fork_gas() {
        assert_eq!(word(Asm::new().push(10).push(2).op(EXP)), U256::from(1024));
        assert_eq!(word(Asm::new().push(256).push(2).op(EXP)), U256::ZERO);
        // EIP-160: 10 gas per exponent byte before Spurious Dragon, 50 after.
        let code = || Asm::new().push(0x0102).push(3).op(EXP).op(POP);
        let base = 3 + 3 + 10 + 2;
        assert_eq!(run_in(Fork::TangerineWhistle, code()).gas_used, base + 2 * 10);
        assert_eq!(run_in(Fork::SpuriousDragon, code()).gas_used, base + 2 * 50);
    }

    #[test]
    fn signextend() {
        assert_eq!(word(Asm::new().push(0xff).push(0).op(SIGNEXTEND)), U256::MAX);
        assert_eq!(word(Asm::new().push(0x7f).push(0).op(SIGNEXTEND)), U256::from(0x7f));
        assert_eq!(word(Asm::new().push(0x80ff).push(1).op(SIGNEXTEND)), neg(0x7f01));
        assert_eq!(word(Asm::new().push(0x80ff).push(31).op(SIGNEXTEND)), U256::from(0x80ff));
    }
}

mod bitwise {
    use super::*;

    #[test]
    fn comparisons() {
        assert_eq!(word(Asm::new().push(2).push(1).op(LT)), U256::from(1));
        assert_eq!(word(Asm::new().push(2).push(1).op(GT)), U256::ZERO);
        assert_eq!(word(Asm::new().push(1).push(neg(1)).op(SLT)), U256::from(1));
        assert_eq!(word(Asm::new().push(1).push(neg(1)).op(LT)), U256::ZERO);
        assert_eq!(word(Asm::new().push(neg(2)).push(neg(1)).op(SGT)), U256::from(1));
        assert_eq!(word(Asm::new().push(5).push(5).op(EQ)), U256::from(1));
        assert_eq!(word(Asm::new().push(0).op(ISZERO)), U256::from(1));
    }

    #[test]
    fn logic_and_byte() {
        assert_eq!(word(Asm::new().push(0b1100).push(0b1010).op(AND)), U256::from(0b1000));
        assert_eq!(word(Asm::new().push(0b1100).push(0b1010).op(OR)), U256::from(0b1110));
        assert_eq!(word(Asm::new().push(0b1100).push(0b1010).op(XOR)), U256::from(0b0110));
        assert_eq!(word(Asm::new().push(0).op(NOT)), U256::MAX);
        assert_eq!(word(Asm::new().push(0x1234).push(30).op(BYTE)), U256::from(0x12));
        assert_eq!(word(Asm::new().push(0x1234).push(32).op(BYTE)), U256::ZERO);
    }

    #[test]
    fn shifts_and_their_fork() {
        assert_eq!(word(Asm::new().push(1).push(4).op(SHL)), U256::from(16));
        assert_eq!(word(Asm::new().push(1).push(256).op(SHL)), U256::ZERO);
        assert_eq!(word(Asm::new().push(16).push(4).op(SHR)), U256::from(1));
        assert_eq!(word(Asm::new().push(neg(16)).push(4).op(SAR)), neg(1));
        assert_eq!(word(Asm::new().push(neg(16)).push(300).op(SAR)), U256::MAX);
        assert_eq!(word(Asm::new().push(16).push(300).op(SAR)), U256::ZERO);
        // EIP-145 arrived in Constantinople: before it, SHL is undefined.
        let result = run_in(Fork::Byzantium, Asm::new().push(1).push(1).op(SHL));
        assert_eq!(result.reason, ExitReason::InvalidOpcode);
        assert_eq!(result.gas_used, GAS_LIMIT);
    }
}

mod stack {
    use super::*;

    #[test]
    fn push_variants() {
        assert_eq!(word(Asm::new().op(PUSH0)), U256::ZERO);
        assert_eq!(run_in(Fork::London, Asm::new().op(PUSH0)).reason, ExitReason::InvalidOpcode);
        assert_eq!(word(Asm::new().push(U256::MAX)), U256::MAX);
        // A PUSH cut off by the end of the code reads zeros; execution then stops.
        let result = run(Asm::new().raw(&[PUSH2, 0xaa]));
        assert!(result.is_success());
    }

    #[test]
    fn dup_and_swap_reach_sixteen() {
        let mut code = Asm::new();
        for i in 1..=17u64 {
            code = code.push(i);
        }
        assert_eq!(word(code.clone().op(DUP16)), U256::from(2));
        assert_eq!(word(code.op(SWAP16)), U256::from(1));
    }

    #[test]
    fn underflow_and_overflow_halt() {
        assert_eq!(run(Asm::new().op(ADD)).reason, ExitReason::StackUnderflow);
        assert_eq!(run(Asm::new().push(1).op(SWAP1)).reason, ExitReason::StackUnderflow);
        let mut code = Asm::new();
        for _ in 0..1025 {
            code = code.op(PC);
        }
        let result = run(code);
        assert_eq!(result.reason, ExitReason::StackOverflow);
        assert_eq!(result.gas_used, GAS_LIMIT);
        let mut code = Asm::new();
        for _ in 0..1024 {
            code = code.op(PC);
        }
        assert!(run(code).is_success());
    }
}

mod memory {
    use super::*;

    #[test]
    fn load_store_and_size() {
        assert_eq!(word(Asm::new().mstore(0, 0x42).push(0).op(MLOAD)), U256::from(0x42));
        assert_eq!(word(Asm::new().push(0xabcd).push(31).op(MSTORE8).push(0).op(MLOAD)), U256::from(0xcd));
        assert_eq!(word(Asm::new().push(0).push(100).op(MSTORE8).op(MSIZE)), U256::from(128));
    }

    #[test]
    fn expansion_is_charged_quadratically() {
        // MSTORE at 0x10000 - 32: 2048 words = 3 * 2048 + 2048^2 / 512 = 14336 gas.
        let result = run(Asm::new().push(0).push(0x10000 - 32).op(MSTORE));
        assert_eq!(result.gas_used, 3 + 3 + 3 + 14336);
        assert_eq!(run(Asm::new().push(0).push(U256::MAX).op(MLOAD)).reason, ExitReason::OutOfGas);
    }

    #[test]
    fn mcopy_overlapping() {
        let code = Asm::new().mstore(0, 0x1122).push(32).push(0).push(1).op(MCOPY).push(1).op(MLOAD);
        assert_eq!(word(code), U256::from(0x1122));
        assert_eq!(
            run_in(Fork::Shanghai, Asm::new().push(0).push(0).push(0).op(MCOPY)).reason,
            ExitReason::InvalidOpcode
        );
    }

    #[test]
    fn keccak() {
        let code = Asm::new().mstore(0, 0x01).push(32).push(0).op(KECCAK256);
        assert_eq!(word(code), keccak256(&U256::from(1).to_be_bytes::<32>()).to_u256());
    }
}

mod environment {
    use super::*;

    #[test]
    fn message_fields() {
        assert_eq!(word(Asm::new().op(ADDRESS)), CONTRACT.to_word());
        assert_eq!(word(Asm::new().op(CALLER)), SENDER.to_word());
        assert_eq!(word(Asm::new().op(ORIGIN)), SENDER.to_word());
        assert_eq!(word(Asm::new().op(CODESIZE)), U256::from(1 + 2 + 1 + 2 + 2 + 1));
        let mut db = world(&Asm::new().op(CALLVALUE).return_top().into_bytes());
        let result = call_with(&mut db, Fork::Cancun, &[], 7, crate::tracer::NoTracer);
        assert_eq!(U256::from_be_slice(&result.output), U256::from(7));
        assert_eq!(db.get(&CONTRACT).unwrap().info.balance, U256::from(1007));
    }

    #[test]
    fn calldata_is_zero_padded() {
        let code = Asm::new().push(1).op(CALLDATALOAD).return_top().into_bytes();
        let result =
            call_with(&mut world(&code), Fork::Cancun, &[0xaa, 0xbb, 0xcc], 0, crate::tracer::NoTracer);
        let mut expected = [0u8; 32];
        expected[..2].copy_from_slice(&[0xbb, 0xcc]);
        assert_eq!(&result.output[..], &expected);
        let code = Asm::new().push(4).push(1).push(0).op(CALLDATACOPY).ret(0, 4).into_bytes();
        let result = call_with(&mut world(&code), Fork::Cancun, &[1, 2, 3], 0, crate::tracer::NoTracer);
        assert_eq!(&result.output[..], &[2, 3, 0, 0]);
    }

    #[test]
    fn codecopy_reads_the_raw_code() {
        let code = Asm::new().push(3).push(0).push(0).op(CODECOPY).ret(0, 3);
        let bytes = code.clone().into_bytes();
        assert_eq!(&run(code).output[..], &bytes[..3]);
    }

    #[test]
    fn block_fields_and_their_forks() {
        let env = Env::default();
        assert_eq!(word(Asm::new().op(CHAINID)), U256::from(env.chain_id));
        assert_eq!(word(Asm::new().op(GASLIMIT)), env.block.gas_limit);
        assert_eq!(word(Asm::new().op(BLOBBASEFEE)), U256::from(1));
        assert_eq!(word(Asm::new().push(0).op(BLOBHASH)), U256::ZERO);
        assert_eq!(run_in(Fork::Petersburg, Asm::new().op(CHAINID)).reason, ExitReason::InvalidOpcode);
        assert_eq!(run_in(Fork::Berlin, Asm::new().op(BASEFEE)).reason, ExitReason::InvalidOpcode);
    }
}

mod control {
    use super::*;

    #[test]
    fn jumps_land_only_on_jumpdests() {
        // PUSH1 4 JUMP INVALID JUMPDEST PUSH1 1
        let ok = Asm::new().push(4).op(JUMP).op(INVALID).op(JUMPDEST).push(1);
        assert_eq!(word(ok), U256::from(1));
        // Destination 2 is the 0x5b inside PUSH1 0x5b's data.
        let into_data = Asm::new().push(2).op(JUMP).raw(&[PUSH1, JUMPDEST]);
        assert_eq!(run(into_data).reason, ExitReason::InvalidJump);
        let not_taken = Asm::new().push(0).push(99).op(JUMPI).push(7);
        assert_eq!(word(not_taken), U256::from(7));
    }

    #[test]
    fn pc_and_gas_are_exact() {
        assert_eq!(word(Asm::new().push(0).op(POP).op(PC)), U256::from(3));
        // GAS sees the gas left after itself, though the block's static gas was charged up front.
        let left = word(Asm::new().op(GAS).push(1).op(POP));
        assert_eq!(left, U256::from(GAS_LIMIT - 2));
    }

    #[test]
    fn halting_opcodes() {
        let result = run(Asm::new().op(INVALID));
        assert_eq!((result.reason, result.gas_used), (ExitReason::InvalidOpcode, GAS_LIMIT));
        let result = run(Asm::new().op(0x0c));
        assert_eq!(result.reason, ExitReason::InvalidOpcode);
        let result = run(Asm::new().mstore(0, 0xdead).push(2).push(30).op(REVERT));
        assert_eq!(result.reason, ExitReason::Revert);
        assert_eq!(&result.output[..], &[0xde, 0xad]);
        assert!(result.gas_used < 100);
        assert!(run(Asm::new().op(STOP).op(INVALID)).is_success());
    }
}

mod host {
    use super::*;

    #[test]
    fn storage_round_trip_and_berlin_pricing() {
        let code = || Asm::new().push(5).push(1).op(SSTORE).push(1).op(SLOAD);
        assert_eq!(word(code()), U256::from(5));
        // Cold SSTORE of a new value: 20000 + 2100; then a warm SLOAD: 100.
        let result = run(code().op(POP));
        assert_eq!(result.gas_used, 3 + 3 + 22100 + 3 + 100 + 2);
        // Istanbul: no cold surcharge; SLOAD costs 800.
        assert_eq!(run_in(Fork::Istanbul, code().op(POP)).gas_used, 3 + 3 + 20000 + 3 + 800 + 2);
        // Frontier: SLOAD 50.
        assert_eq!(run_in(Fork::Frontier, code().op(POP)).gas_used, 3 + 3 + 20000 + 3 + 50 + 2);
    }

    #[test]
    fn sstore_sentry_and_refunds() {
        let mut db = world(&Asm::new().push(0).push(1).op(SSTORE).into_bytes());
        db.set_storage(&CONTRACT, U256::from(1), U256::from(9));
        let mut cache = CodeCache::new(Fork::Cancun);
        let mut evm = Evm::new(&mut db, Env::default(), &mut cache);
        // EIP-2200: with 2300 gas or less left, SSTORE fails.
        let result = evm.call(SENDER, CONTRACT, U256::ZERO, Bytes::new(), 2306).unwrap();
        assert_eq!(result.reason, ExitReason::OutOfGas);
        let result = evm.call(SENDER, CONTRACT, U256::ZERO, Bytes::new(), GAS_LIMIT).unwrap();
        assert!(result.is_success());
        // EIP-3529: clearing a slot refunds 4800.
        assert_eq!(evm.state().refund(), 4800);
    }

    #[test]
    fn transient_storage_is_per_transaction() {
        assert_eq!(word(Asm::new().push(3).push(1).op(TSTORE).push(1).op(TLOAD)), U256::from(3));
        let mut db = world(&Asm::new().push(1).op(TLOAD).return_top().into_bytes());
        let result = call_with(&mut db, Fork::Cancun, &[], 0, crate::tracer::NoTracer);
        assert_eq!(U256::from_be_slice(&result.output), U256::ZERO);
    }

    #[test]
    fn logs() {
        let result = run(Asm::new().mstore(0, 0xff).push(0xbeef).push(1).push(31).op(LOG1));
        assert_eq!(result.logs.len(), 1);
        assert_eq!(result.logs[0].address, CONTRACT);
        assert_eq!(result.logs[0].topics, [B256::from_u256(U256::from(0xbeef))]);
        assert_eq!(&result.logs[0].data[..], &[0xff]);
        assert_eq!(result.gas_used, 3 + 3 + 3 + 3 + 3 + 3 + 750 + 8 + 3);
    }

    #[test]
    fn account_queries() {
        assert_eq!(word(Asm::new().push(CONTRACT).op(BALANCE)), U256::from(1000));
        assert_eq!(word(Asm::new().op(SELFBALANCE)), U256::from(1000));
        assert_eq!(word(Asm::new().push(OTHER).op(EXTCODEHASH)), U256::ZERO);
        assert_eq!(word(Asm::new().push(OTHER).op(EXTCODESIZE)), U256::ZERO);
        // Berlin: the first BALANCE of an account is cold (2600), the second warm (100).
        let result = run(Asm::new().push(OTHER).op(BALANCE).push(OTHER).op(BALANCE).op(POP).op(POP));
        assert_eq!(result.gas_used, 3 + 2600 + 3 + 100 + 2 + 2);
    }

    #[test]
    fn blockhash_window() {
        let mut db = world(&Asm::new().push(0).op(BLOCKHASH).return_top().into_bytes());
        let mut cache = CodeCache::new(Fork::Cancun);
        let mut env = Env::default();
        env.block.number = U256::from(10);
        let mut evm = Evm::new(&mut db, env, &mut cache);
        let result = evm.call(SENDER, CONTRACT, U256::ZERO, Bytes::new(), GAS_LIMIT).unwrap();
        assert_eq!(U256::from_be_slice(&result.output), keccak256(b"0").to_u256());
        assert_eq!(word(Asm::new().push(0).op(BLOCKHASH)), U256::ZERO);
    }
}

mod system {
    use super::*;

    /// Code that CALLs `to` with no data and returns the success flag and the return data size.
    fn caller_of(to: Address, op: u8) -> Asm {
        let code = Asm::new().push(0).push(0).push(0).push(0);
        let code = if op == CALL { code.push(0) } else { code };
        code.push(to).op(GAS).op(op).push(0).op(MSTORE).op(RETURNDATASIZE).push(32).op(MSTORE).ret(0, 64)
    }

    fn with_callee(caller: Asm, callee: Asm) -> InMemoryDb {
        let mut db = world(&caller.into_bytes());
        db.insert_account(OTHER, AccountInfo::new(U256::ZERO, 0, Bytes::from(callee.into_bytes())), []);
        db
    }

    fn words(output: &[u8]) -> Vec<U256> {
        output.chunks(32).map(U256::from_be_slice).collect()
    }

    #[test]
    fn call_returns_data_and_flag() {
        let mut db = with_callee(caller_of(OTHER, CALL), Asm::new().push(0xab).return_top());
        let result = call_with(&mut db, Fork::Cancun, &[], 0, crate::tracer::NoTracer);
        assert_eq!(words(&result.output), [U256::from(1), U256::from(32)]);
        let mut db = with_callee(caller_of(OTHER, CALL), Asm::new().push(0).push(0).op(REVERT));
        assert_eq!(
            words(&call_with(&mut db, Fork::Cancun, &[], 0, crate::tracer::NoTracer).output),
            [U256::ZERO, U256::ZERO]
        );
    }

    #[test]
    fn staticcall_forbids_state_changes() {
        let mut db = with_callee(caller_of(OTHER, STATICCALL), Asm::new().push(1).push(1).op(SSTORE));
        let result = call_with(&mut db, Fork::Cancun, &[], 0, crate::tracer::NoTracer);
        assert_eq!(words(&result.output)[0], U256::ZERO);
        assert!(db.get(&OTHER).unwrap().storage.is_empty());
    }

    #[test]
    fn delegatecall_keeps_the_context() {
        let callee = Asm::new().op(CALLER).push(0).op(SSTORE).op(ADDRESS).push(1).op(SSTORE);
        let mut db = with_callee(caller_of(OTHER, DELEGATECALL), callee);
        call_with(&mut db, Fork::Cancun, &[], 0, crate::tracer::NoTracer);
        let storage = &db.get(&CONTRACT).unwrap().storage;
        assert_eq!(storage.get(&U256::ZERO), Some(&SENDER.to_word()));
        assert_eq!(storage.get(&U256::from(1)), Some(&CONTRACT.to_word()));
    }

    #[test]
    fn returndatacopy_out_of_bounds_halts() {
        let result = run(Asm::new().push(1).push(0).push(0).op(RETURNDATACOPY));
        assert_eq!(result.reason, ExitReason::ReturnDataOutOfBounds);
    }

    /// Initcode that returns `runtime` as the contract's code.
    fn initcode_returning(runtime: &[u8]) -> Vec<u8> {
        assert!(runtime.len() <= 32);
        let mut word = [0u8; 32];
        word[..runtime.len()].copy_from_slice(runtime);
        Asm::new()
            .push(U256::from_be_bytes(word))
            .push(0)
            .op(MSTORE)
            .ret(0, runtime.len() as u64)
            .into_bytes()
    }

    /// Code that stores `initcode` in memory and runs CREATE (or CREATE2 with salt 7), returning
    /// the created address.
    fn creator(initcode: &[u8], create2: bool) -> Asm {
        let mut code = Asm::new();
        for (i, chunk) in initcode.chunks(32).enumerate() {
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            code = code.mstore(32 * i as u64, U256::from_be_bytes(word));
        }
        if create2 {
            code = code.push(7);
        }
        code.push(initcode.len()).push(0).push(0).op(if create2 { CREATE2 } else { CREATE }).return_top()
    }

    #[test]
    fn create_and_create2_addresses() {
        let init = initcode_returning(&[STOP]);
        let mut db = world(&creator(&init, false).into_bytes());
        let result = call_with(&mut db, Fork::Cancun, &[], 0, crate::tracer::NoTracer);
        let expected = create_address(&CONTRACT, 1);
        assert_eq!(U256::from_be_slice(&result.output), expected.to_word());
        assert_eq!(db.get(&expected).unwrap().info.nonce, 1);
        assert_eq!(&db.get(&expected).unwrap().info.code[..], &[STOP]);
        assert_eq!(db.get(&CONTRACT).unwrap().info.nonce, 2);

        let mut db = world(&creator(&init, true).into_bytes());
        let result = call_with(&mut db, Fork::Cancun, &[], 0, crate::tracer::NoTracer);
        assert_eq!(
            U256::from_be_slice(&result.output),
            create2_address(&CONTRACT, U256::from(7), keccak256(&init)).to_word()
        );
    }

    #[test]
    fn deployed_code_rules() {
        // EIP-3541: code starting with 0xEF is rejected from London on.
        let init = initcode_returning(&[0xef]);
        let created = |fork| {
            let mut db = world(&creator(&init, false).into_bytes());
            U256::from_be_slice(&call_with(&mut db, fork, &[], 0, crate::tracer::NoTracer).output)
        };
        assert_eq!(created(Fork::London), U256::ZERO);
        assert_ne!(created(Fork::Berlin), U256::ZERO);
        // EIP-170: 24577 bytes of code are rejected.
        let init = Asm::new().ret(0, 24577).into_bytes();
        let mut db = world(&creator(&init, false).into_bytes());
        assert_eq!(
            U256::from_be_slice(&call_with(&mut db, Fork::Cancun, &[], 0, crate::tracer::NoTracer).output),
            U256::ZERO
        );
    }

    #[test]
    fn initcode_limit_halts_the_creator() {
        let result = run(Asm::new().push(49153).push(0).push(0).op(CREATE));
        assert_eq!(result.reason, ExitReason::InitcodeSizeLimit);
        let result = run_in(Fork::London, Asm::new().push(49153).push(0).push(0).op(CREATE).op(POP));
        assert!(result.is_success());
    }

    #[test]
    fn selfdestruct_per_fork() {
        let code = Asm::new().push(OTHER).op(SELFDESTRUCT).into_bytes();
        // Cancun (EIP-6780): a contract not created in this transaction keeps existing.
        let mut db = world(&code);
        call_with(&mut db, Fork::Cancun, &[], 0, crate::tracer::NoTracer);
        assert_eq!(db.get(&CONTRACT).unwrap().info.balance, U256::ZERO);
        assert!(db.get(&CONTRACT).unwrap().info.has_code());
        assert_eq!(db.get(&OTHER).unwrap().info.balance, U256::from(1000));
        // Shanghai: the account is deleted.
        let mut db = world(&code);
        call_with(&mut db, Fork::Shanghai, &[], 0, crate::tracer::NoTracer);
        assert!(db.get(&CONTRACT).is_none());
        assert_eq!(db.get(&OTHER).unwrap().info.balance, U256::from(1000));
    }

    /// Code that calls itself with all its gas, `depth` times in total (counting in slot 0).
    fn recursive() -> Asm {
        Asm::new()
            .push(0)
            .op(SLOAD)
            .push(1)
            .op(ADD)
            .op(DUP1)
            .push(0)
            .op(SSTORE)
            .push(0)
            .push(0)
            .push(0)
            .push(0)
            .push(0)
            .op(ADDRESS)
            .op(GAS)
            .op(CALL)
    }

    /// Calls `code` at CONTRACT on a 256 KiB thread, with enough gas that the 63/64 rule still
    /// leaves plenty at depth 1024; returns the result and the committed state.
    #[cfg(feature = "std")]
    fn call_on_a_small_stack(code: Vec<u8>) -> (ExecutionResult, InMemoryDb) {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let mut db = world(&code);
                let mut cache = CodeCache::new(Fork::Cancun);
                let mut evm = Evm::new(&mut db, Env::default(), &mut cache);
                let result =
                    evm.call(SENDER, CONTRACT, U256::ZERO, Bytes::new(), 1_000_000_000_000_000).unwrap();
                let changes = evm.finalize();
                db.commit(changes);
                (result, db)
            })
            .expect("spawn")
            .join()
            .expect("no stack overflow")
    }

    #[cfg(feature = "std")]
    #[test]
    fn depth_1024_on_a_small_thread_stack() {
        let (result, db) = call_on_a_small_stack(recursive().into_bytes());
        assert!(result.is_success());
        // Frames at depth 0..=1024 each count once: 1025 frames.
        assert_eq!(db.get(&CONTRACT).unwrap().storage.get(&U256::ZERO).copied(), Some(U256::from(1025)));
    }

    #[cfg(feature = "std")]
    #[test]
    fn creation_chain_1024_deep_on_a_small_thread_stack() {
        // Code that creates a copy of itself (read with CODECOPY), as runtime code at CONTRACT and
        // as the initcode of every creation, until CREATE fails at the depth limit.
        let code = Asm::new()
            .op(CODESIZE)
            .push(0)
            .push(0)
            .op(CODECOPY)
            .op(CODESIZE)
            .push(0)
            .push(0)
            .op(CREATE)
            .op(STOP)
            .into_bytes();
        let (result, db) = call_on_a_small_stack(code);
        assert!(result.is_success());
        // Frames at depths 1..=1024 are creations; the one at 1024 fails to create.
        let mut creator = CONTRACT;
        for depth in 1..=1024 {
            let created = create_address(&creator, 1);
            let account = db.get(&created).unwrap_or_else(|| panic!("creation at depth {depth}"));
            let expected_nonce = if depth < 1024 { 2 } else { 1 };
            assert_eq!(account.info.nonce, expected_nonce, "depth {depth}");
            creator = created;
        }
        assert!(db.get(&create_address(&creator, 1)).is_none());
    }
}

/// Counts steps; used to force the traced (per-instruction) mode.
#[derive(Default)]
struct CountingTracer {
    steps: u64,
}

impl Tracer for CountingTracer {
    fn step(&mut self, _step: &Step<'_>) {
        self.steps += 1;
    }
}

/// A deterministic xorshift generator for property tests.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn block_mode_equals_traced_mode_on_random_programs() {
    // Untraced execution charges static gas per basic block; traced execution per instruction.
    // Every observable result must be identical, including for programs that run out of gas,
    // underflow, jump around or call themselves.
    let alphabet: Vec<u8> =
        (0..=255u8).filter(|&b| info_in(b, Fork::Cancun).is_some() && b != SELFDESTRUCT).collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..3000 {
        let mut code = Vec::new();
        let len = 1 + rng.next() % 60;
        for _ in 0..len {
            let r = rng.next();
            match r % 4 {
                0 => code.extend_from_slice(&[PUSH1, (r >> 8) as u8 % 64]),
                1 => code.push(JUMPDEST),
                _ => code.push(alphabet[(r >> 8) as usize % alphabet.len()]),
            }
        }
        let gas_limit = [GAS_LIMIT, 5_000, 200, 30][case % 4];
        let run_mode = |traced: bool| {
            let mut db = world(&code);
            db.set_storage(&CONTRACT, U256::from(1), U256::from(1));
            let mut cache = CodeCache::new(Fork::Cancun);
            let env = Env { origin: SENDER, ..Env::default() };
            let result = if traced {
                let mut evm = Evm::with_tracer(&mut db, env, &mut cache, CountingTracer::default());
                evm.call(SENDER, CONTRACT, U256::ZERO, Bytes::from(alloc::vec![1, 2, 3]), gas_limit)
            } else {
                let mut evm = Evm::new(&mut db, env, &mut cache);
                evm.call(SENDER, CONTRACT, U256::ZERO, Bytes::from(alloc::vec![1, 2, 3]), gas_limit)
            }
            .unwrap();
            let halted = result.reason.is_exceptional();
            (result.gas_used, result.output, result.logs, halted, result.reason.is_success())
        };
        assert_eq!(run_mode(false), run_mode(true), "case {case}: {}", crate::primitives::encode_hex(&code));
    }
}

#[test]
fn database_trait_is_object_safe() {
    let mut db = InMemoryDb::new();
    let dynamic: &mut dyn Database = &mut db;
    assert_eq!(dynamic.account(&OTHER).unwrap(), None);
}
