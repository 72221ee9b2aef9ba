//! Stack manipulation: POP, PUSH0..PUSH32 (immediates pre-decoded), DUP1..DUP16, SWAP1..SWAP16.

use super::{Frame, Handled};
use crate::primitives::U256;

#[inline(always)]
pub(crate) fn pop(f: &mut Frame) -> Handled {
    pop!(f; _discarded);
    Ok(())
}

/// Pushes a word computed by the dispatcher (PUSH immediates, PC, GAS).
#[inline(always)]
pub(crate) fn push_word(f: &mut Frame, value: U256) -> Handled {
    push!(f, value);
    Ok(())
}

#[inline(always)]
pub(crate) fn dup(f: &mut Frame, n: usize) -> Handled {
    // SAFETY: DUPn's inputs (n items) and output were checked by the interpreter.
    unsafe { f.stack.dup(n) };
    Ok(())
}

#[inline(always)]
pub(crate) fn swap(f: &mut Frame, n: usize) -> Handled {
    // SAFETY: SWAPn's inputs (n + 1 items) were checked by the interpreter.
    unsafe { f.stack.swap(n) };
    Ok(())
}
