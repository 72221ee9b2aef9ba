//! Control flow: JUMP, JUMPI, RETURN and REVERT. (STOP, PC and GAS are one-liners in the
//! dispatcher; JUMPDEST is the block-entry check.)

use bytes::Bytes;

use super::{Action, ExitReason, Frame, Handled, memory_range};
use crate::decode::DecodedCode;

/// JUMP: the instruction index of the destination, which must be a JUMPDEST.
#[inline(always)]
pub(crate) fn jump(f: &mut Frame, code: &DecodedCode) -> Result<usize, Action> {
    pop!(f; destination);
    code.jump_target(destination).ok_or(Action::Exit(ExitReason::InvalidJump))
}

/// JUMPI: `Some(index)` when the condition holds, `None` to fall through.
#[inline(always)]
pub(crate) fn jumpi(f: &mut Frame, code: &DecodedCode) -> Result<Option<usize>, Action> {
    pop!(f; destination, condition);
    if condition.is_zero() {
        return Ok(None);
    }
    code.jump_target(destination).map(Some).ok_or(Action::Exit(ExitReason::InvalidJump))
}

/// RETURN and REVERT: the output is `memory[offset..offset + len]`.
pub(crate) fn ret(f: &mut Frame, reason: ExitReason) -> Handled {
    pop!(f; offset, len);
    let (offset, len) = memory_range(f, offset, len)?;
    f.output = Bytes::copy_from_slice(f.memory.slice(offset, len));
    Err(Action::Exit(reason))
}
