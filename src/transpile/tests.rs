//! Unit tests of the rewriter on small hand-written programs. Runtime code that touches no state
//! makes no manager call once transpiled, so the original and the transpiled code both run as
//! plain EVM on this crate's interpreter and must return the same bytes.

use super::*;
use crate::asm::assemble;
use crate::primitives::{Address, U256};
use crate::state::{AccountInfo, InMemoryDb};
use crate::{CodeCache, Env, Evm, Fork};
use bytes::Bytes;

/// Assembles a one-line listing: mnemonics, each PUSHn followed by its value (decimal or 0x).
fn runtime(listing: &str) -> Vec<u8> {
    let mut lines = Vec::new();
    let mut tokens = listing.split_whitespace();
    while let Some(op) = tokens.next() {
        match op.strip_prefix("PUSH").and_then(|n| n.parse::<usize>().ok()) {
            Some(width) => {
                let value = tokens.next().expect("PUSH value");
                let value = match value.strip_prefix("0x") {
                    Some(hex) => u64::from_str_radix(hex, 16),
                    None => value.parse(),
                }
                .expect("number");
                lines.push(format!("{op} 0x{value:0width$x}", width = width * 2));
            }
            None => lines.push(op.to_string()),
        }
    }
    assemble(&lines.join("\n")).expect("listing assembles")
}

/// Runs `code` natively (Istanbul) with `input`; returns success and output.
fn run(code: &[u8], input: &[u8]) -> (bool, Vec<u8>) {
    let (caller, target) = (Address::from_low_u64(1), Address::from_low_u64(2));
    let mut db = InMemoryDb::new();
    db.insert_account(caller, AccountInfo::new(U256::ZERO, 0, Bytes::new()), []);
    db.insert_account(target, AccountInfo::new(U256::ZERO, 0, Bytes::copy_from_slice(code)), []);
    let mut cache = CodeCache::new(Fork::Istanbul);
    let mut evm = Evm::new(&mut db, Env::default(), &mut cache);
    let r = evm
        .call(caller, target, U256::ZERO, Bytes::copy_from_slice(input), 1_000_000)
        .expect("in-memory state");
    (r.is_success(), r.output.to_vec())
}

fn transpiled(code: &[u8]) -> Transpiled {
    let t = transpile(code, &Options { input: Input::Runtime, ..Options::default() }).expect("transpiles");
    assert!(crate::purity::check(&t.code).is_pure(), "output must be pure");
    t
}

/// Same result natively and transpiled, for each input.
fn same(code: &[u8], inputs: &[&[u8]]) -> Report {
    let t = transpiled(code);
    for input in inputs {
        assert_eq!(run(code, input), run(&t.code, input), "input {input:02x?}");
    }
    t.report
}

fn word(n: u64) -> Vec<u8> {
    U256::from(n).to_be_bytes::<32>().to_vec()
}

#[test]
fn static_jumps_land_where_they_did() {
    // A loop summing 1..=n, jumps by PUSHed labels only.
    let code = runtime(
        "PUSH1 0 CALLDATALOAD PUSH1 0 \
         JUMPDEST DUP2 ISZERO PUSH1 0x14 JUMPI DUP2 ADD SWAP1 PUSH1 1 SWAP1 SUB SWAP1 PUSH1 4 JUMP \
         JUMPDEST PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN",
    );
    let report = same(&code, &[&word(0), &word(10), &word(100)]);
    assert_eq!(report.dynamic_jumps, 0);
    assert!(report.static_jumps >= 2);
}

#[test]
fn computed_destinations_go_through_the_run_time_map() {
    // The destination is 0x10 + calldata word: only a run-time map can find it.
    let code = runtime(
        "PUSH1 0 CALLDATALOAD PUSH1 0x0c ADD JUMP INVALID INVALID INVALID INVALID INVALID \
         JUMPDEST PUSH1 1 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN \
         JUMPDEST PUSH1 2 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN",
    );
    // 0x0c is the first JUMPDEST; the second is 10 bytes later; anything else is a bad jump.
    let report = same(&code, &[&word(0), &word(10), &word(1), &word(1 << 40)]);
    assert_eq!(report.dynamic_jumps, 1);
}

#[test]
fn pc_and_codesize_read_original_values() {
    let code = runtime("PC CODESIZE PUSH1 0 MSTORE PUSH1 32 MSTORE PUSH1 64 PUSH1 0 RETURN");
    same(&code, &[&[]]);
}

#[test]
fn codecopy_of_own_constants_reads_the_original_bytes() {
    // Copies 40 bytes of its own code from a constant offset (into the data after STOP).
    let mut code = runtime("PUSH1 40 PUSH1 0x0c PUSH1 0 CODECOPY PUSH1 64 PUSH1 0 RETURN STOP");
    code.extend((0u8..40).map(|i| i.wrapping_mul(37) ^ 0x5b));
    same(&code, &[&[]]);
}

#[test]
fn state_opcodes_without_a_method_are_refused_with_their_pc() {
    for (listing, pc, name) in [
        ("PUSH1 0 SELFDESTRUCT", 2, "SELFDESTRUCT"),
        ("PUSH1 1 BLOCKHASH STOP", 2, "BLOCKHASH"),
        ("CALLER PUSH1 0 SSTORE COINBASE STOP", 4, "COINBASE"),
    ] {
        match transpile(&runtime(listing), &Options { input: Input::Runtime, ..Options::default() }) {
            Err(TranspileError::Unsupported { pc: at, name: n }) => {
                assert_eq!((at, n), (pc, name), "{listing}");
            }
            other => panic!("{listing}: expected a refusal, got {other:?}"),
        }
    }
}

#[test]
fn msize_and_run_time_codecopy_offsets_are_refused() {
    let e = transpile(
        &runtime("MSIZE PUSH1 0 MSTORE STOP"),
        &Options { input: Input::Runtime, ..Options::default() },
    )
    .unwrap_err();
    assert_eq!(e.pc(), Some(0));
    let e = transpile(
        &runtime("PUSH1 32 PUSH1 0 CALLDATALOAD PUSH1 0 CODECOPY STOP"),
        &Options { input: Input::Runtime, ..Options::default() },
    )
    .unwrap_err();
    assert!(matches!(e, TranspileError::CodeCopy { pc: 7, .. }), "{e:?}");
}

#[test]
fn odd_inputs_transpile_to_pure_code() {
    // Empty code, a truncated PUSH at the end, undefined opcodes, stack underflow, data after
    // a halt that holds a JUMPDEST and banned bytes.
    for code in [
        Vec::new(),
        vec![0x61, 0x01],
        vec![0x0c, 0x0d, 0x00],
        vec![0x01, 0x00],
        vec![0x00, 0x5b, 0xff, 0x55, 0x33],
    ] {
        let t = transpiled(&code);
        assert_eq!(run(&code, &[]).0, run(&t.code, &[]).0, "{code:02x?}");
    }
}

#[test]
fn a_constant_condition_has_one_successor() {
    // The first JUMPI never jumps, the second always does: the JUMPDEST at 10 is dead code
    // (and its SELFDESTRUCT, which has no OVM equivalent, is never reached, so not refused).
    let code = runtime(
        "PUSH1 0 PUSH1 10 JUMPI PUSH1 1 PUSH1 12 JUMPI \
         JUMPDEST SELFDESTRUCT JUMPDEST PUSH1 7 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN",
    );
    let a = analysis::analyze(&code, true);
    let at = |pc: usize| a.reachable[a.index_at(pc).expect("an instruction")];
    assert!(!at(10) && !at(11) && at(12));
    same(&code, &[&[]]);
}

#[test]
fn the_tested_side_of_a_branch_knows_its_value_is_zero() {
    // Solidity's try/catch: x is tested (DUP1 ISZERO JUMPI); the zero side reaches the join
    // with [a r x], the other side with [a r u 1], and the join's JUMPI sends the first to the
    // catch code and the second to the success code. Followed without knowing that x is zero
    // there, the failure side would also run the success code one item short, jump to `a` and
    // make every jump dynamic.
    let code = runtime(
        "CALLDATASIZE PUSH1 0x1a PUSH1 0 CALLDATALOAD DUP1 ISZERO PUSH1 0x0f JUMPI \
         POP CALLDATASIZE PUSH1 1 \
         JUMPDEST PUSH1 0x17 JUMPI \
         PUSH1 0xee SWAP1 JUMP \
         JUMPDEST SWAP1 JUMP \
         JUMPDEST PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN",
    );
    let report = same(&code, &[&word(0), &word(5)]);
    assert_eq!((report.dynamic_jumps, report.map_entries), (0, 0), "{report:?}");
}

#[test]
fn a_runtime_copy_only_the_deployment_reads_is_not_stored() {
    let runtime = runtime("PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN");
    // CODECOPY(0, 12, 10) RETURN(0, 10): the copy is only returned.
    let mut plain = self::runtime("PUSH1 10 PUSH1 12 PUSH1 0 CODECOPY PUSH1 10 PUSH1 0 RETURN");
    plain.extend_from_slice(&runtime);
    // The same with MLOAD(0) of the copy before returning it (as a library's constructor
    // checks its first byte): the original bytes must be there to read.
    let mut reads =
        self::runtime("PUSH1 10 PUSH1 16 PUSH1 0 CODECOPY PUSH1 0 MLOAD POP PUSH1 10 PUSH1 0 RETURN");
    reads.extend_from_slice(&runtime);
    for (code, elided) in [(plain, 1), (reads, 0)] {
        let t =
            transpile(&code, &Options { input: Input::Creation, ..Options::default() }).expect("transpiles");
        assert!(crate::purity::check(&t.code).is_pure());
        assert_eq!(t.report.runtime_copies_elided, elided, "{code:02x?}");
        assert_eq!(t.report.stored_constants, if elided == 1 { 0 } else { runtime.len() });
    }
}
