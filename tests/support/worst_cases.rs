//! Adversarial inputs for the purity checker: 24 KiB (the EIP-170 code size limit) of the
//! patterns that cost a byte-walking checker the most.

use ovm::opcode::{CALLER, JUMPDEST, PUSH1, STOP};
use ovm::purity::KALL;

/// The EIP-170 limit on deployed code size.
pub(crate) const SIZE: usize = 24 * 1024;

/// `pattern` repeated up to [`SIZE`] bytes (the last copy may be cut).
fn repeat(pattern: &[u8]) -> Vec<u8> {
    pattern.iter().copied().cycle().take(SIZE).collect()
}

/// The worst cases by name: a JUMPDEST per byte; PUSH1 0x5b pairs (every other byte a hidden
/// JUMPDEST); back-to-back kalls; STOP only (one unreachable region); STOP JUMPDEST pairs (a
/// region per two bytes); and CALLER only (a violation and a failed sequence match per byte).
pub(crate) fn all() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("jumpdest_dense", repeat(&[JUMPDEST])),
        ("push_dense", repeat(&[PUSH1, JUMPDEST])),
        ("kall_dense", repeat(&KALL)),
        ("all_halting", repeat(&[STOP])),
        ("halt_jumpdest", repeat(&[STOP, JUMPDEST])),
        ("caller_dense", repeat(&[CALLER])),
    ]
}
