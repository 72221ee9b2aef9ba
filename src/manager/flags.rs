//! Revert flags: how the execution manager tells a caller why a message failed (`spec/OVM.md`
//! section 2.4), encoded in revert data as `abi.encode(uint8 flag, uint256 nuisanceGasLeft,
//! uint256 ovmGasRefund, bytes data)`; empty revert data means `OUT_OF_GAS`.

use alloc::vec::Vec;

use super::abi::{self, Args};
use crate::primitives::U256;

/// Why a message failed (contracts-v2 numbering).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RevertFlag {
    /// Out of gas, an exceptional halt, or revert data that is not flag-encoded.
    OutOfGas = 0,
    /// `ovmREVERT`: the contract reverted on purpose, with data for its caller.
    IntentionalRevert = 1,
    /// The message's nuisance-gas budget ran out.
    ExceedsNuisanceGas = 2,
    /// The state needed is not available (proof mode): aborts the whole transaction.
    InvalidStateAccess = 3,
    /// Initcode or deployed code is not pure.
    UnsafeBytecode = 4,
    /// The address to create at already holds a contract.
    CreateCollision = 5,
    /// A state change inside `ovmSTATICCALL`.
    StaticViolation = 6,
    /// The deployer policy does not allow this creator.
    CreatorNotAllowed = 7,
}

impl RevertFlag {
    /// The flag with this number.
    pub fn from_u8(value: u8) -> Option<RevertFlag> {
        Some(match value {
            0 => RevertFlag::OutOfGas,
            1 => RevertFlag::IntentionalRevert,
            2 => RevertFlag::ExceedsNuisanceGas,
            3 => RevertFlag::InvalidStateAccess,
            4 => RevertFlag::UnsafeBytecode,
            5 => RevertFlag::CreateCollision,
            6 => RevertFlag::StaticViolation,
            7 => RevertFlag::CreatorNotAllowed,
            _ => return None,
        })
    }

    /// The name in contracts-v2 (`INTENTIONAL_REVERT`, ...).
    pub fn name(self) -> &'static str {
        match self {
            RevertFlag::OutOfGas => "OUT_OF_GAS",
            RevertFlag::IntentionalRevert => "INTENTIONAL_REVERT",
            RevertFlag::ExceedsNuisanceGas => "EXCEEDS_NUISANCE_GAS",
            RevertFlag::InvalidStateAccess => "INVALID_STATE_ACCESS",
            RevertFlag::UnsafeBytecode => "UNSAFE_BYTECODE",
            RevertFlag::CreateCollision => "CREATE_COLLISION",
            RevertFlag::StaticViolation => "STATIC_VIOLATION",
            RevertFlag::CreatorNotAllowed => "CREATOR_NOT_ALLOWED",
        }
    }
}

/// A decoded failure: the flag, the nuisance gas the failed message had left, and its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revert {
    /// Why.
    pub flag: RevertFlag,
    /// Nuisance gas left in the failed message.
    pub nuisance_gas_left: u64,
    /// The data for the caller (for `INTENTIONAL_REVERT` and creations).
    pub data: Vec<u8>,
}

/// Encodes revert data (OVM_ExecutionManager._encodeRevertData: `OUT_OF_GAS` is empty and
/// `INVALID_STATE_ACCESS` carries nothing). The gas-refund word is always zero here: gas is
/// metered natively, so the 2021 refund records do not exist.
pub fn encode(flag: RevertFlag, nuisance_gas_left: u64, data: &[u8]) -> Vec<u8> {
    match flag {
        RevertFlag::OutOfGas => Vec::new(),
        RevertFlag::InvalidStateAccess => {
            abi::encode_three_words_and_bytes(U256::from(flag as u8), U256::ZERO, U256::ZERO, &[])
        }
        _ => abi::encode_three_words_and_bytes(
            U256::from(flag as u8),
            U256::from(nuisance_gas_left),
            U256::ZERO,
            data,
        ),
    }
}

/// Decodes revert data (OVM_ExecutionManager._decodeRevertData). Empty or malformed data reads as
/// `OUT_OF_GAS` with no nuisance gas left.
pub fn decode(revert_data: &[u8]) -> Revert {
    let out_of_gas = Revert { flag: RevertFlag::OutOfGas, nuisance_gas_left: 0, data: Vec::new() };
    if revert_data.is_empty() {
        return out_of_gas;
    }
    let args = Args::new(revert_data);
    let decoded = (|| {
        let flag = RevertFlag::from_u8(args.uint8(0).ok()?)?;
        let nuisance = u64::try_from(args.word(1).ok()?).unwrap_or(u64::MAX);
        let data = args.bytes(3).ok()?.to_vec();
        Some(Revert { flag, nuisance_gas_left: nuisance, data })
    })();
    decoded.unwrap_or(out_of_gas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for n in 0..8u8 {
            let flag = RevertFlag::from_u8(n).unwrap();
            let data = encode(flag, 1234, b"why");
            let back = decode(&data);
            assert_eq!(back.flag, flag);
            match flag {
                RevertFlag::OutOfGas | RevertFlag::InvalidStateAccess => {
                    assert_eq!(back.nuisance_gas_left, 0);
                    assert!(back.data.is_empty());
                }
                _ => {
                    assert_eq!(back.nuisance_gas_left, 1234);
                    assert_eq!(back.data, b"why");
                }
            }
        }
        assert_eq!(RevertFlag::from_u8(8), None);
        assert_eq!(decode(b"\x01\x02").flag, RevertFlag::OutOfGas);
    }
}
