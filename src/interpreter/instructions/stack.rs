//! Stack manipulation: POP, PUSH0..PUSH32 (immediates pre-decoded), DUP1..DUP16, SWAP1..SWAP16,
//! and the push of every value the dispatcher reads directly (PC, GAS, context fields).

use crate::interpreter::StackPtr;
use crate::primitives::U256;

#[inline(always)]
pub(crate) fn pop(sp: &mut StackPtr) {
    spop!(sp; _discarded);
}

/// Pushes a word computed by the dispatcher.
#[inline(always)]
pub(crate) fn push(sp: &mut StackPtr, value: U256) {
    // SAFETY: the interpreter checked that the stack has room for this opcode's output.
    unsafe { sp.push(value) };
}

#[inline(always)]
pub(crate) fn dup(sp: &mut StackPtr, n: usize) {
    // SAFETY: DUPn's inputs (n items) and output were checked by the interpreter.
    unsafe { sp.dup(n) };
}

#[inline(always)]
pub(crate) fn swap(sp: &mut StackPtr, n: usize) {
    // SAFETY: SWAPn's inputs (n + 1 items) were checked by the interpreter.
    unsafe { sp.swap(n) };
}
