//! Opcodes that read or write the world state: BALANCE, EXTCODE*, BLOCKHASH, SELFBALANCE, SLOAD,
//! SSTORE, TLOAD, TSTORE and LOG.

use alloc::vec::Vec;

use bytes::Bytes;

use super::{Action, ExitReason, Frame, Handled, charge, frame_memory_range, require_non_static};
use crate::gas::{self, SSTORE_SENTRY, SstoreRules};
use crate::interpreter::Host;
use crate::primitives::{Address, B256, U256};
use crate::spec::Spec;
use crate::state::Log;
use crate::tracer::Tracer;

/// Loads an account for an opcode and charges the EIP-2929 cold surcharge.
#[inline(always)]
fn access<'h, S: Spec>(
    f: &mut Frame,
    host: &'h mut Host<'_, '_>,
    address: &Address,
) -> Result<&'h crate::state::Account, Action> {
    let (account, was_cold) = host.state.access_account(address)?;
    if was_cold {
        charge(&mut f.gas, S::GAS.cold_account_surcharge)?;
    }
    Ok(account)
}

pub(crate) fn balance<S: Spec>(f: &mut Frame, host: &mut Host<'_, '_>) -> Handled {
    let address = Address::from_word(*top!(f));
    let balance = access::<S>(f, host, &address)?.info.balance;
    *top!(f) = balance;
    Ok(())
}

pub(crate) fn selfbalance(f: &mut Frame, host: &mut Host<'_, '_>) -> Handled {
    let balance = host.state.peek_account(&f.message.address)?.info.balance;
    push!(f, balance);
    Ok(())
}

pub(crate) fn extcodesize<S: Spec>(f: &mut Frame, host: &mut Host<'_, '_>) -> Handled {
    let address = Address::from_word(*top!(f));
    let size = access::<S>(f, host, &address)?.info.code.len();
    *top!(f) = U256::from(size);
    Ok(())
}

/// EXTCODEHASH (EIP-1052): zero for a dead account (EIP-161), else the code hash.
pub(crate) fn extcodehash<S: Spec>(f: &mut Frame, host: &mut Host<'_, '_>) -> Handled {
    let address = Address::from_word(*top!(f));
    let account = access::<S>(f, host, &address)?;
    let hash = if account.is_dead() { U256::ZERO } else { account.info.code_hash.to_u256() };
    *top!(f) = hash;
    Ok(())
}

pub(crate) fn extcodecopy<S: Spec>(f: &mut Frame, host: &mut Host<'_, '_>) -> Handled {
    pop!(f; address, dest, source_offset, len);
    let address = Address::from_word(address);
    let (dest, len) = frame_memory_range(f, dest, len)?;
    charge(&mut f.gas, gas::copy_cost(len as u64))?;
    let code = access::<S>(f, host, &address)?.info.code.clone();
    if len > 0 {
        f.memory.store_padded(dest, len, &code, source_offset);
    }
    Ok(())
}

/// BLOCKHASH: the hash of one of the 256 most recent blocks, else zero.
pub(crate) fn blockhash(f: &mut Frame, host: &mut Host<'_, '_>) -> Handled {
    let requested = *top!(f);
    let current = host.env.block.number;
    let in_window = requested < current && current - requested <= U256::from(256);
    *top!(f) = if in_window { host.state.block_hash(requested.as_limbs()[0])?.to_u256() } else { U256::ZERO };
    Ok(())
}

pub(crate) fn sload<S: Spec>(f: &mut Frame, host: &mut Host<'_, '_>) -> Handled {
    let slot = *top!(f);
    let (value, was_cold) = host.state.sload(&f.message.address, &slot)?;
    if was_cold {
        charge(&mut f.gas, S::GAS.cold_sload_surcharge)?;
    }
    *top!(f) = value;
    Ok(())
}

/// SSTORE under the fork's metering (legacy, EIP-1283, EIP-2200 with EIP-2929/EIP-3529 prices).
pub(crate) fn sstore<S: Spec>(f: &mut Frame, host: &mut Host<'_, '_>, correction: u64) -> Handled {
    require_non_static(f)?;
    // EIP-2200: fail when no more than the call stipend is left, so that a stipend-only callee
    // can never write storage.
    if S::GAS.sstore == SstoreRules::Eip2200 && f.gas + correction <= SSTORE_SENTRY {
        return Err(Action::Exit(ExitReason::OutOfGas));
    }
    pop!(f; slot, value);
    let outcome = host.state.sstore(&f.message.address, &slot, value)?;
    let (cost, refund) = S::GAS.sstore_cost(&outcome.original, &outcome.present, &value);
    let cold = if outcome.was_cold { S::GAS.cold_sstore_surcharge } else { 0 };
    charge(&mut f.gas, cost + cold)?;
    host.state.add_refund(refund);
    Ok(())
}

/// TLOAD (EIP-1153).
pub(crate) fn tload(f: &mut Frame, host: &mut Host<'_, '_>) -> Handled {
    let slot = top!(f);
    *slot = host.state.tload(&f.message.address, slot);
    Ok(())
}

/// TSTORE (EIP-1153): a state change, so not in a static call.
pub(crate) fn tstore(f: &mut Frame, host: &mut Host<'_, '_>) -> Handled {
    require_non_static(f)?;
    pop!(f; slot, value);
    host.state.tstore(&f.message.address, &slot, value);
    Ok(())
}

/// LOG0..LOG4: 8 gas per byte of data plus memory; not in a static call.
pub(crate) fn log<T: Tracer>(
    f: &mut Frame,
    host: &mut Host<'_, '_>,
    tracer: &mut T,
    topics: usize,
) -> Handled {
    require_non_static(f)?;
    pop!(f; offset, len);
    let (offset, len) = frame_memory_range(f, offset, len)?;
    charge(&mut f.gas, gas::LOG_DATA_BYTE * len as u64)?;
    let mut words = Vec::with_capacity(topics);
    for _ in 0..topics {
        pop!(f; topic);
        words.push(B256::from_u256(topic));
    }
    let log = Log {
        address: f.message.address,
        topics: words,
        data: Bytes::copy_from_slice(f.memory.slice(offset, len)),
    };
    if T::ENABLED {
        tracer.log(&log);
    }
    host.state.log(log);
    Ok(())
}
