//! Memory: MLOAD, MSTORE, MSTORE8, MSIZE, MCOPY (EIP-5656) and KECCAK256.

use super::{Frame, Handled, charge, expand_memory, frame_memory_range};
use crate::gas;
use crate::interpreter::{Memory, StackPtr};
use crate::primitives::U256;

/// The offset of a `size`-byte access, growing memory to cover it.
#[inline(always)]
fn word_offset(
    gas: &mut u64,
    memory: &mut Memory,
    offset: U256,
    size: u64,
) -> Result<usize, super::ExitReason> {
    let offset = super::saturating_u64(offset);
    expand_memory(gas, memory, offset.saturating_add(size))?;
    Ok(offset as usize)
}

#[inline(always)]
pub(crate) fn mload(sp: &mut StackPtr, gas: &mut u64, memory: &mut Memory) -> Handled {
    let top = stop!(sp);
    let offset = word_offset(gas, memory, *top, 32)?;
    *top = memory.load_word(offset);
    Ok(())
}

#[inline(always)]
pub(crate) fn mstore(sp: &mut StackPtr, gas: &mut u64, memory: &mut Memory) -> Handled {
    spop!(sp; offset, value);
    let offset = word_offset(gas, memory, offset, 32)?;
    memory.store_word(offset, &value);
    Ok(())
}

#[inline(always)]
pub(crate) fn mstore8(sp: &mut StackPtr, gas: &mut u64, memory: &mut Memory) -> Handled {
    spop!(sp; offset, value);
    let offset = word_offset(gas, memory, offset, 1)?;
    memory.store_byte(offset, value.byte(0));
    Ok(())
}

/// MCOPY (EIP-5656): copy within memory; gas for the copy and for growing to cover both ranges.
pub(crate) fn mcopy(f: &mut Frame) -> Handled {
    pop!(f; target, source, len);
    if len.is_zero() {
        return Ok(());
    }
    let len64 = super::saturating_u64(len);
    charge(&mut f.gas, gas::copy_cost(len64))?;
    let (target, len) = frame_memory_range(f, target, len)?;
    let (source, _) = frame_memory_range(f, source, U256::from(len))?;
    f.memory.copy_within(source, target, len);
    Ok(())
}

/// KECCAK256: 30 static, 6 per word, plus memory.
pub(crate) fn keccak256(f: &mut Frame) -> Handled {
    pop!(f; offset, len);
    let (offset, len) = frame_memory_range(f, offset, len)?;
    charge(&mut f.gas, gas::KECCAK_WORD * gas::words(len as u64))?;
    let hash = f.memory.keccak256(offset, len);
    push!(f, hash.to_u256());
    Ok(())
}
