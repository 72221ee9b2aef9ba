//! Reading the message, the transaction and the block: ADDRESS, CALLER, CALLVALUE, CALLDATA*,
//! CODE*, RETURNDATA*, ORIGIN, GASPRICE, and the block fields.

use super::{Action, ExitReason, Frame, Handled, charge, memory_range};
use crate::fork::Fork;
use crate::gas;
use crate::interpreter::Host;
use crate::primitives::U256;
use crate::spec::Spec;

#[inline(always)]
pub(crate) fn address(f: &mut Frame) -> Handled {
    push!(f, f.message.address.to_word());
    Ok(())
}

#[inline(always)]
pub(crate) fn caller(f: &mut Frame) -> Handled {
    push!(f, f.message.caller.to_word());
    Ok(())
}

#[inline(always)]
pub(crate) fn callvalue(f: &mut Frame) -> Handled {
    push!(f, f.message.value);
    Ok(())
}

/// CALLDATALOAD: 32 bytes of call data at the offset, zero-padded past the end.
#[inline(always)]
pub(crate) fn calldataload(f: &mut Frame) -> Handled {
    let offset = top!(f);
    let input = &f.message.input;
    let mut word = [0u8; 32];
    if let Ok(start) = usize::try_from(*offset)
        && start < input.len()
    {
        let n = (input.len() - start).min(32);
        word[..n].copy_from_slice(&input[start..start + n]);
    }
    *offset = U256::from_be_bytes(word);
    Ok(())
}

#[inline(always)]
pub(crate) fn calldatasize(f: &mut Frame) -> Handled {
    push!(f, U256::from(f.message.input.len()));
    Ok(())
}

/// The *COPY pattern: pop destination, source offset and length; charge copy and memory gas.
#[inline(always)]
fn copy_target(f: &mut Frame) -> Result<(usize, usize, U256), ExitReason> {
    pop!(f; dest, source_offset, len);
    let (dest, len) = memory_range(f, dest, len)?;
    charge(f, gas::copy_cost(len as u64))?;
    Ok((dest, len, source_offset))
}

pub(crate) fn calldatacopy(f: &mut Frame) -> Handled {
    let (dest, len, source_offset) = copy_target(f)?;
    if len > 0 {
        f.memory.store_padded(dest, len, &f.message.input, source_offset);
    }
    Ok(())
}

#[inline(always)]
pub(crate) fn codesize(f: &mut Frame) -> Handled {
    push!(f, U256::from(f.code.bytes().len()));
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

#[inline(always)]
pub(crate) fn returndatasize(f: &mut Frame) -> Handled {
    push!(f, U256::from(f.return_data.len()));
    Ok(())
}

/// RETURNDATACOPY (EIP-211): reading past the end of the return data halts exceptionally.
pub(crate) fn returndatacopy(f: &mut Frame) -> Handled {
    pop!(f; dest, source_offset, len);
    let end = source_offset.checked_add(len);
    if end.is_none_or(|end| end > U256::from(f.return_data.len())) {
        return Err(Action::Exit(ExitReason::ReturnDataOutOfBounds));
    }
    let (dest, len) = memory_range(f, dest, len)?;
    charge(f, gas::copy_cost(len as u64))?;
    if len > 0 {
        let start = source_offset.as_limbs()[0] as usize;
        let data = f.return_data.slice(start..start + len);
        f.memory.store(dest, &data);
    }
    Ok(())
}

#[inline(always)]
pub(crate) fn origin(f: &mut Frame, host: &Host<'_, '_>) -> Handled {
    push!(f, host.env.origin.to_word());
    Ok(())
}

#[inline(always)]
pub(crate) fn gasprice(f: &mut Frame, host: &Host<'_, '_>) -> Handled {
    push!(f, host.env.gas_price);
    Ok(())
}

#[inline(always)]
pub(crate) fn coinbase(f: &mut Frame, host: &Host<'_, '_>) -> Handled {
    push!(f, host.env.block.coinbase.to_word());
    Ok(())
}

#[inline(always)]
pub(crate) fn timestamp(f: &mut Frame, host: &Host<'_, '_>) -> Handled {
    push!(f, host.env.block.timestamp);
    Ok(())
}

#[inline(always)]
pub(crate) fn number(f: &mut Frame, host: &Host<'_, '_>) -> Handled {
    push!(f, host.env.block.number);
    Ok(())
}

/// DIFFICULTY before Paris; PREVRANDAO from Paris on (EIP-4399).
#[inline(always)]
pub(crate) fn prevrandao<S: Spec>(f: &mut Frame, host: &Host<'_, '_>) -> Handled {
    let block = &host.env.block;
    push!(f, if S::FORK.is_at_least(Fork::Paris) { block.prev_randao.to_u256() } else { block.difficulty });
    Ok(())
}

#[inline(always)]
pub(crate) fn gaslimit(f: &mut Frame, host: &Host<'_, '_>) -> Handled {
    push!(f, host.env.block.gas_limit);
    Ok(())
}

#[inline(always)]
pub(crate) fn chainid(f: &mut Frame, host: &Host<'_, '_>) -> Handled {
    push!(f, U256::from(host.env.chain_id));
    Ok(())
}

#[inline(always)]
pub(crate) fn basefee(f: &mut Frame, host: &Host<'_, '_>) -> Handled {
    push!(f, host.env.block.base_fee);
    Ok(())
}

/// BLOBHASH (EIP-4844): the indexed versioned hash of the transaction, or zero.
#[inline(always)]
pub(crate) fn blobhash(f: &mut Frame, host: &Host<'_, '_>) -> Handled {
    let index = top!(f);
    let hashes = &host.env.blob_hashes;
    *index = match usize::try_from(*index) {
        Ok(i) if i < hashes.len() => hashes[i].to_u256(),
        _ => U256::ZERO,
    };
    Ok(())
}

#[inline(always)]
pub(crate) fn blobbasefee(f: &mut Frame, host: &Host<'_, '_>) -> Handled {
    push!(f, host.env.block.blob_base_fee);
    Ok(())
}
