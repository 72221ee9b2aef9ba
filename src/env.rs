//! The execution environment: block context and the transaction-wide values opcodes can read.

use alloc::vec::Vec;

use crate::primitives::{Address, B256, U256};

/// The block a transaction runs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockEnv {
    /// NUMBER.
    pub number: U256,
    /// COINBASE: the account that receives the priority fee.
    pub coinbase: Address,
    /// TIMESTAMP.
    pub timestamp: U256,
    /// GASLIMIT: the block gas limit.
    pub gas_limit: U256,
    /// BASEFEE (EIP-1559; zero before London).
    pub base_fee: U256,
    /// DIFFICULTY before Paris.
    pub difficulty: U256,
    /// PREVRANDAO from Paris on (EIP-4399).
    pub prev_randao: B256,
    /// BLOBBASEFEE (EIP-7516), derived from the excess blob gas (EIP-4844).
    pub blob_base_fee: U256,
}

impl Default for BlockEnv {
    fn default() -> Self {
        BlockEnv {
            number: U256::ZERO,
            coinbase: Address::ZERO,
            timestamp: U256::ZERO,
            gas_limit: U256::from(30_000_000u64),
            base_fee: U256::ZERO,
            difficulty: U256::ZERO,
            prev_randao: B256::ZERO,
            blob_base_fee: U256::from(1),
        }
    }
}

/// EIP-4844: `fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS, excess_blob_gas, BLOB_BASE_FEE_UPDATE_FRACTION)`.
pub fn blob_base_fee(excess_blob_gas: u64) -> U256 {
    fake_exponential(U256::from(1), U256::from(excess_blob_gas), U256::from(3_338_477u64))
}

/// EIP-4844's integer approximation of `factor * e ** (numerator / denominator)`.
///
/// The EIP computes with unbounded integers. Here a value that leaves U256 on the way (only for
/// excess blob gas far beyond anything a chain reaches) makes the result `U256::MAX`: the exact
/// value is then at least 2^256 / (denominator^2 * i), far above any fee anyone can pay, and the
/// loop would otherwise run for an astronomical number of terms (found by the statetest_json fuzz
/// target).
pub fn fake_exponential(factor: U256, numerator: U256, denominator: U256) -> U256 {
    let mut i = U256::from(1);
    let mut output = U256::ZERO;
    let Some(mut accum) = factor.checked_mul(denominator) else { return U256::MAX };
    while !accum.is_zero() {
        let Some(sum) = output.checked_add(accum) else { return U256::MAX };
        output = sum;
        let (Some(product), Some(divisor)) = (accum.checked_mul(numerator), denominator.checked_mul(i))
        else {
            return U256::MAX;
        };
        accum = product / divisor;
        i += U256::from(1);
    }
    output / denominator
}

/// Everything opcodes read from outside the state: the block, the chain and the transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Env {
    /// The block.
    pub block: BlockEnv,
    /// CHAINID (EIP-1344).
    pub chain_id: u64,
    /// ORIGIN: the transaction's sender.
    pub origin: Address,
    /// GASPRICE: the price the transaction pays per gas.
    pub gas_price: U256,
    /// BLOBHASH: the transaction's blob versioned hashes (EIP-4844).
    pub blob_hashes: Vec<B256>,
}

impl Default for Env {
    fn default() -> Self {
        Env {
            block: BlockEnv::default(),
            chain_id: 1,
            origin: Address::ZERO,
            gas_price: U256::ZERO,
            blob_hashes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_base_fee_matches_eip4844() {
        assert_eq!(blob_base_fee(0), U256::from(1));
        // The excess at which the fee first reaches 2 (from the EIP's exponent 1 / ln 2 ratio).
        assert_eq!(blob_base_fee(2_314_057), U256::from(1));
        assert_eq!(blob_base_fee(2_314_058), U256::from(2));
    }
}

#[cfg(test)]
mod fake_exponential_tests {
    use super::*;

    #[test]
    fn small_values_are_exact_and_huge_ones_saturate_at_once() {
        assert_eq!(blob_base_fee(0), U256::from(1));
        // e^1 and 1000 e^2 as the EIP's integer series gives them (Python reference: 2, 7385).
        assert_eq!(
            fake_exponential(U256::from(1), U256::from(3_338_477u64), U256::from(3_338_477u64)),
            U256::from(2)
        );
        assert_eq!(fake_exponential(U256::from(1000), U256::from(2), U256::from(1)), U256::from(7385));
        // The fuzzer's input: returns immediately.
        assert_eq!(blob_base_fee(u64::MAX), U256::MAX);
    }
}
