//! Calls, creations and SELFDESTRUCT. Calls and creations do not run here: the handler charges
//! their gas and returns a request that the frame loop in [`crate::evm`] runs.

use alloc::boxed::Box;

use bytes::Bytes;

use super::{Action, ExitReason, Frame, Handled, charge, frame_memory_range, require_non_static};
use crate::fork::Fork;
use crate::gas;
use crate::interpreter::{CallRequest, CreateRequest, Host, Message, Pending};
use crate::opcode::{CALL, CALLCODE, CREATE2, DELEGATECALL, STATICCALL};
use crate::primitives::{Address, U256};
use crate::spec::Spec;
use crate::tracer::FrameKind;

/// CALL, CALLCODE, DELEGATECALL and STATICCALL.
pub(crate) fn call<S: Spec>(f: &mut Frame, host: &mut Host<'_, '_>, op: u8, correction: u64) -> Handled {
    pop!(f; requested_gas, target);
    let value = if op == CALL || op == CALLCODE {
        pop!(f; value);
        value
    } else {
        U256::ZERO
    };
    pop!(f; in_offset, in_len, out_offset, out_len);
    let target = Address::from_word(target);
    // EIP-214: a CALL with value is a state change.
    if op == CALL && !value.is_zero() {
        require_non_static(f)?;
    }
    let (in_offset, in_len) = frame_memory_range(f, in_offset, in_len)?;
    let (out_offset, out_len) = frame_memory_range(f, out_offset, out_len)?;

    let (account, was_cold) = host.state.access_account(&target)?;
    let mut cost = if was_cold { S::GAS.cold_account_surcharge } else { 0 };
    if !value.is_zero() {
        cost += S::GAS.call_value;
    }
    if op == CALL {
        // EIP-161: the new-account charge applies to value sent to a dead account; before it,
        // to any call to an account that does not exist.
        let creates_account = if S::GAS.new_account_only_with_value {
            !value.is_zero() && account.is_dead()
        } else {
            !account.exists
        };
        if creates_account {
            cost += S::GAS.new_account;
        }
    }
    charge(&mut f.gas, cost)?;

    // The static gas of the rest of the block is given back while the callee runs and charged
    // again when it returns (Frame::resume), so the 63/64 rule sees the true gas left.
    f.gas += correction;
    let requested = super::saturating_u64(requested_gas);
    let gas = if S::FORK.is_at_least(Fork::TangerineWhistle) {
        requested.min(S::GAS.max_call_gas(f.gas))
    } else {
        requested
    };
    charge(&mut f.gas, gas)?;
    let stipend = if value.is_zero() { 0 } else { S::GAS.call_stipend };

    let (kind, message) = match op {
        CALL => (
            FrameKind::Call,
            Message {
                caller: f.message.address,
                address: target,
                code_address: target,
                value,
                input: Bytes::new(),
                is_static: f.message.is_static,
                depth: f.message.depth + 1,
            },
        ),
        CALLCODE => (
            FrameKind::CallCode,
            Message {
                caller: f.message.address,
                address: f.message.address,
                code_address: target,
                value,
                input: Bytes::new(),
                is_static: f.message.is_static,
                depth: f.message.depth + 1,
            },
        ),
        DELEGATECALL => (
            FrameKind::DelegateCall,
            Message {
                caller: f.message.caller,
                address: f.message.address,
                code_address: target,
                value: f.message.value,
                input: Bytes::new(),
                is_static: f.message.is_static,
                depth: f.message.depth + 1,
            },
        ),
        _ => {
            debug_assert_eq!(op, STATICCALL);
            (
                FrameKind::StaticCall,
                Message {
                    caller: f.message.address,
                    address: target,
                    code_address: target,
                    value: U256::ZERO,
                    input: Bytes::new(),
                    is_static: true,
                    depth: f.message.depth + 1,
                },
            )
        }
    };
    let message = Message { input: Bytes::copy_from_slice(f.memory.slice(in_offset, in_len)), ..message };
    f.pending = Pending::Call { offset: out_offset, len: out_len, correction };
    Err(Action::Call(Box::new(CallRequest {
        kind,
        message,
        transfers_value: op == CALL,
        gas: gas + stipend,
        kall: false,
    })))
}

/// KALL: the CALL of a kall sequence in OVM code, served by the execution manager. Only the memory
/// expansion is charged here; all gas goes with the request, and the manager returns what the
/// emulated opcode did not use (`spec/OVM.md` section 5).
pub(crate) fn kall(f: &mut Frame, correction: u64) -> Handled {
    pop!(f; _requested_gas, target, value, in_offset, in_len, out_offset, out_len);
    let (in_offset, in_len) = frame_memory_range(f, in_offset, in_len)?;
    let (out_offset, out_len) = frame_memory_range(f, out_offset, out_len)?;
    let target = Address::from_word(target);
    f.gas += correction;
    let gas = core::mem::take(&mut f.gas);
    f.pending = Pending::Call { offset: out_offset, len: out_len, correction };
    let message = Message {
        caller: f.message.address,
        address: target,
        code_address: target,
        value,
        input: Bytes::copy_from_slice(f.memory.slice(in_offset, in_len)),
        is_static: f.message.is_static,
        depth: f.message.depth + 1,
    };
    Err(Action::Call(Box::new(CallRequest {
        kind: FrameKind::Call,
        message,
        transfers_value: false,
        gas,
        kall: true,
    })))
}

/// CREATE and CREATE2.
pub(crate) fn create<S: Spec>(f: &mut Frame, op: u8, correction: u64) -> Handled {
    require_non_static(f)?;
    pop!(f; value, offset, len);
    let salt = if op == CREATE2 {
        pop!(f; salt);
        Some(salt)
    } else {
        None
    };
    // EIP-3860: initcode over the limit is an exceptional halt of the creator.
    if let Some(limit) = S::GAS.max_initcode_size
        && len > U256::from(limit)
    {
        return Err(Action::Exit(ExitReason::InitcodeSizeLimit));
    }
    let (offset, len) = frame_memory_range(f, offset, len)?;
    let words = gas::words(len as u64);
    let mut cost = S::GAS.initcode_word * words;
    if salt.is_some() {
        // CREATE2 hashes the initcode to derive the address.
        cost += gas::KECCAK_WORD * words;
    }
    charge(&mut f.gas, cost)?;

    f.gas += correction;
    let gas = S::GAS.max_call_gas(f.gas);
    charge(&mut f.gas, gas)?;
    f.pending = Pending::Create { correction };
    Err(Action::Create(Box::new(CreateRequest {
        kind: if salt.is_some() { FrameKind::Create2 } else { FrameKind::Create },
        caller: f.message.address,
        value,
        init_code: Bytes::copy_from_slice(f.memory.slice(offset, len)),
        salt,
        gas,
        depth: f.message.depth + 1,
    })))
}

/// SELFDESTRUCT: send the whole balance to the beneficiary and (before Cancun, or for a contract
/// created in this transaction, EIP-6780) schedule the account for deletion.
pub(crate) fn selfdestruct<S: Spec>(f: &mut Frame, host: &mut Host<'_, '_>) -> Handled {
    require_non_static(f)?;
    pop!(f; beneficiary);
    let beneficiary = Address::from_word(beneficiary);
    let me = f.message.address;
    let balance = host.state.peek_account(&me)?.info.balance;

    let (target, was_cold) = host.state.access_account(&beneficiary)?;
    let mut cost = if was_cold { S::GAS.cold_account_access } else { 0 };
    if S::FORK.is_at_least(Fork::TangerineWhistle) {
        let creates_account = if S::GAS.new_account_only_with_value {
            !balance.is_zero() && target.is_dead()
        } else {
            !target.exists
        };
        if creates_account {
            cost += S::GAS.new_account;
        }
    }
    charge(&mut f.gas, cost)?;

    let created_now = host.state.peek_account(&me)?.created;
    if S::FORK.is_at_least(Fork::Cancun) && !created_now {
        // EIP-6780: only the balance moves.
        host.state.set_balance(&me, U256::ZERO)?;
        host.state.add_balance(&beneficiary, balance)?;
    } else {
        host.state.add_balance(&beneficiary, balance)?;
        host.state.set_balance(&me, U256::ZERO)?;
        let already = host.state.mark_selfdestructed(&me)?;
        if !already {
            host.state.add_refund(S::GAS.selfdestruct_refund);
        }
    }
    Err(Action::Exit(ExitReason::SelfDestruct))
}
