//! Reading the message, the transaction and the block: ADDRESS, CALLER, CALLVALUE, CALLDATA*,
//! CODE*, RETURNDATA*, ORIGIN, GASPRICE, and the block fields.

use super::{Action, ExitReason, Frame, Handled, charge, frame_memory_range};
use crate::env::Env;
use crate::fork::Fork;
use crate::gas;
use crate::interpreter::StackPtr;
use crate::primitives::U256;
use crate::spec::Spec;

/// CALLDATALOAD: 32 bytes of call data at the offset, zero-padded past the end.
#[inline(always)]
pub(crate) fn calldataload(sp: &mut StackPtr, input: &[u8]) {
    let offset = stop!(sp);
    let mut word = [0u8; 32];
    if let Ok(start) = usize::try_from(*offset)
        && start < input.len()
    {
        let n = (input.len() - start).min(32);
        word[..n].copy_from_slice(&input[start..start + n]);
    }
    *offset = U256::from_be_bytes(word);
}

/// The *COPY pattern: pop destination, source offset and length; charge copy and memory gas.
#[inline(always)]
fn copy_target(f: &mut Frame) -> Result<(usize, usize, U256), ExitReason> {
    pop!(f; dest, source_offset, len);
    let (dest, len) = frame_memory_range(f, dest, len)?;
    charge(&mut f.gas, gas::copy_cost(len as u64))?;
    Ok((dest, len, source_offset))
}

pub(crate) fn calldatacopy(f: &mut Frame) -> Handled {
    let (dest, len, source_offset) = copy_target(f)?;
    if len > 0 {
        f.memory.store_padded(dest, len, &f.message.input, source_offset);
    }
    Ok(())
}

pub(crate) fn codecopy(f: &mut Frame) -> Handled {
    let (dest, len, source_offset) = copy_target(f)?;
    if len > 0 {
        let code = f.code.bytes().clone();
        f.memory.store_padded(dest, len, &code, source_offset);
    }
    Ok(())
}

/// RETURNDATACOPY (EIP-211): reading past the end of the return data halts exceptionally.
pub(crate) fn returndatacopy(f: &mut Frame) -> Handled {
    pop!(f; dest, source_offset, len);
    let end = source_offset.checked_add(len);
    if end.is_none_or(|end| end > U256::from(f.return_data.len())) {
        return Err(Action::Exit(ExitReason::ReturnDataOutOfBounds));
    }
    let (dest, len) = frame_memory_range(f, dest, len)?;
    charge(&mut f.gas, gas::copy_cost(len as u64))?;
    if len > 0 {
        let start = source_offset.as_limbs()[0] as usize;
        let data = f.return_data.slice(start..start + len);
        f.memory.store(dest, &data);
    }
    Ok(())
}

/// DIFFICULTY before Paris; PREVRANDAO from Paris on (EIP-4399).
#[inline(always)]
pub(crate) fn prevrandao<S: Spec>(sp: &mut StackPtr, env: &Env) {
    let block = &env.block;
    let value = if S::FORK.is_at_least(Fork::Paris) { block.prev_randao.to_u256() } else { block.difficulty };
    // SAFETY: the interpreter checked that the stack has room for this opcode's output.
    unsafe { sp.push(value) };
}

/// BLOBHASH (EIP-4844): the indexed versioned hash of the transaction, or zero.
#[inline(always)]
pub(crate) fn blobhash(sp: &mut StackPtr, env: &Env) {
    let index = stop!(sp);
    let hashes = &env.blob_hashes;
    *index = match usize::try_from(*index) {
        Ok(i) if i < hashes.len() => hashes[i].to_u256(),
        _ => U256::ZERO,
    };
}
