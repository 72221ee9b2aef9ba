//! The `decode` body: any bytes decode under every fork and dialect without panicking, into the
//! instructions a plain scan of the bytes finds, with the same jump destinations and PUSH values,
//! and the disassembly assembles back to the same bytes.

use bytes::Bytes;
use ovm::asm::{assemble, disassemble};
use ovm::decode::{BEGIN_BLOCK, Dialect, KALL};
use ovm::opcode::{self, CALL, JUMPDEST, PUSH1, PUSH32, STOP};
use ovm::primitives::keccak256;
use ovm::{DecodedCode, Fork, U256};

/// Runs the body on one input.
pub(crate) fn run(data: &[u8]) {
    // The reference: instruction starts and JUMPDESTs found by walking the bytes directly.
    let mut starts = Vec::new();
    let mut jumpdests = vec![false; data.len()];
    let mut pc = 0;
    while pc < data.len() {
        starts.push(pc);
        jumpdests[pc] = data[pc] == JUMPDEST;
        pc += 1 + opcode::immediate_size(data[pc]);
    }

    let bytes = Bytes::copy_from_slice(data);
    let hash = keccak256(data);
    for fork in Fork::ALL {
        for dialect in [Dialect::Evm, Dialect::Ovm] {
            let decoded = DecodedCode::with_dialect(bytes.clone(), hash, fork, dialect);
            check(&decoded, data, &starts, &jumpdests, dialect);
        }
    }

    let listing = disassemble(data);
    assert_eq!(assemble(&listing).as_deref(), Ok(data), "disassembly does not round-trip:\n{listing}");
}

fn check(decoded: &DecodedCode, data: &[u8], starts: &[usize], jumpdests: &[bool], dialect: Dialect) {
    let fork = decoded.fork();
    let instructions: Vec<_> = decoded.instructions().collect();
    let pcs: Vec<usize> = instructions.iter().map(|i| i.pc).collect();
    assert_eq!(pcs, starts, "{fork} {dialect:?}: instruction starts");
    for instruction in &instructions {
        let end = (instruction.pc + 1 + opcode::immediate_size(data[instruction.pc])).min(data.len());
        assert_eq!(instruction.opcode, data[instruction.pc]);
        assert_eq!(instruction.immediate, &data[instruction.pc + 1..end]);
    }

    // The jump table does not depend on the fork; checking it pc by pc under two forks keeps the
    // fuzzer fast.
    if fork != Fork::Frontier && fork != Fork::LATEST {
        return check_instrs(decoded, data, dialect);
    }
    for pc in 0..data.len() + 33 {
        let expected = jumpdests.get(pc).copied().unwrap_or(false);
        assert_eq!(decoded.is_jumpdest(pc), expected, "{fork} {dialect:?}: is_jumpdest({pc})");
        match decoded.jump_target(U256::from(pc)) {
            Some(index) => {
                assert!(expected, "{fork} {dialect:?}: jump_target({pc}) is not a JUMPDEST");
                assert_eq!(decoded.instrs()[index].op, JUMPDEST);
                assert_eq!(decoded.pc(index), pc);
            }
            None => assert!(!expected, "{fork} {dialect:?}: jump_target({pc}) misses a JUMPDEST"),
        }
    }
    assert_eq!(decoded.jump_target(U256::MAX), None);
    assert_eq!(decoded.jump_target(U256::from(u64::MAX) + U256::from(1)), None);

    check_instrs(decoded, data, dialect);
}

/// Every executable instruction: a defined opcode of the fork (or INVALID for the rest), the
/// block it names exists, and a PUSH carries its immediate, zero-padded on the right.
fn check_instrs(decoded: &DecodedCode, data: &[u8], dialect: Dialect) {
    let fork = decoded.fork();
    let instrs = decoded.instrs();
    assert_eq!(instrs.last().map(|i| i.op), Some(STOP), "{fork} {dialect:?}: no final STOP");
    for (index, instr) in instrs.iter().enumerate() {
        let pc = decoded.pc(index);
        if instr.op == BEGIN_BLOCK || instr.op == JUMPDEST {
            if let ovm::decode::BlockEntry::Table(block) = decoded.block_entry(instr) {
                assert!((block as usize) < decoded.block_count());
            }
            // A block skips only JUMPDESTs merged into it.
            let skip = decoded.block_info(instr).skip as usize;
            assert!(
                instrs[index + 1..=index + skip].iter().all(|i| i.op == JUMPDEST),
                "{fork} {dialect:?}: skip at {pc}"
            );
            continue;
        }
        if instr.op == ovm::opcode::JUMP && instr.arg != 0 {
            // A linked JUMP follows the PUSH of its destination.
            let push = &instrs[index - 1];
            assert_eq!(decoded.jump_target(decoded.push_value(push)), Some(instr.arg as usize - 1));
        }
        if pc >= data.len() {
            continue;
        }
        assert_eq!(instr.raw, data[pc]);
        if instr.op == KALL {
            assert!(dialect == Dialect::Ovm && instr.raw == CALL, "{fork} {dialect:?}: KALL at {pc}");
            continue;
        }
        match opcode::info_in(instr.raw, fork) {
            Some(_) => assert_eq!(instr.op, instr.raw, "{fork} {dialect:?}: op at {pc}"),
            None => assert_eq!(instr.op, ovm::decode::UNDEFINED, "{fork} {dialect:?}: undefined at {pc}"),
        }
        if (PUSH1..=PUSH32).contains(&instr.op) {
            let size = opcode::immediate_size(instr.op);
            let mut word = [0u8; 32];
            let present = &data[pc + 1..(pc + 1 + size).min(data.len())];
            word[32 - size..32 - size + present.len()].copy_from_slice(present);
            assert_eq!(
                decoded.push_value(instr),
                U256::from_be_bytes(word),
                "{fork} {dialect:?}: PUSH at {pc}"
            );
        }
    }
}
