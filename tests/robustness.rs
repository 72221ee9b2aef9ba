//! Robustness beyond the fuzz targets (issue 8, item 4):
//! - memory grows only as far as gas pays for, measured by a counting allocator, up to the exact
//!   edge of the gas limit and for offsets and lengths far beyond any gas;
//! - 24 KiB (EIP-170) and 48 KiB (EIP-3860) code of every byte value goes through the decoder,
//!   the disassembler, the purity checker (against the on-chain checker), the transpiler and
//!   execution beside revm, with the fuzz targets' own invariants;
//! - the adversarial patterns of `tests/support/worst_cases.rs` go through the decoder, the
//!   checker and the transpiler in linear time: an input 8 times larger must not take much more
//!   than 8 times as long.
//!
//! The 1024-deep call and creation chains on a small thread stack are unit tests next to the
//! code they exercise (`src/interpreter/tests.rs`, `src/manager/tests.rs`).

#[path = "../fuzz/bodies/decode.rs"]
mod decode_body;
// Only its `compare_code` is used here, not the generator behind `run`.
#[allow(dead_code)]
#[path = "../fuzz/bodies/execute_diff.rs"]
mod execute_diff;
#[path = "../fuzz/bodies/purity.rs"]
mod purity_body;
#[path = "../fuzz/bodies/transpile.rs"]
mod transpile_body;
#[path = "support/worst_cases.rs"]
mod worst_cases;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use bytes::Bytes;
use ovm::opcode::*;
use ovm::transpile::{Input, Options, TranspileError, transpile};
use ovm::{AccountInfo, Address, CodeCache, DecodedCode, Env, Evm, ExecutionResult, Fork, InMemoryDb, U256};

// ---------------------------------------------------------------------------------------------
// A global allocator that counts, per thread, the bytes live and their peak.

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every method forwards to the system allocator unchanged and only adds bookkeeping in
// thread-local cells, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the most bytes this thread had allocated at once during
/// it, beyond what was live before.
fn peak_allocation<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(base));
    let result = f();
    let peak = PEAK.with(Cell::get);
    (result, (peak - base).max(0) as usize)
}

// ---------------------------------------------------------------------------------------------
// Memory expansion.

const SENDER: Address = Address([0x5e; 20]);
const CONTRACT: Address = Address([0xc0; 20]);

/// What the run allocates besides frame memory (stack, decoded code, state, journal): far less
/// than this.
const SLACK: usize = 256 * 1024;

/// Code that pushes `args` (the first one ends on top), runs `op` and stops.
fn with_args(op: u8, args: &[U256]) -> Vec<u8> {
    let mut code = Vec::new();
    for arg in args.iter().rev() {
        code.push(PUSH32);
        code.extend_from_slice(&arg.to_be_bytes::<32>());
    }
    code.push(op);
    code.push(STOP);
    code
}

/// Calls `code` under Cancun with `gas`; returns the result and the peak allocation.
fn run(code: &[u8], gas: u64) -> (ExecutionResult, usize) {
    let mut db = InMemoryDb::new();
    db.insert_account(SENDER, AccountInfo::new(U256::from(u64::MAX), 0, Bytes::new()), []);
    db.insert_account(CONTRACT, AccountInfo::new(U256::ZERO, 1, Bytes::copy_from_slice(code)), []);
    let mut cache = CodeCache::new(Fork::Cancun);
    peak_allocation(|| {
        let mut evm = Evm::new(&mut db, Env::default(), &mut cache);
        evm.call(SENDER, CONTRACT, U256::ZERO, Bytes::from_static(&[1, 2, 3]), gas).expect("in-memory state")
    })
}

/// The Yellow Paper's memory cost of `words` words.
fn memory_cost(words: u64) -> u64 {
    3 * words + words * words / 512
}

#[test]
fn memory_grows_to_the_gas_limits_edge_and_no_further() {
    for gas in [100_000u64, 1_000_000, 30_000_000, 300_000_000] {
        // MSTORE8 at the last byte of `words` words: two PUSH32 (3 each) and MSTORE8 (3), plus
        // the expansion.
        let fixed = 9;
        let mut words = 0;
        while fixed + memory_cost(words + 1) <= gas {
            words += 1;
        }
        let last = U256::from(words * 32 - 1);
        let (result, peak) = run(&with_args(MSTORE8, &[last, U256::from(1)]), gas);
        assert!(result.is_success(), "gas {gas}: MSTORE8 at {last} fits: {:?}", result.reason);
        assert_eq!(result.gas_used, fixed + memory_cost(words), "gas {gas}");
        let paid = words as usize * 32;
        assert!(peak <= 2 * paid + SLACK, "gas {gas}: {peak} bytes allocated for {paid} paid");

        // One byte further needs one more word than gas pays for: out of gas, nothing allocated.
        let (result, peak) = run(&with_args(MSTORE8, &[last + U256::from(1), U256::from(1)]), gas);
        assert!(result.reason.is_exceptional(), "gas {gas}: {:?}", result.reason);
        assert_eq!(result.gas_used, gas);
        assert!(peak <= SLACK, "gas {gas}: {peak} bytes allocated for a failed expansion");
    }
}

/// Every opcode that touches memory, with one offset or length at `huge` (the others small).
fn memory_cases(huge: U256) -> Vec<(String, Vec<u8>)> {
    let z = U256::ZERO;
    let one = U256::from(1);
    let mut cases: Vec<(String, u8, Vec<U256>)> = [
        ("MLOAD", MLOAD, vec![huge]),
        ("MSTORE", MSTORE, vec![huge, one]),
        ("MSTORE8", MSTORE8, vec![huge, one]),
        ("KECCAK256 offset", KECCAK256, vec![huge, one]),
        ("KECCAK256 length", KECCAK256, vec![z, huge]),
        ("CALLDATACOPY target", CALLDATACOPY, vec![huge, z, one]),
        ("CALLDATACOPY length", CALLDATACOPY, vec![z, z, huge]),
        ("CODECOPY target", CODECOPY, vec![huge, z, one]),
        ("CODECOPY length", CODECOPY, vec![z, z, huge]),
        ("EXTCODECOPY target", EXTCODECOPY, vec![OTHER, huge, z, one]),
        ("EXTCODECOPY length", EXTCODECOPY, vec![OTHER, z, z, huge]),
        ("RETURNDATACOPY length", RETURNDATACOPY, vec![z, z, huge]),
        ("MCOPY target", MCOPY, vec![huge, z, one]),
        ("MCOPY source", MCOPY, vec![z, huge, one]),
        ("MCOPY length", MCOPY, vec![z, z, huge]),
        ("RETURN offset", RETURN, vec![huge, one]),
        ("RETURN length", RETURN, vec![z, huge]),
        ("REVERT offset", REVERT, vec![huge, one]),
        ("REVERT length", REVERT, vec![z, huge]),
        ("CREATE offset", CREATE, vec![z, huge, one]),
        ("CREATE length", CREATE, vec![z, z, huge]),
        ("CREATE2 offset", CREATE2, vec![z, huge, one, z]),
        ("CREATE2 length", CREATE2, vec![z, z, huge, z]),
        ("LOG0 offset", LOG0, vec![huge, one]),
        ("LOG0 length", LOG0, vec![z, huge]),
        ("LOG4 offset", LOG4, vec![huge, one, z, z, z, z]),
        ("LOG4 length", LOG4, vec![z, huge, z, z, z, z]),
    ]
    .into_iter()
    .map(|(name, op, args)| (name.to_string(), op, args))
    .collect();
    // gas, target, [value], input offset, input length, output offset, output length
    let calls = [("CALL", CALL, true), ("CALLCODE", CALLCODE, true), ("DELEGATECALL", DELEGATECALL, false)];
    for (name, op, takes_value) in calls.into_iter().chain([("STATICCALL", STATICCALL, false)]) {
        for (position, part) in
            ["input offset", "input length", "output offset", "output length"].iter().enumerate()
        {
            let mut region = [z, one, z, one];
            region[position] = huge;
            let mut args = vec![U256::from(100_000), OTHER];
            if takes_value {
                args.push(z);
            }
            args.extend(region);
            cases.push((format!("{name} {part}"), op, args));
        }
    }
    cases.into_iter().map(|(name, op, args)| (name, with_args(op, &args))).collect()
}

/// An address without an account, as a stack word.
const OTHER: U256 = U256::from_limbs([0x0abc, 0, 0, 0]);

#[test]
fn offsets_and_lengths_beyond_any_gas_allocate_nothing() {
    let huge_values = [
        U256::from(1u64 << 32),
        U256::from(u64::MAX / 32),
        U256::from(u64::MAX),
        U256::from(1u8) << 128,
        U256::MAX,
    ];
    for huge in huge_values {
        for (name, code) in memory_cases(huge) {
            let (result, peak) = run(&code, 30_000_000);
            assert!(!result.is_success(), "{name} at {huge:#x} succeeded");
            assert!(peak <= SLACK, "{name} at {huge:#x}: {peak} bytes allocated");
            // And revm agrees on the outcome and the gas.
            execute_diff::compare_code(Fork::Cancun, &code, false, 30_000_000);
        }
    }
}

#[test]
fn zero_lengths_at_huge_offsets_expand_nothing() {
    let (z, huge) = (U256::ZERO, U256::MAX);
    let accesses = [
        with_args(KECCAK256, &[huge, z]),
        with_args(CALLDATACOPY, &[huge, huge, z]),
        with_args(CODECOPY, &[huge, huge, z]),
        with_args(EXTCODECOPY, &[OTHER, huge, huge, z]),
        with_args(RETURNDATACOPY, &[huge, z, z]),
        with_args(MCOPY, &[huge, huge, z]),
        with_args(LOG0, &[huge, z]),
        with_args(CALL, &[U256::from(1000), OTHER, z, huge, z, huge, z]),
        with_args(CREATE, &[z, huge, z]),
    ];
    for access in accesses {
        // The access (without its STOP), then MSIZE returned: memory must still be empty.
        let mut code = access[..access.len() - 1].to_vec();
        code.extend_from_slice(&[MSIZE, PUSH1, 0, MSTORE, PUSH1, 32, PUSH1, 0, RETURN]);
        let (result, peak) = run(&code, 1_000_000);
        let listing = ovm::asm::disassemble(&code);
        assert!(result.is_success(), "{listing}: {:?}", result.reason);
        assert_eq!(U256::from_be_slice(&result.output), U256::ZERO, "MSIZE after {listing}");
        assert!(peak <= SLACK, "{listing}: {peak} bytes allocated");
        execute_diff::compare_code(Fork::Cancun, &code, false, 1_000_000);
    }
    // RETURN and REVERT of nothing at a huge offset.
    for op in [RETURN, REVERT] {
        let code = with_args(op, &[huge, z]);
        let (result, peak) = run(&code, 1_000_000);
        assert!(!result.reason.is_exceptional() && result.output.is_empty(), "{:?}", result.reason);
        assert!(peak <= SLACK);
        execute_diff::compare_code(Fork::Cancun, &code, false, 1_000_000);
    }
}

// ---------------------------------------------------------------------------------------------
// Code of every opcode.

#[test]
fn code_of_every_opcode_at_the_size_limits() {
    for op in 0..=255u8 {
        for size in [24 * 1024, 48 * 1024] {
            let code = vec![op; size];
            // Decoding under every fork and dialect, disassembly round trip.
            decode_body::run(&code);
            // The native verdict equals the on-chain checker's (it skips code over 24 KiB).
            purity_body::run(&code);
            // The transpiler: no panic, pure output, refusals with a pc; runtime and creation.
            let mut input = vec![0u8];
            input.extend_from_slice(&code);
            transpile_body::run(&input);
            match transpile(&code, &Options { input: Input::Creation, ..Options::default() }) {
                Ok(out) => assert!(ovm::purity::check(&out.code).is_pure(), "{op:#04x} x {size}"),
                Err(TranspileError::Internal { pc, rule }) => {
                    panic!("{op:#04x} x {size}: internal {pc} {rule}")
                }
                Err(e) => assert!(e.pc().is_some() || matches!(e, TranspileError::TooLarge { .. }), "{e}"),
            }
            // Execution as runtime code and as initcode, beside revm.
            for fork in [Fork::Frontier, Fork::Istanbul, Fork::Cancun] {
                execute_diff::compare_code(fork, &code, false, 10_000_000);
                execute_diff::compare_code(fork, &code, true, 10_000_000);
            }
        }
    }
    // One byte over the initcode limit: rejected by both from Shanghai on, run before.
    let code = vec![JUMPDEST; 48 * 1024 + 1];
    for fork in [Fork::Paris, Fork::Shanghai, Fork::Cancun] {
        execute_diff::compare_code(fork, &code, true, 10_000_000);
    }
}

// ---------------------------------------------------------------------------------------------
// Linear time on adversarial code.

/// The least time of three runs of `f`.
fn best_of_three(mut f: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .expect("three runs")
}

/// Fails when an input 8 times larger takes more than 40 times as long: linear time multiplies it
/// by 8, quadratic by 64. The slack absorbs the noise of a shared machine and the debug build,
/// where the transpiler on STOP-only code measures about 26x (the release build about 7x).
fn assert_linear(stage: &str, name: &str, small: Duration, large: Duration) {
    eprintln!("{stage:9} {name:16} 24 KiB {small:>10.2?}  192 KiB {large:>10.2?}");
    assert!(
        large <= small * 40 + Duration::from_millis(2),
        "{stage} on {name}: 192 KiB took {large:?}, 24 KiB {small:?}: not linear"
    );
}

#[test]
fn adversarial_code_is_handled_in_linear_time() {
    let small = worst_cases::of_size(worst_cases::SIZE);
    let large = worst_cases::of_size(8 * worst_cases::SIZE);
    for ((name, a), (_, b)) in small.iter().zip(&large) {
        let decode = |code: &[u8]| {
            let bytes = Bytes::copy_from_slice(code);
            best_of_three(|| {
                std::hint::black_box(DecodedCode::new(bytes.clone(), Fork::Cancun));
            })
        };
        assert_linear("decode", name, decode(a), decode(b));
        let check = |code: &[u8]| {
            let decoded = ovm::purity::decode(code);
            best_of_three(|| {
                std::hint::black_box(ovm::purity::check_decoded(&decoded));
            })
        };
        assert_linear("check", name, check(a), check(b));
        let transpile_time = |code: &[u8]| {
            best_of_three(|| {
                let _ = std::hint::black_box(transpile(
                    code,
                    &Options { input: Input::Runtime, ..Options::default() },
                ));
            })
        };
        assert_linear("transpile", name, transpile_time(a), transpile_time(b));
    }
}
