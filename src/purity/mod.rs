//! The OVM purity checker: decides from the decoded instruction stream whether code reaches state
//! only through the execution manager, with the exact verdict of the v2 `OVM_SafetyChecker`
//! (`spec/OVM.md` section 3) and every violation with its pc, opcode and rule.
//!
//! The walk ([`walk`]) goes over the instructions of one [`DecodedCode`] in order, so PUSH data is
//! never read as an opcode, in reachable and unreachable code alike:
//! - in reachable code, allowed opcodes and PUSHes pass; a halting opcode (STOP, JUMP, RETURN,
//!   INVALID) makes the code after it unreachable; CALLER must start the exact [`KALL`] or
//!   [`KOPY`] bytes, which are then skipped unread; every other byte is a [`Violation`];
//! - in unreachable code only a JUMPDEST matters: it makes the code reachable again.
//!
//! Reaching the end of the code in either state ends the walk (a truncated PUSH is fine). Where the
//! contract returns `false` at the first violation, the walk reports it and goes on as if the byte
//! were a one-byte allowed opcode, so a report lists every violation and its first one is where the
//! contract stopped.
//!
//! Why the verdict equals the contract's on every input (`OVM_SafetyChecker.isBytecodeSafe`,
//! contracts v0.2.0): every position the contract inspects inside the code is an instruction start
//! of the linear decoding, since it advances by 1, by PUSH sizes and by the 8 or 37 bytes of a
//! sequence, which decode to whole instructions. Past the end of the code the contract reads its
//! own memory: zero padding and its `opcodeSkippableBytes` table, bytes 0 to 5, none of which is
//! CALLER, JUMPDEST or a violation, so nothing past the end changes the verdict, and a sequence cut
//! by the end never matches (both end in bytes above 5). The tests run the contract itself on this
//! crate's interpreter as the oracle.

mod rules;

use alloc::vec::Vec;
use core::ops::{ControlFlow, Range};

use bytes::Bytes;

pub use crate::opcode::sequences::{KALL, KOPY};
pub use rules::{ByteClass, CLASSES, ContractConstants, OVM_FORK, Rule, Sequence, class};

use crate::decode::{BEGIN_BLOCK, DecodedCode};
use crate::fork::Fork;
use crate::opcode::JUMPDEST;

/// One reachable byte that makes the code impure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("pc {pc:#x}: {name}: {rule}", name = OpcodeName(*opcode))]
pub struct Violation {
    /// Offset of the byte in the code.
    pub pc: usize,
    /// The byte.
    pub opcode: u8,
    /// The rule it breaks.
    pub rule: Rule,
}

impl Violation {
    /// The opcode's mnemonic, or `None` for a byte no fork defines.
    pub fn opcode_name(&self) -> Option<&'static str> {
        crate::opcode::name(self.opcode)
    }
}

/// Displays an opcode byte as its mnemonic, or `UNDEFINED 0x..` as the disassembler does.
struct OpcodeName(u8);

impl core::fmt::Display for OpcodeName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match crate::opcode::name(self.0) {
            Some(name) => f.write_str(name),
            None => write!(f, "UNDEFINED {:#04x}", self.0),
        }
    }
}

/// A kall or kopy the walk found in reachable code and skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SequenceSite {
    /// Offset of its CALLER.
    pub pc: usize,
    /// Which sequence.
    pub sequence: Sequence,
}

/// A stretch of code the walk saw in one state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// The byte offsets it covers.
    pub range: Range<usize>,
    /// `false` when the code follows a halting opcode and no JUMPDEST has reopened it.
    pub reachable: bool,
}

/// The full outcome of a check: verdict, violations, and what the walk saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Length of the code.
    pub code_size: usize,
    /// Every violation in reachable code, by increasing pc.
    pub violations: Vec<Violation>,
    /// The non-empty unreachable regions, from the byte after a halting opcode to the reopening
    /// JUMPDEST (or the end of the code), by increasing offset.
    pub unreachable: Vec<Range<usize>>,
    /// The kall and kopy sequences skipped in reachable code, by increasing pc.
    pub sequences: Vec<SequenceSite>,
}

impl Report {
    /// The verdict: `true` when no reachable byte breaks a rule, as `isBytecodeSafe` answers.
    pub fn is_pure(&self) -> bool {
        self.violations.is_empty()
    }

    /// The violation at which `OVM_SafetyChecker.isBytecodeSafe` returns `false`.
    pub fn first_violation(&self) -> Option<&Violation> {
        self.violations.first()
    }

    /// The code cut into alternating reachable and unreachable regions, in order, covering every
    /// byte once.
    pub fn regions(&self) -> impl Iterator<Item = Region> + '_ {
        let mut at = 0;
        let mut gaps = self.unreachable.iter().peekable();
        core::iter::from_fn(move || {
            if at >= self.code_size {
                return None;
            }
            match gaps.peek() {
                Some(gap) if gap.start == at => {
                    at = gap.end;
                    gaps.next().map(|gap| Region { range: gap.clone(), reachable: false })
                }
                Some(gap) => {
                    let range = at..gap.start;
                    at = gap.start;
                    Some(Region { range, reachable: true })
                }
                None => {
                    let range = at..self.code_size;
                    at = self.code_size;
                    Some(Region { range, reachable: true })
                }
            }
        })
    }

    /// Number of unreachable bytes.
    pub fn unreachable_bytes(&self) -> usize {
        self.unreachable.iter().map(|r| r.len()).sum()
    }
}

/// What the walk reports to.
pub trait Visitor {
    /// A violation; `ControlFlow::Break` ends the walk.
    fn violation(&mut self, violation: Violation) -> ControlFlow<()>;
    /// A non-empty unreachable region.
    fn unreachable(&mut self, _range: Range<usize>) {}
    /// A kall or kopy, skipped.
    fn sequence(&mut self, _site: SequenceSite) {}
}

impl Visitor for Report {
    fn violation(&mut self, violation: Violation) -> ControlFlow<()> {
        self.violations.push(violation);
        ControlFlow::Continue(())
    }

    fn unreachable(&mut self, range: Range<usize>) {
        self.unreachable.push(range);
    }

    fn sequence(&mut self, site: SequenceSite) {
        self.sequences.push(site);
    }
}

/// Stops at the first violation and remembers it.
struct FirstViolation(Option<Violation>);

impl Visitor for FirstViolation {
    fn violation(&mut self, violation: Violation) -> ControlFlow<()> {
        self.0 = Some(violation);
        ControlFlow::Break(())
    }
}

/// Checks `code`, decoding it first. When the code is already decoded (the [`crate::CodeCache`]
/// holds every code that runs), [`check_decoded`] skips that step.
pub fn check(code: &[u8]) -> Report {
    check_decoded(&decode(code))
}

/// Checks decoded code (decoded for any fork and dialect: the rules read the code's bytes, not the
/// decoder's view of them).
pub fn check_decoded(code: &DecodedCode) -> Report {
    let mut report = Report { code_size: code.code().len(), ..Report::default() };
    walk(code, &mut report);
    report
}

/// The verdict alone, stopping at the first violation and allocating nothing: the first violation,
/// or `None` when the code is pure.
pub fn first_violation(code: &DecodedCode) -> Option<Violation> {
    let mut first = FirstViolation(None);
    walk(code, &mut first);
    first.0
}

/// `true` when decoded code is pure (`OVM_SafetyChecker.isBytecodeSafe`).
pub fn is_pure(code: &DecodedCode) -> bool {
    first_violation(code).is_none()
}

/// Decodes raw code for the checker (the fork does not matter to the rules).
pub fn decode(code: &[u8]) -> DecodedCode {
    DecodedCode::new(Bytes::copy_from_slice(code), Fork::LATEST)
}

/// The sequence CALLER at `pc` starts, or the rule it breaks.
fn sequence_at(code: &[u8], pc: usize) -> Result<Sequence, Rule> {
    let rest = code.get(pc..).unwrap_or_default();
    // OVM_SafetyChecker.isBytecodeSafe compares exact bytes: 8 for kopy, then 32 + 5 for kall.
    for sequence in Sequence::ALL {
        if rest.starts_with(sequence.bytes()) {
            return Ok(sequence);
        }
    }
    // Past the end the contract reads bytes 0 to 5 of its own memory, which no sequence continues
    // with, so a cut sequence fails; name it when at least its second byte is present.
    for sequence in Sequence::ALL {
        if rest.len() >= 2 && sequence.bytes().starts_with(rest) {
            return Err(Rule::SequenceCutByEnd { sequence });
        }
    }
    Err(Rule::CallerOutsideSequence)
}

/// Opcodes (as decoded, [`crate::decode::Instr::op`]) the walk passes in reachable code without a
/// closer look: allowed opcodes, PUSHes, and the decoder's internal [`BEGIN_BLOCK`] marker, which
/// is not code. Any other opcode, including the decoder's other internal opcodes (the stand-in for
/// bytes its fork does not define, the OVM dialect's native kall CALL), is classified by its raw
/// byte, so the verdict does not depend on the fork or dialect of the decoding.
const PASS: [bool; 256] = {
    let mut pass = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        pass[byte] = matches!(CLASSES[byte], ByteClass::Allowed | ByteClass::Push);
        byte += 1;
    }
    assert!(matches!(CLASSES[BEGIN_BLOCK as usize], ByteClass::Impure(Rule::Undefined)));
    pass[BEGIN_BLOCK as usize] = true;
    pass
};

/// Walks the decoded stream of `code` once, reporting to `visitor`. Linear in the code size: each
/// instruction is visited once, and a CALLER costs one comparison of at most 37 bytes.
pub fn walk(code: &DecodedCode, visitor: &mut impl Visitor) {
    // The code only: data after it (DecodedCode::with_data) is not code.
    let bytes: &[u8] = code.code();
    // DecodedCode::instrs ends with the STOP that running off the end executes; it is not code.
    let Some((_, instrs)) = code.instrs().split_last() else { return };
    let mut index = 0;
    loop {
        // Reachable code.
        let unreachable_from = loop {
            let Some(instr) = instrs.get(index) else { return };
            index += 1;
            if PASS[usize::from(instr.op)] {
                continue;
            }
            let pc = code.pc(index - 1);
            match class(instr.raw) {
                ByteClass::Allowed | ByteClass::Push => {}
                ByteClass::Halting => break pc + 1,
                ByteClass::SequenceStart => match sequence_at(bytes, pc) {
                    Ok(sequence) => {
                        visitor.sequence(SequenceSite { pc, sequence });
                        // The sequence ends on an instruction boundary (tested in `rules`).
                        let end = pc + sequence.bytes().len();
                        while index < instrs.len() && code.pc(index) < end {
                            index += 1;
                        }
                    }
                    Err(rule) => {
                        if visitor.violation(Violation { pc, opcode: instr.raw, rule }).is_break() {
                            return;
                        }
                    }
                },
                ByteClass::Impure(rule) => {
                    if visitor.violation(Violation { pc, opcode: instr.raw, rule }).is_break() {
                        return;
                    }
                }
            }
        };
        // Unreachable code. OVM_SafetyChecker: after a halting opcode only a JUMPDEST that is not
        // PUSH data makes the code checkable again; the JUMPDEST itself is skipped. (A JUMPDEST
        // decodes as itself in every fork, and the decoder's markers are never JUMPDESTs.)
        let Some(offset) = instrs[index..].iter().position(|instr| instr.op == JUMPDEST) else {
            if unreachable_from < bytes.len() {
                visitor.unreachable(unreachable_from..bytes.len());
            }
            return;
        };
        index += offset + 1;
        let jumpdest = code.pc(index - 1);
        if unreachable_from < jumpdest {
            visitor.unreachable(unreachable_from..jumpdest);
        }
    }
}

#[cfg(test)]
mod tests;
