//! Opcode handlers, one file per family. Each handler trusts the stack bounds the interpreter
//! checked on entry to the block (or instruction), and charges only dynamic gas.

/// Pops the named operands from a [`StackPtr`](crate::interpreter::StackPtr), top first.
macro_rules! spop {
    ($sp:expr; $($x:ident),+) => {
        $(
            // SAFETY: the interpreter checked, on block entry or per instruction (see `Stack`),
            // that the stack holds this opcode's inputs.
            let $x = unsafe { $sp.pop() };
        )+
    };
}

/// The top of a [`StackPtr`](crate::interpreter::StackPtr), for opcodes that replace their last
/// input with their output.
macro_rules! stop {
    ($sp:expr) => {
        // SAFETY: as for `spop!`: the opcode's inputs are on the stack.
        unsafe { $sp.top() }
    };
}

/// Pops the named operands of a frame's stack, top first (handlers that work on the frame).
macro_rules! pop {
    ($frame:expr; $($x:ident),+) => {
        $(
            // SAFETY: the interpreter checked, on block entry or per instruction (see `Stack`),
            // that the stack holds this opcode's inputs.
            let $x = unsafe { $frame.stack.pop() };
        )+
    };
}

/// The top of the stack, for opcodes that replace their last input with their output.
macro_rules! top {
    ($frame:expr) => {
        // SAFETY: as for `pop!`: the opcode's inputs are on the stack.
        unsafe { $frame.stack.top() }
    };
}

/// Pushes one word.
macro_rules! push {
    ($frame:expr, $value:expr) => {{
        let value = $value;
        // SAFETY: the interpreter checked that the stack has room for this opcode's outputs.
        unsafe { $frame.stack.push(value) }
    }};
}

pub(super) mod arithmetic;
pub(super) mod bitwise;
pub(super) mod control;
pub(super) mod environment;
pub(super) mod host;
pub(super) mod memory;
pub(super) mod stack;
pub(super) mod system;

use crate::gas;
use crate::primitives::U256;

use super::{Action, ExitReason, Frame, MEMORY_LIMIT, Memory, charge};

/// The result of a handler: `Err` ends the frame, suspends it for a call, or aborts.
pub(super) type Handled = Result<(), Action>;

/// Grows memory to cover `[offset, offset + len)`, charging the expansion; returns the range as
/// native integers. A zero length touches nothing, whatever the offset.
#[inline(always)]
pub(super) fn memory_range(
    gas: &mut u64,
    memory: &mut Memory,
    offset: U256,
    len: U256,
) -> Result<(usize, usize), ExitReason> {
    if len.is_zero() {
        return Ok((0, 0));
    }
    let (Ok(offset), Ok(len)) = (u64::try_from(offset), u64::try_from(len)) else {
        return Err(ExitReason::OutOfGas);
    };
    let end = offset.checked_add(len).ok_or(ExitReason::OutOfGas)?;
    expand_memory(gas, memory, end)?;
    Ok((offset as usize, len as usize))
}

/// Grows memory to at least `end` bytes, charging the expansion.
#[inline(always)]
pub(super) fn expand_memory(gas: &mut u64, memory: &mut Memory, end: u64) -> Result<(), ExitReason> {
    if end <= memory.len() as u64 {
        return Ok(());
    }
    grow_memory(gas, memory, end)
}

/// The slow path of [`expand_memory`].
#[inline(never)]
fn grow_memory(gas: &mut u64, memory: &mut Memory, end: u64) -> Result<(), ExitReason> {
    if end > MEMORY_LIMIT {
        return Err(ExitReason::OutOfGas);
    }
    let words = gas::words(end);
    let current = memory.words();
    charge(gas, gas::memory_cost(words) - gas::memory_cost(current))?;
    memory.grow(words);
    Ok(())
}

/// [`memory_range`] on a frame's own gas and memory.
#[inline(always)]
pub(super) fn frame_memory_range(
    frame: &mut Frame,
    offset: U256,
    len: U256,
) -> Result<(usize, usize), ExitReason> {
    memory_range(&mut frame.gas, &mut frame.memory, offset, len)
}

/// Fails with a state-change violation inside a static call (EIP-214).
#[inline(always)]
pub(super) fn require_non_static(frame: &Frame) -> Result<(), ExitReason> {
    if frame.message.is_static { Err(ExitReason::StaticStateChange) } else { Ok(()) }
}

/// A word as a `u64`, saturating (for lengths and offsets that must then fail a bound check).
#[inline(always)]
pub(super) fn saturating_u64(word: U256) -> u64 {
    u64::try_from(word).unwrap_or(u64::MAX)
}
