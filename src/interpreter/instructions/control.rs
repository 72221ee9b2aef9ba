//! Control flow: JUMP, JUMPI, RETURN and REVERT. (STOP, PC and GAS are one-liners in the
//! dispatcher; JUMPDEST is the block-entry check.)

use bytes::Bytes;

use super::{Action, ExitReason, Frame, Handled, frame_memory_range};
use crate::decode::DecodedCode;
use crate::interpreter::StackPtr;

/// JUMP: the instruction index of the destination, or `None` if it is not a JUMPDEST.
#[inline(always)]
pub(crate) fn jump(sp: &mut StackPtr, code: &DecodedCode) -> Option<usize> {
    spop!(sp; destination);
    code.jump_target(destination)
}

/// JUMPI: `Some(index)` when the condition holds, `None` to fall through.
#[inline(always)]
pub(crate) fn jumpi(sp: &mut StackPtr, code: &DecodedCode) -> Result<Option<usize>, ExitReason> {
    spop!(sp; destination, condition);
    if condition.is_zero() {
        return Ok(None);
    }
    code.jump_target(destination).map(Some).ok_or(ExitReason::InvalidJump)
}

/// RETURN and REVERT: the output is `memory[offset..offset + len]`.
pub(crate) fn ret(f: &mut Frame, reason: ExitReason) -> Handled {
    pop!(f; offset, len);
    let (offset, len) = frame_memory_range(f, offset, len)?;
    f.output = Bytes::copy_from_slice(f.memory.slice(offset, len));
    Err(Action::Exit(reason))
}
