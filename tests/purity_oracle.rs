//! The purity checker against its oracle: the on-chain `OVM_SafetyChecker` (contracts 0.3.5, solc
//! 0.7.6) run on this crate's interpreter. Native verdicts must equal `isBytecodeSafe` on
//! hand-written edge cases, every artifact's runtime and creation code, and random and mutated code.

#[path = "support/artifacts.rs"]
mod artifacts;
#[path = "support/worst_cases.rs"]
mod worst_cases;

use std::fmt::Write as _;

use artifacts::{Artifact, Build};
use bytes::Bytes;
use ovm::asm::Asm;
use ovm::decode::Dialect;
use ovm::opcode::*;
use ovm::purity::{self, ByteClass, ContractConstants, KALL, KOPY, Report, Rule, Sequence};
use ovm::{AccountInfo, Address, CodeCache, DecodedCode, Env, Evm, Fork, InMemoryDb, U256};

/// `isBytecodeSafe(bytes)`.
const IS_BYTECODE_SAFE: [u8; 4] = [0xa4, 0x4e, 0xb5, 0x9a];
const CHECKER: Address = Address([0x0c; 20]);
const SENDER: Address = Address([0x5e; 20]);
/// The loop costs a few hundred gas per byte; this covers any code the tests give it.
const ORACLE_GAS: u64 = 2_000_000_000;

/// `OVM_SafetyChecker.deployedBytecode` deployed in a state of its own.
struct Oracle {
    db: InMemoryDb,
    cache: CodeCache,
}

impl Oracle {
    fn new() -> Oracle {
        let checker = artifacts::load(Build::Evm, "OVM_SafetyChecker");
        let mut db = InMemoryDb::new();
        db.insert_account(CHECKER, AccountInfo::new(U256::ZERO, 1, Bytes::from(checker.runtime)), []);
        // The contract is solc 0.7.6 output, deployed on an Istanbul-era chain.
        Oracle { db, cache: CodeCache::new(Fork::Istanbul) }
    }

    /// `isBytecodeSafe(code)`, ABI-encoded (selector, offset 0x20, length, data padded to words).
    fn is_bytecode_safe(&mut self, code: &[u8]) -> bool {
        let mut input = IS_BYTECODE_SAFE.to_vec();
        input.extend_from_slice(&U256::from(0x20).to_be_bytes::<32>());
        input.extend_from_slice(&U256::from(code.len()).to_be_bytes::<32>());
        input.extend_from_slice(code);
        input.resize(4 + 64 + code.len().div_ceil(32) * 32, 0);
        let result = Evm::new(&mut self.db, Env::default(), &mut self.cache)
            .call(SENDER, CHECKER, U256::ZERO, Bytes::from(input), ORACLE_GAS)
            .expect("in-memory state never fails");
        assert!(result.is_success(), "isBytecodeSafe failed: {:?} on {}", result.reason, hex(code));
        let word: [u8; 32] = result.output[..].try_into().expect("one bool word");
        assert!(word[..31].iter().all(|&b| b == 0) && word[31] <= 1, "not a bool: {}", hex(&word));
        word[31] == 1
    }

    /// Requires the native verdict to equal the contract's, and returns the native report.
    fn agree(&mut self, code: &[u8], what: &str) -> Report {
        let report = purity::check(code);
        let oracle = self.is_bytecode_safe(code);
        assert_eq!(
            report.is_pure(),
            oracle,
            "{what}: native says {:?}, isBytecodeSafe says {oracle}, code {}",
            report.first_violation(),
            hex(code)
        );
        check_invariants(code, &report);
        report
    }
}

/// What every report must satisfy besides its verdict: the verdict-only walk stops at the same
/// first violation; violations and sequences sit at instruction starts, in order; the regions
/// partition the code, alternating; no violation or sequence lies in unreachable code.
fn check_invariants(code: &[u8], report: &Report) {
    let decoded = purity::decode(code);
    assert_eq!(purity::first_violation(&decoded).as_ref(), report.first_violation());
    // The execution manager's decoding (OVM dialect, Istanbul) gives the same report.
    let ovm_decoded = DecodedCode::with_dialect(
        Bytes::copy_from_slice(code),
        ovm::primitives::keccak256(code),
        Fork::Istanbul,
        Dialect::Ovm,
    );
    assert_eq!(&purity::check_decoded(&ovm_decoded), report);
    assert_eq!(report.code_size, code.len());
    let starts: Vec<usize> = decoded.instructions().map(|i| i.pc).collect();
    let pcs: Vec<usize> =
        report.violations.iter().map(|v| v.pc).chain(report.sequences.iter().map(|s| s.pc)).collect();
    for pc in &pcs {
        assert!(starts.binary_search(pc).is_ok(), "{pc:#x} is not an instruction start in {}", hex(code));
        assert!(!report.unreachable.iter().any(|r| r.contains(pc)), "{pc:#x} is unreachable");
    }
    assert!(report.violations.windows(2).all(|w| w[0].pc < w[1].pc));
    assert!(report.sequences.windows(2).all(|w| w[0].pc < w[1].pc));
    let regions: Vec<_> = report.regions().collect();
    let mut at = 0;
    for (i, region) in regions.iter().enumerate() {
        assert_eq!(region.range.start, at, "regions of {}", hex(code));
        assert!(!region.range.is_empty());
        if i > 0 {
            assert_ne!(region.reachable, regions[i - 1].reachable);
        }
        at = region.range.end;
    }
    assert_eq!(at, code.len());
}

fn hex(bytes: &[u8]) -> String {
    ovm::primitives::HexSlice(bytes).to_string()
}

/// Hand-written cases: the code, and the pc of the first violation (`None` when pure).
fn edge_cases() -> Vec<(&'static str, Vec<u8>, Option<usize>)> {
    let mut kall_bent_tail = KALL.to_vec();
    kall_bent_tail[36] = STOP;
    let mut kall_bent_head = KALL.to_vec();
    kall_bent_head[31] = 0x61;
    let mut cases = vec![
        ("empty code", vec![], None),
        (
            "PUSH data hides a JUMPDEST after a halt",
            Asm::new().op(STOP).push(0x5b).op(SSTORE).into_bytes(),
            None,
        ),
        (
            "PUSH2 data hides two JUMPDESTs",
            Asm::new().op(RETURN).push_bytes(&[0x5b, 0x5b]).op(SLOAD).into_bytes(),
            None,
        ),
        (
            "PUSH data hides a JUMPDEST in reachable code",
            Asm::new().push(0x5b).op(SSTORE).into_bytes(),
            Some(2),
        ),
        (
            "PUSH data hides a banned byte",
            Asm::new().push_bytes(&[SSTORE, CALLER, 0x0c]).op(POP).into_bytes(),
            None,
        ),
        ("halting then JUMPDEST reopens", Asm::new().op(STOP).op(JUMPDEST).op(SSTORE).into_bytes(), Some(2)),
        (
            "halting then junk then JUMPDEST",
            Asm::new().op(INVALID).raw(&[0x0c, SSTORE, CALLER]).op(JUMPDEST).op(ORIGIN).into_bytes(),
            Some(5),
        ),
        ("JUMP makes code unreachable", Asm::new().push(0).op(JUMP).op(SSTORE).into_bytes(), None),
        ("JUMPI does not", Asm::new().push(0).op(DUP1).op(JUMPI).op(SSTORE).into_bytes(), Some(4)),
        ("REVERT is banned, not halting", Asm::new().push(0).op(DUP1).op(REVERT).into_bytes(), Some(3)),
        ("SELFDESTRUCT is banned", vec![SELFDESTRUCT], Some(0)),
        ("truncated PUSH32 at the end", vec![PUSH32, SSTORE, CALLER], None),
        ("truncated PUSH1 at the end", vec![ADD, PUSH1], None),
        ("truncated PUSH in unreachable code", vec![STOP, PUSH3, JUMPDEST], None),
        ("halting opcode last", Asm::new().push(0).op(JUMP).into_bytes(), None),
        ("unreachable to the end", Asm::new().op(STOP).raw(&[SSTORE; 40]).into_bytes(), None),
        ("PUSH0 is not an Istanbul opcode", vec![PUSH0], Some(0)),
        ("BASEFEE is not an Istanbul opcode", vec![BASEFEE], Some(0)),
        ("MCOPY, TLOAD, TSTORE", vec![MCOPY, TLOAD, TSTORE], Some(0)),
        ("CHAINID and SELFBALANCE are Istanbul, banned", vec![ADD, CHAINID, SELFBALANCE], Some(1)),
        ("kall", KALL.to_vec(), None),
        ("kall twice, then code", [&KALL[..], &KALL[..], &[ADD, STOP]].concat(), None),
        ("kall after a JUMPDEST", [&[JUMPDEST][..], &KALL[..]].concat(), None),
        ("kall hidden by a PUSH1 before it", [&[PUSH1][..], &KALL[..]].concat(), Some(6)),
        ("kall without its CALLER", KALL[1..].to_vec(), Some(4)),
        ("kall cut by one byte", KALL[..36].to_vec(), Some(0)),
        ("kall cut by one byte then STOP", [&KALL[..36], &[STOP][..]].concat(), Some(0)),
        ("kall with its last byte bent", kall_bent_tail, Some(0)),
        ("kall with byte 31 bent", kall_bent_head, Some(0)),
        ("kall cut after 32 bytes", KALL[..32].to_vec(), Some(0)),
        ("kall in unreachable code", [&[STOP][..], &KALL[..]].concat(), None),
        ("kall after a halt, reopened inside it", [&[STOP][..], &KALL[..20]].concat(), None),
        ("kopy", KOPY.to_vec(), None),
        ("kopy then POP", [&KOPY[..], &[POP][..]].concat(), None),
        ("kopy cut by one byte", KOPY[..7].to_vec(), Some(0)),
        ("kopy then kall", [&KOPY[..], &KALL[..]].concat(), None),
        ("kopy with CALL replaced", [&KOPY[..7], &[STATICCALL][..]].concat(), Some(0)),
        ("kopy shifted by a JUMPDEST inside", [&KOPY[..2], &[JUMPDEST][..], &KOPY[2..]].concat(), Some(0)),
        ("lone CALLER", vec![CALLER], Some(0)),
        ("CALLER POP", vec![CALLER, POP], Some(0)),
        ("CALLER at a 32-byte boundary", [vec![ADD; 31], vec![CALLER]].concat(), Some(31)),
        (
            "CALLER before a 32-byte boundary with a cut kall",
            [vec![ADD; 20], KALL[..12].to_vec()].concat(),
            Some(20),
        ),
        ("the old 36-byte pattern of CTR@7bb09e39", old_kall(), Some(0)),
        ("the 6-byte pattern of OPT@f5cad3c", vec![CALLER, PUSH1, 0, SWAP1, GAS, CALL], Some(0)),
        ("32 bytes of ADD", vec![ADD; 32], None),
        ("64 JUMPDESTs", vec![JUMPDEST; 64], None),
    ];
    // A PUSH4 cut at every offset around a word boundary: the contract's fast path steps past
    // the end of the code into its own memory.
    for len in 26..40 {
        for keep in 0..4 {
            let mut code = vec![ADD; len];
            code.push(PUSH4);
            code.extend(std::iter::repeat_n(0x5b, keep));
            cases.push(("a PUSH4 cut near a word boundary", code, None));
        }
        cases.push(("STOP near a word boundary", [vec![ADD; len], vec![STOP, PUSH2]].concat(), None));
    }
    cases
}

/// The kall of `CTR@7bb09e39` (ovm-history.md section 2.2), a negative test vector.
fn old_kall() -> Vec<u8> {
    ovm::primitives::decode_hex("336000905af158601d01573d60011458600c01573d6000803e3d6000FD5b60016000f35b")
        .expect("hex")
}

#[test]
fn edge_cases_match_the_contract() {
    let mut oracle = Oracle::new();
    for (name, code, first) in edge_cases() {
        let report = oracle.agree(&code, name);
        assert_eq!(report.first_violation().map(|v| v.pc), first, "{name}: {:?}", report.violations);
    }
}

#[test]
fn every_single_byte_and_pair_matches_the_contract() {
    let mut oracle = Oracle::new();
    for byte in 0..=255u8 {
        oracle.agree(&[byte], "one byte");
        for second in [STOP, JUMPDEST, CALLER, SSTORE, ADD, PUSH1, 0x0c] {
            oracle.agree(&[byte, second], "two bytes");
            oracle.agree(&[byte, STOP, second], "three bytes");
            oracle.agree(&[byte, JUMPDEST, second], "three bytes");
        }
        // In unreachable code every byte but JUMPDEST is ignored.
        assert!(oracle.agree(&[STOP, byte], "after STOP").is_pure());
    }
}

/// Reads each byte's class off the contract by probing it, in the shape of its constants.
fn constants_from_contract(oracle: &mut Oracle) -> ContractConstants {
    let mut probed = ContractConstants {
        skippable_bytes: [0; 256],
        gated: U256::ZERO,
        halting: U256::ZERO,
        push: U256::ZERO,
    };
    for byte in 0..=255u8 {
        let bit = U256::from(1) << usize::from(byte);
        if !oracle.is_bytecode_safe(&[byte]) {
            // Impure alone: CALLER (which a kopy tail makes pure) or a violation.
            probed.gated |= bit;
            continue;
        }
        if !oracle.is_bytecode_safe(&[byte, CALLER]) {
            // The next byte is reachable code: an allowed one-byte opcode.
            probed.skippable_bytes[usize::from(byte)] = 1;
            continue;
        }
        probed.gated |= bit;
        // A PUSHn hides exactly n following bytes: the CALLER after n zero bytes is reachable.
        // After a halting opcode it never is.
        match (1..=33).find(|&n| !oracle.is_bytecode_safe(&[&[byte][..], &vec![0; n], &[CALLER]].concat())) {
            Some(n) => {
                probed.push |= bit;
                if n <= 4 {
                    probed.skippable_bytes[usize::from(byte)] = n as u8 + 1;
                }
            }
            None => probed.halting |= bit,
        }
    }
    probed
}

fn word(hex: &str) -> U256 {
    U256::from_str_radix(hex, 16).expect("hex word")
}

#[test]
fn derived_masks_equal_the_contracts_constants() {
    let derived = ContractConstants::derive();

    // The literals of CTR@v0.2.0:contracts/optimistic-ethereum/OVM/execution/OVM_SafetyChecker.sol
    // (identical in OPT@ac03c25^), generated by bin/gen_safety_checker_constants.py.
    let skippable = [
        "0001010101010101010101010000000001010101010101010101010101010000",
        "0100000000000000000000000000000000000000010101010101000000010100",
        "0000000000000000000000000000000001010101000000010101010100000000",
        "0203040500000000000000000000000000000000000000000000000000000000",
        "0101010101010101010101010101010101010101010101010101010101010101",
        "0101010101000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000000",
    ];
    assert_eq!(derived.skippable_words(), skippable.map(word), "opcodeSkippableBytes");
    // opcodeGateMask = ~uint256(0xffff...f001): the bits of the literal are the gated bytes.
    assert_eq!(
        derived.gated,
        word("ffffffffffffffffffffffe000000000fffffffff070ffff9c0ffffec000f001"),
        "opcodeGateMask"
    );
    assert_eq!(
        derived.halting,
        word("4008000000000000000000000000000000000000004000000000000000000001"),
        "opcodeHaltingMask"
    );
    assert_eq!(derived.push, word("ffffffff000000000000000000000000"), "opcodePushMask");

    // The same facts read off the deployed contract's behaviour, byte by byte.
    let mut oracle = Oracle::new();
    assert_eq!(constants_from_contract(&mut oracle), derived);
    // CALLER is the one byte that is impure alone and pure as the start of a kopy.
    for byte in 0..=255u8 {
        let saved =
            !oracle.is_bytecode_safe(&[byte]) && oracle.is_bytecode_safe(&[&[byte][..], &KOPY[1..]].concat());
        assert_eq!(saved, purity::class(byte) == ByteClass::SequenceStart, "{byte:#04x}");
    }
}

#[test]
fn the_contract_embeds_the_named_sequences() {
    // The optimiser folded the masks into other expressions, but the sequences stay literal:
    // PUSH8 kopy, then PUSH32 of the kall's first 32 bytes and PUSH5 of its last 5.
    let checker = artifacts::load(Build::Evm, "OVM_SafetyChecker");
    let decoded = purity::decode(&checker.runtime);
    let immediates: Vec<&[u8]> = decoded.instructions().map(|i| i.immediate).collect();
    assert!(immediates.contains(&&KOPY[..]));
    assert!(immediates.contains(&&KALL[..32]));
    assert!(immediates.contains(&&KALL[32..]));
}

/// `NAME creation|runtime PC OPCODE RULE (N violations)`, or `NAME KIND pure`, one line per evm/ code.
const EVM_FIRST_VIOLATIONS: &str = include_str!("data/purity/evm_first_violations.txt");

fn describe(artifact: &Artifact, kind: &str, report: &Report) -> String {
    match report.first_violation() {
        None => format!("{} {kind} pure", artifact.name),
        Some(v) => format!(
            "{} {kind} {:#x} {} {} ({} violations)",
            artifact.name,
            v.pc,
            v.opcode_name().unwrap_or("UNDEFINED"),
            v.rule.code(),
            report.violations.len()
        ),
    }
}

#[test]
fn every_artifact_matches_the_contract() {
    let mut oracle = Oracle::new();
    let ovm = artifacts::all(Build::Ovm);
    assert_eq!(ovm.len(), 57);
    for artifact in &ovm {
        for (kind, code) in [("creation", &artifact.creation), ("runtime", &artifact.runtime)] {
            let report = oracle.agree(code, &format!("ovm/{} {kind}", artifact.name));
            assert!(report.is_pure(), "ovm/{} {kind}: {:?}", artifact.name, report.violations);
        }
    }

    let evm = artifacts::all(Build::Evm);
    assert_eq!(evm.len(), 62);
    let mut listing = String::new();
    for artifact in &evm {
        for (kind, code) in [("creation", &artifact.creation), ("runtime", &artifact.runtime)] {
            let what = format!("evm/{} {kind}", artifact.name);
            let report = oracle.agree(code, &what);
            if let Some(first) = report.first_violation() {
                // The contract itself names the same pc: safe up to it, unsafe through it.
                assert!(oracle.is_bytecode_safe(&code[..first.pc]), "{what}: unsafe before {:#x}", first.pc);
                assert!(!oracle.is_bytecode_safe(&code[..=first.pc]), "{what}: safe through {:#x}", first.pc);
            }
            writeln!(listing, "{}", describe(artifact, kind, &report)).expect("write to a String");
        }
    }
    let expected: String =
        EVM_FIRST_VIOLATIONS.lines().filter(|l| !l.starts_with('#')).map(|l| format!("{l}\n")).collect();
    if listing != expected {
        let path = std::env::temp_dir().join("evm_first_violations.txt");
        std::fs::write(&path, &listing).expect("write the listing");
        panic!(
            "first violations differ from tests/data/purity/evm_first_violations.txt; got {}",
            path.display()
        );
    }
}

/// xorshift64*: a seeded generator, so every run tests the same cases.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

/// Code built from pieces that matter to the rules: allowed and halting opcodes, JUMPDESTs,
/// PUSHes (often of 0x5b or CALLER), kalls and kopies (some cut or bent), and a few violations.
fn random_code(rng: &mut XorShift) -> Vec<u8> {
    let mut code = Vec::new();
    let pieces = rng.below(24);
    for _ in 0..pieces {
        match rng.below(16) {
            0..=3 => code.push([ADD, MSTORE, DUP1, SWAP2, PC, GAS, JUMPI, LOG1, CALLDATACOPY][rng.below(9)]),
            4 => code.push([STOP, JUMP, RETURN, INVALID][rng.below(4)]),
            5 | 6 => code.push(JUMPDEST),
            7 | 8 => {
                let size = 1 + rng.below(32);
                code.push(PUSH1 + size as u8 - 1);
                for _ in 0..size {
                    code.push([JUMPDEST, CALLER, rng.byte()][rng.below(3)]);
                }
            }
            9 => code.extend_from_slice(&KALL),
            10 => code.extend_from_slice(&KOPY),
            11 => {
                // A sequence with one byte changed, dropped or cut.
                let mut bent = if rng.below(2) == 0 { KALL.to_vec() } else { KOPY.to_vec() };
                let at = rng.below(bent.len());
                match rng.below(3) {
                    0 => bent[at] = rng.byte(),
                    1 => {
                        bent.remove(at);
                    }
                    _ => bent.truncate(at),
                }
                code.extend_from_slice(&bent);
            }
            12 => code.push(CALLER),
            13 => code.push([SSTORE, SLOAD, CALL, REVERT, PUSH0, 0x0c, 0xef, SELFDESTRUCT][rng.below(8)]),
            _ => code.push(rng.byte()),
        }
    }
    if rng.below(4) == 0 {
        // Cut anywhere: PUSHes and sequences end up truncated by the end of the code.
        let keep = rng.below(code.len() + 1);
        code.truncate(keep);
    }
    code
}

/// `code` with a few random edits: a byte replaced, inserted or removed, or a piece spliced in.
fn mutate(rng: &mut XorShift, code: &[u8]) -> Vec<u8> {
    let mut code = code.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(code.len() + 1);
        match rng.below(5) {
            0 if at < code.len() => code[at] = rng.byte(),
            1 => code.insert(at, [JUMPDEST, CALLER, STOP, PUSH2, SSTORE][rng.below(5)]),
            2 if at < code.len() => {
                code.remove(at);
            }
            3 => {
                let piece = random_code(rng);
                code.splice(at..at, piece);
            }
            _ => code.truncate(at),
        }
    }
    code
}

#[test]
fn random_code_matches_the_contract() {
    let mut oracle = Oracle::new();
    let mut rng = XorShift(0x0123_4567_89ab_cdef);
    let (mut pure, mut impure) = (0, 0);
    for case in 0..20_000 {
        let code = if case % 3 == 0 {
            (0..rng.below(80)).map(|_| rng.byte()).collect()
        } else {
            random_code(&mut rng)
        };
        let report = oracle.agree(&code, &format!("random case {case}"));
        if report.is_pure() { pure += 1 } else { impure += 1 }
    }
    // The generator must exercise both verdicts, not just one.
    assert!(pure > 3000 && impure > 3000, "{pure} pure, {impure} impure");
}

#[test]
fn mutated_artifacts_match_the_contract() {
    let mut oracle = Oracle::new();
    let mut rng = XorShift(0xfeed_f00d_dead_beef);
    let corpus: Vec<Vec<u8>> = artifacts::all(Build::Ovm).into_iter().map(|a| a.runtime).collect();
    let (mut pure, mut impure) = (0, 0);
    for case in 0..2000 {
        let original = &corpus[rng.below(corpus.len())];
        // Half the cases mutate the whole contract, half a window of it that may start inside
        // PUSH data, so that its instructions shift.
        let code = if case % 2 == 0 {
            mutate(&mut rng, original)
        } else {
            let start = rng.below(original.len());
            mutate(&mut rng, &original[start..(start + 600).min(original.len())])
        };
        let report = oracle.agree(&code, &format!("mutated case {case}"));
        if report.is_pure() { pure += 1 } else { impure += 1 }
    }
    assert!(pure > 300 && impure > 300, "{pure} pure, {impure} impure");
}

#[test]
fn rules_of_known_violations() {
    // The first violation of evm/OVM_ETH's runtime code is a state opcode with its manager method.
    let report = purity::check(&artifacts::load(Build::Evm, "OVM_ETH").runtime);
    let first = report.first_violation().expect("impure");
    assert!(matches!(first.rule, Rule::ServedByManager { .. } | Rule::CallerOutsideSequence), "{first}");
    // Every kall and kopy in ovm/OVM_ETH is listed.
    let report = purity::check(&artifacts::load(Build::Ovm, "OVM_ETH").runtime);
    assert!(report.sequences.iter().any(|s| s.sequence == Sequence::Kall));
}

#[test]
fn worst_cases_match_the_contract() {
    let mut oracle = Oracle::new();
    for (name, code) in worst_cases::of_size(worst_cases::SIZE) {
        oracle.agree(&code, name);
    }
}
