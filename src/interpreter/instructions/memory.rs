//! Memory: MLOAD, MSTORE, MSTORE8, MSIZE, MCOPY (EIP-5656) and KECCAK256.

use super::{Frame, Handled, charge, expand_memory, memory_range};
use crate::gas;
use crate::primitives::{self, U256};

/// The offset of a one-word access, growing memory to cover it.
#[inline(always)]
fn word_offset(f: &mut Frame, offset: U256, size: u64) -> Result<usize, super::ExitReason> {
    let offset = super::saturating_u64(offset);
    expand_memory(f, offset.saturating_add(size))?;
    Ok(offset as usize)
}

#[inline(always)]
pub(crate) fn mload(f: &mut Frame) -> Handled {
    let offset = *top!(f);
    let offset = word_offset(f, offset, 32)?;
    *top!(f) = f.memory.load_word(offset);
    Ok(())
}

#[inline(always)]
pub(crate) fn mstore(f: &mut Frame) -> Handled {
    pop!(f; offset, value);
    let offset = word_offset(f, offset, 32)?;
    f.memory.store_word(offset, &value);
    Ok(())
}

#[inline(always)]
pub(crate) fn mstore8(f: &mut Frame) -> Handled {
    pop!(f; offset, value);
    let offset = word_offset(f, offset, 1)?;
    f.memory.store_byte(offset, value.byte(0));
    Ok(())
}

#[inline(always)]
pub(crate) fn msize(f: &mut Frame) -> Handled {
    push!(f, U256::from(f.memory.len()));
    Ok(())
}

/// MCOPY (EIP-5656): copy within memory; gas for the copy and for growing to cover both ranges.
pub(crate) fn mcopy(f: &mut Frame) -> Handled {
    pop!(f; target, source, len);
    if len.is_zero() {
        return Ok(());
    }
    let len64 = super::saturating_u64(len);
    charge(f, gas::copy_cost(len64))?;
    let (target, len) = memory_range(f, target, len)?;
    let (source, _) = memory_range(f, source, U256::from(len))?;
    f.memory.copy_within(source, target, len);
    Ok(())
}

/// KECCAK256: 30 static, 6 per word, plus memory.
pub(crate) fn keccak256(f: &mut Frame) -> Handled {
    pop!(f; offset, len);
    let (offset, len) = memory_range(f, offset, len)?;
    charge(f, gas::KECCAK_WORD * gas::words(len as u64))?;
    let hash = primitives::keccak256(f.memory.slice(offset, len));
    push!(f, hash.to_u256());
    Ok(())
}
