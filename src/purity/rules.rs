//! The purity rule data: each byte's class, derived once from the opcode table, the named kall and
//! kopy sequences, and the same facts in the form the on-chain `OVM_SafetyChecker` spells them.
//!
//! Nothing here lists opcodes by hand: a byte's class comes from its [`OpInfo::ovm`] class and the
//! fork that introduced it ([`OVM_FORK`]), and CALLER's special class from the sequences it starts
//! ([`crate::opcode::sequences`]).
//!
//! [`OpInfo::ovm`]: crate::opcode::OpInfo::ovm

use core::fmt;

use crate::fork::Fork;
use crate::opcode::sequences::{KALL, KOPY};
use crate::opcode::{OPCODES, OvmClass, PUSH1, PUSH4};
use crate::primitives::U256;

/// The fork whose opcodes the v2 OVM knows: `bin/gen_safety_checker_constants.py` built the
/// contract's masks from pyevmasm's `istanbul` table, so a byte that is not an Istanbul opcode is
/// impure even where a later fork defines it (`spec/OVM.md` section 3).
pub const OVM_FORK: Fork = Fork::Istanbul;

/// One of the two byte sequences in which CALLER is allowed (`spec/OVM.md` section 2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sequence {
    /// [`KALL`]: a call into the execution manager (optimistic-solc `CompilerStack.cpp`
    /// `kallAsBytes`).
    Kall,
    /// [`KOPY`]: an identity-precompile memory copy (optimistic-solc `EVMDialect.cpp`).
    Kopy,
}

impl Sequence {
    /// Both sequences, in the order `OVM_SafetyChecker.isBytecodeSafe` tries them.
    pub const ALL: [Sequence; 2] = [Sequence::Kopy, Sequence::Kall];

    /// The exact bytes of the sequence.
    pub const fn bytes(self) -> &'static [u8] {
        match self {
            Sequence::Kall => &KALL,
            Sequence::Kopy => &KOPY,
        }
    }

    /// The sequence's name in lower case, as in the OVM sources.
    pub const fn name(self) -> &'static str {
        match self {
            Sequence::Kall => "kall",
            Sequence::Kopy => "kopy",
        }
    }
}

impl fmt::Display for Sequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The rule a reachable byte breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rule {
    /// A state or context opcode: OVM code must ask the execution manager's `method` through a kall.
    #[error("not allowed in OVM code; the execution manager's {method} replaces it")]
    ServedByManager {
        /// The ABI signature of the manager method that replaces the opcode.
        method: &'static str,
    },
    /// An opcode the OVM bans outright: no manager method replaces it.
    #[error("banned in OVM code (no execution-manager method replaces it)")]
    Banned,
    /// CALLER that does not start the exact kall or kopy byte sequence.
    #[error("CALLER is allowed only as the first byte of an exact kall or kopy sequence")]
    CallerOutsideSequence,
    /// CALLER that starts a kall or kopy the end of the code cuts short.
    #[error("CALLER starts a {sequence} sequence that the end of the code cuts short")]
    SequenceCutByEnd {
        /// The sequence whose proper prefix ends the code.
        sequence: Sequence,
    },
    /// A byte that is an opcode only in a fork after Istanbul (PUSH0, BASEFEE, MCOPY, ...).
    #[error("not an Istanbul opcode (introduced in {since}), so impure in the v2 OVM")]
    AfterIstanbul {
        /// The fork that introduced the opcode.
        since: Fork,
    },
    /// A byte that no fork defines as an opcode.
    #[error("undefined opcode")]
    Undefined,
}

impl Rule {
    /// A stable machine-readable name (`ovm check --json`).
    pub const fn code(&self) -> &'static str {
        match self {
            Rule::ServedByManager { .. } => "served-by-manager",
            Rule::Banned => "banned",
            Rule::CallerOutsideSequence => "caller-outside-sequence",
            Rule::SequenceCutByEnd { .. } => "sequence-cut-by-end",
            Rule::AfterIstanbul { .. } => "after-istanbul",
            Rule::Undefined => "undefined",
        }
    }
}

/// What the checker does with a byte it meets in reachable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteClass {
    /// Allowed; the walk goes on with the next instruction.
    Allowed,
    /// PUSH1..PUSH32: allowed; its immediate is data, never an opcode.
    Push,
    /// Allowed, and the code after it is unreachable until a JUMPDEST that is not PUSH data.
    Halting,
    /// CALLER: allowed only as the first byte of [`KALL`] or [`KOPY`].
    SequenceStart,
    /// Makes the code impure, breaking this rule.
    Impure(Rule),
}

/// The class of `byte`, derived from its opcode-table entry.
const fn class_of(byte: u8) -> ByteClass {
    if byte == KALL[0] {
        return ByteClass::SequenceStart;
    }
    let Some(op) = &OPCODES[byte as usize] else { return ByteClass::Impure(Rule::Undefined) };
    if !op.is_defined_in(OVM_FORK) {
        return ByteClass::Impure(Rule::AfterIstanbul { since: op.since });
    }
    match op.ovm {
        OvmClass::Pure if op.immediate_size > 0 => ByteClass::Push,
        OvmClass::Pure => ByteClass::Allowed,
        OvmClass::Halting => ByteClass::Halting,
        OvmClass::Manager(method) => ByteClass::Impure(Rule::ServedByManager { method }),
        OvmClass::Banned => ByteClass::Impure(Rule::Banned),
    }
}

/// Every byte's class, indexed by byte.
pub const CLASSES: [ByteClass; 256] = {
    // Both sequences start with the same byte, which is what makes that byte special.
    assert!(KALL[0] == KOPY[0]);
    let mut table = [ByteClass::Allowed; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = class_of(byte as u8);
        byte += 1;
    }
    table
};

/// The class of `byte`.
#[inline]
pub const fn class(byte: u8) -> ByteClass {
    CLASSES[byte as usize]
}

/// The rule data in the shape of `OVM_SafetyChecker.isBytecodeSafe`'s constants (contracts
/// v0.2.0, generated by `bin/gen_safety_checker_constants.py`), derived from [`CLASSES`] so that a
/// test can compare them with the contract's literals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractConstants {
    /// `opcodeSkippableBytes` as 256 bytes: how far the fast path advances over each byte (1 for
    /// an allowed opcode, 2..5 for PUSH1..PUSH4, 0 for any byte that needs a closer look).
    pub skippable_bytes: [u8; 256],
    /// The set of bytes that need a closer look (bit `b` for byte `b`): the contract declares
    /// `opcodeGateMask = ~uint256(gated)`.
    pub gated: U256,
    /// The halting bytes: `opcodeHaltingMask = ~uint256(halting)`.
    pub halting: U256,
    /// The PUSH bytes: `opcodePushMask = ~uint256(push)`.
    pub push: U256,
}

impl ContractConstants {
    /// Derives the constants from [`CLASSES`].
    pub fn derive() -> ContractConstants {
        let mut constants = ContractConstants {
            skippable_bytes: [0; 256],
            gated: U256::ZERO,
            halting: U256::ZERO,
            push: U256::ZERO,
        };
        for byte in 0..=255u8 {
            let bit = U256::from(1u8) << usize::from(byte);
            match class(byte) {
                ByteClass::Allowed => constants.skippable_bytes[usize::from(byte)] = 1,
                ByteClass::Push => {
                    constants.push |= bit;
                    constants.gated |= bit;
                    // OVM_SafetyChecker: the fast path steps over PUSH1..PUSH4 and their data; six
                    // steps of at most five bytes stay inside one 32-byte word.
                    if byte <= PUSH4 {
                        constants.skippable_bytes[usize::from(byte)] = byte - PUSH1 + 2;
                    }
                }
                ByteClass::Halting => {
                    constants.halting |= bit;
                    constants.gated |= bit;
                }
                ByteClass::SequenceStart | ByteClass::Impure(_) => constants.gated |= bit,
            }
        }
        constants
    }

    /// `opcodeSkippableBytes` as the contract's eight 256-bit words.
    pub fn skippable_words(&self) -> [U256; 8] {
        let mut words = [U256::ZERO; 8];
        for (word, chunk) in words.iter_mut().zip(self.skippable_bytes.chunks_exact(32)) {
            let mut bytes = [0u8; 32];
            bytes.copy_from_slice(chunk);
            *word = U256::from_be_bytes(bytes);
        }
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::DecodedCode;
    use crate::opcode::{self, CALLER, CHAINID, JUMP, PUSH0, PUSH32, SELFDESTRUCT, SLOAD, SSTORE, STOP};

    #[test]
    fn sequences_decode_to_whole_instructions() {
        // The checker skips a matched sequence by instructions, so each must end on an
        // instruction boundary of its own decoding.
        for sequence in Sequence::ALL {
            let bytes = sequence.bytes();
            let decoded = DecodedCode::new(bytes::Bytes::from_static(bytes), Fork::LATEST);
            let last = decoded.instructions().last().unwrap();
            assert_eq!(last.pc + 1 + last.immediate.len(), bytes.len(), "{sequence}");
            assert!(decoded.instructions().all(|i| !i.is_truncated()));
        }
    }

    #[test]
    fn classes_follow_the_spec_lists() {
        // spec/OVM.md section 3, restated here only to check the table against the spec.
        let allowed: &[(u8, u8)] = &[
            (0x01, 0x0b),
            (0x10, 0x1d),
            (0x20, 0x20),
            (0x34, 0x39),
            (0x3d, 0x3e),
            (0x50, 0x53),
            (0x57, 0x5b),
            (0x80, 0x8f),
            (0x90, 0x9f),
            (0xa0, 0xa4),
        ];
        let banned = [
            0x30, 0x31, 0x32, 0x3a, 0x3b, 0x3c, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x54,
            0x55, 0xf0, 0xf1, 0xf2, 0xf4, 0xf5, 0xfa, 0xfd, 0xff,
        ];
        let halting = [0x00, 0x56, 0xf3, 0xfe];
        for byte in 0..=255u8 {
            let expected = if allowed.iter().any(|&(lo, hi)| (lo..=hi).contains(&byte)) {
                "allowed"
            } else if (PUSH1..=PUSH32).contains(&byte) {
                "push"
            } else if halting.contains(&byte) {
                "halting"
            } else if byte == 0x33 {
                "caller"
            } else {
                "impure"
            };
            let got = match class(byte) {
                ByteClass::Allowed => "allowed",
                ByteClass::Push => "push",
                ByteClass::Halting => "halting",
                ByteClass::SequenceStart => "caller",
                ByteClass::Impure(rule) => {
                    // The banned list names Istanbul opcodes; everything else impure is not one.
                    let istanbul = opcode::info_in(byte, OVM_FORK).is_some();
                    assert_eq!(banned.contains(&byte), istanbul, "{byte:#04x} {rule:?}");
                    "impure"
                }
            };
            assert_eq!(got, expected, "{byte:#04x}");
        }
    }

    #[test]
    fn rules_name_the_reason() {
        assert_eq!(
            class(SSTORE),
            ByteClass::Impure(Rule::ServedByManager { method: "ovmSSTORE(bytes32,bytes32)" })
        );
        assert_eq!(class(SLOAD), ByteClass::Impure(Rule::ServedByManager { method: "ovmSLOAD(bytes32)" }));
        assert_eq!(class(CHAINID), ByteClass::Impure(Rule::ServedByManager { method: "ovmCHAINID()" }));
        assert_eq!(class(SELFDESTRUCT), ByteClass::Impure(Rule::Banned));
        assert_eq!(class(PUSH0), ByteClass::Impure(Rule::AfterIstanbul { since: Fork::Shanghai }));
        assert_eq!(class(0x0c), ByteClass::Impure(Rule::Undefined));
        assert_eq!(class(STOP), ByteClass::Halting);
        assert_eq!(class(JUMP), ByteClass::Halting);
        assert_eq!(class(CALLER), ByteClass::SequenceStart);
        let text = Rule::ServedByManager { method: "ovmSLOAD(bytes32)" }.to_string();
        assert!(text.contains("ovmSLOAD(bytes32)"), "{text}");
    }
}
