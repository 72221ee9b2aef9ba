//! Adversarial inputs for the purity checker: 24 KiB (the EIP-170 code size limit) of the
//! patterns that cost a byte-walking checker the most.

use ovm::opcode::{CALLER, JUMP, JUMPDEST, PUSH1, PUSH32, STOP};
use ovm::purity::KALL;

/// The EIP-170 limit on deployed code size.
pub(crate) const SIZE: usize = 24 * 1024;

/// `pattern` repeated up to `size` bytes (the last copy may be cut).
fn repeat(pattern: &[u8], size: usize) -> Vec<u8> {
    pattern.iter().copied().cycle().take(size).collect()
}

/// The worst cases by name: a JUMPDEST per byte; PUSH1 0x5b pairs (every other byte a hidden
/// JUMPDEST); back-to-back kalls; STOP only (one unreachable region); STOP JUMPDEST pairs (a
/// region per two bytes); CALLER only (a violation and a failed sequence match per byte);
/// `PUSH1 0 JUMP JUMPDEST` (a statically known jump and a block per four bytes, for the
/// transpiler's jump analysis); and PUSH32 only (a 32-byte immediate per 33 bytes).
pub(crate) fn of_size(size: usize) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("jumpdest_dense", repeat(&[JUMPDEST], size)),
        ("push_dense", repeat(&[PUSH1, JUMPDEST], size)),
        ("kall_dense", repeat(&KALL, size)),
        ("all_halting", repeat(&[STOP], size)),
        ("halt_jumpdest", repeat(&[STOP, JUMPDEST], size)),
        ("caller_dense", repeat(&[CALLER], size)),
        ("push_jump_dense", repeat(&[PUSH1, 0, JUMP, JUMPDEST], size)),
        ("push32_dense", repeat(&[PUSH32], size)),
    ]
}
