//! The precompiled contracts at addresses `0x01..=0x0a`: which exist under each fork, what they cost, and what they return.
//!
//! Each family lives in its own file; this module owns the public entry points, the shared
//! output and error types, and the per-fork table that picks a pricing once per call.

use alloc::vec::Vec;

use crate::fork::Fork;
use crate::primitives::Address;

mod blake2f;
mod bn254;
mod ecrecover;
mod hash;
mod kzg;
mod modexp;

#[cfg(test)]
mod differential_tests;

use bn254::Bn254Pricing;
use modexp::ModExpPricing;

/// Output of a successful precompile call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrecompileOutput {
    /// Gas the call consumed; never more than the gas limit it was given.
    pub gas_used: u64,
    /// The bytes the call returned.
    pub output: Vec<u8>,
}

/// Why a precompile call failed; every failure consumes all gas given to the call.
#[derive(thiserror::Error, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrecompileError {
    /// The call needs more gas than it was given.
    #[error("out of gas")]
    OutOfGas,
    /// A bn254 coordinate is not below the field modulus (EIP-196).
    #[error("bn254 coordinate is not below the field modulus")]
    Bn254FieldElementOutOfRange,
    /// A bn254 G1 point is neither on the curve nor the all-zero point at infinity (EIP-196).
    #[error("bn254 G1 point is not on the curve")]
    Bn254G1NotOnCurve,
    /// A bn254 G2 point is neither on the twist curve nor the all-zero point at infinity (EIP-197).
    #[error("bn254 G2 point is not on the curve")]
    Bn254G2NotOnCurve,
    /// A bn254 G2 point is on the twist curve but outside the prime-order subgroup (EIP-197).
    #[error("bn254 G2 point is not in the prime-order subgroup")]
    Bn254G2NotInSubgroup,
    /// The pairing input length is not a multiple of 192 bytes (EIP-197).
    #[error("bn254 pairing input length is not a multiple of 192")]
    Bn254PairingInputLength,
    /// The BLAKE2 F input is not exactly 213 bytes (EIP-152).
    #[error("blake2f input must be exactly 213 bytes")]
    Blake2fInputLength,
    /// The BLAKE2 F final-block flag is neither 0 nor 1 (EIP-152).
    #[error("blake2f final block flag must be 0 or 1")]
    Blake2fFinalFlag,
    /// The point-evaluation input is not exactly 192 bytes (EIP-4844).
    #[error("point evaluation input must be exactly 192 bytes")]
    KzgInputLength,
    /// The versioned hash does not match the commitment (EIP-4844).
    #[error("versioned hash does not match the kzg commitment")]
    KzgVersionedHashMismatch,
    /// A commitment, proof or field element is not a valid encoding (EIP-4844).
    #[error("invalid kzg commitment, proof or field element encoding")]
    KzgInvalidEncoding,
    /// The KZG proof does not verify (EIP-4844).
    #[error("kzg proof is invalid")]
    KzgProofInvalid,
}

/// The result of running one precompile.
pub type PrecompileResult = Result<PrecompileOutput, PrecompileError>;

/// One precompiled contract with the pricing of the fork it runs under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Precompile {
    EcRecover,
    Sha256,
    Ripemd160,
    Identity,
    ModExp(ModExpPricing),
    Bn254Add(Bn254Pricing),
    Bn254Mul(Bn254Pricing),
    Bn254Pairing(Bn254Pricing),
    Blake2f,
    PointEvaluation,
}

/// The precompiles of one fork: addresses `1..=count`, and the pricing of the repriced ones.
#[derive(Clone, Copy, Debug)]
struct PrecompileSet {
    count: u8,
    modexp: ModExpPricing,
    bn254: Bn254Pricing,
}

impl PrecompileSet {
    /// The set in force under `fork`; this one match is the only place forks are told apart.
    const fn of(fork: Fork) -> PrecompileSet {
        match fork {
            // Yellow Paper appendix E: ecrecover, sha256, ripemd160 and identity since Frontier.
            Fork::Frontier | Fork::Homestead | Fork::TangerineWhistle | Fork::SpuriousDragon => {
                PrecompileSet { count: 4, modexp: ModExpPricing::Eip198, bn254: Bn254Pricing::Byzantium }
            }
            // EIP-198, EIP-196 and EIP-197 add 0x05..=0x08 in Byzantium.
            Fork::Byzantium | Fork::Constantinople | Fork::Petersburg => {
                PrecompileSet { count: 8, modexp: ModExpPricing::Eip198, bn254: Bn254Pricing::Byzantium }
            }
            // EIP-152 adds 0x09 and EIP-1108 reprices bn254 in Istanbul.
            Fork::Istanbul => {
                PrecompileSet { count: 9, modexp: ModExpPricing::Eip198, bn254: Bn254Pricing::Istanbul }
            }
            // EIP-2565 reprices modexp in Berlin.
            Fork::Berlin | Fork::London | Fork::Paris | Fork::Shanghai => {
                PrecompileSet { count: 9, modexp: ModExpPricing::Eip2565, bn254: Bn254Pricing::Istanbul }
            }
            // EIP-4844 adds the point evaluation precompile at 0x0a in Cancun.
            Fork::Cancun => {
                PrecompileSet { count: 10, modexp: ModExpPricing::Eip2565, bn254: Bn254Pricing::Istanbul }
            }
        }
    }

    /// The precompile numbered `n` (the last address byte) in this set, if any.
    const fn get(self, n: u8) -> Option<Precompile> {
        if n == 0 || n > self.count {
            return None;
        }
        Some(match n {
            1 => Precompile::EcRecover,
            2 => Precompile::Sha256,
            3 => Precompile::Ripemd160,
            4 => Precompile::Identity,
            5 => Precompile::ModExp(self.modexp),
            6 => Precompile::Bn254Add(self.bn254),
            7 => Precompile::Bn254Mul(self.bn254),
            8 => Precompile::Bn254Pairing(self.bn254),
            9 => Precompile::Blake2f,
            _ => Precompile::PointEvaluation,
        })
    }
}

/// The precompile number of `address` when it has the form `0x00…00nn`.
fn short_address(address: &Address) -> Option<u8> {
    let (high, low) = address.0.split_at(19);
    if high.iter().all(|&b| b == 0) { low.first().copied() } else { None }
}

/// The precompile at `address` under `fork`, with its pricing resolved.
fn lookup(address: &Address, fork: Fork) -> Option<Precompile> {
    PrecompileSet::of(fork).get(short_address(address)?)
}

/// Whether `address` is a precompile under `fork`.
pub fn is_precompile(address: &Address, fork: Fork) -> bool {
    lookup(address, fork).is_some()
}

/// Every precompile address active under `fork` (for the EIP-2929 warm set), ascending.
pub fn addresses(fork: Fork) -> impl Iterator<Item = Address> {
    (1..=PrecompileSet::of(fork).count).map(|n| Address::from_low_u64(u64::from(n)))
}

/// Runs the precompile at `address`; `None` if it is not a precompile under `fork`.
///
/// `gas_limit` is the gas handed to the call. On success `gas_used <= gas_limit`; on any
/// error the caller must consume the whole `gas_limit`.
pub fn run(address: &Address, input: &[u8], gas_limit: u64, fork: Fork) -> Option<PrecompileResult> {
    let precompile = lookup(address, fork)?;
    Some(match precompile {
        Precompile::EcRecover => ecrecover::run(input, gas_limit),
        Precompile::Sha256 => hash::sha256(input, gas_limit),
        Precompile::Ripemd160 => hash::ripemd160(input, gas_limit),
        Precompile::Identity => hash::identity(input, gas_limit),
        Precompile::ModExp(pricing) => modexp::run(input, gas_limit, pricing),
        Precompile::Bn254Add(pricing) => bn254::add(input, gas_limit, pricing),
        Precompile::Bn254Mul(pricing) => bn254::mul(input, gas_limit, pricing),
        Precompile::Bn254Pairing(pricing) => bn254::pairing(input, gas_limit, pricing),
        Precompile::Blake2f => blake2f::run(input, gas_limit),
        Precompile::PointEvaluation => kzg::run(input, gas_limit),
    })
}

/// Fails with [`PrecompileError::OutOfGas`] unless `cost` fits in `gas_limit`; returns `cost`.
#[inline]
fn charge(cost: u64, gas_limit: u64) -> Result<u64, PrecompileError> {
    if cost > gas_limit { Err(PrecompileError::OutOfGas) } else { Ok(cost) }
}

/// `base + per_word * ceil(len / 32)`, saturating: the Yellow Paper's linear precompile price.
#[inline]
fn linear_cost(len: usize, base: u64, per_word: u64) -> u64 {
    let words = u64::try_from(len.div_ceil(32)).unwrap_or(u64::MAX);
    base.saturating_add(per_word.saturating_mul(words))
}

/// Copies `input[offset..offset + N]` into a fixed array, reading zeros past the end of `input`
/// (the EVM's "call data is right-padded with zeros" rule).
#[inline]
fn padded_array<const N: usize>(input: &[u8], offset: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(rest) = input.get(offset..) {
        let n = rest.len().min(N);
        out[..n].copy_from_slice(&rest[..n]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(n: u64) -> Address {
        Address::from_low_u64(n)
    }

    #[test]
    fn addresses_per_fork() {
        let count = |fork| addresses(fork).count();
        assert_eq!(count(Fork::Frontier), 4);
        assert_eq!(count(Fork::SpuriousDragon), 4);
        assert_eq!(count(Fork::Byzantium), 8);
        assert_eq!(count(Fork::Petersburg), 8);
        assert_eq!(count(Fork::Istanbul), 9);
        assert_eq!(count(Fork::Shanghai), 9);
        assert_eq!(count(Fork::Cancun), 10);
        for fork in Fork::ALL {
            let all: Vec<Address> = addresses(fork).collect();
            assert!(all.windows(2).all(|w| w[0] < w[1]), "ascending under {fork}");
            for a in &all {
                assert!(is_precompile(a, fork));
            }
            assert!(!is_precompile(&addr(0), fork));
            assert!(!is_precompile(&addr(all.len() as u64 + 1), fork));
            assert!(run(&addr(0), &[], u64::MAX, fork).is_none());
        }
        // An address whose last byte is a precompile number but whose high bytes are not zero.
        let mut high = addr(1);
        high.0[0] = 1;
        assert!(!is_precompile(&high, Fork::Cancun));
        assert!(!is_precompile(&addr(0x101), Fork::Cancun));
        assert!(!is_precompile(&addr(5), Fork::SpuriousDragon));
        assert!(is_precompile(&addr(5), Fork::Byzantium));
        assert!(!is_precompile(&addr(9), Fork::Petersburg));
        assert!(!is_precompile(&addr(10), Fork::Shanghai));
    }

    #[test]
    fn linear_costs_and_out_of_gas() {
        assert_eq!(linear_cost(0, 15, 3), 15);
        assert_eq!(linear_cost(1, 15, 3), 18);
        assert_eq!(linear_cost(32, 15, 3), 18);
        assert_eq!(linear_cost(33, 15, 3), 21);
        assert_eq!(charge(10, 10), Ok(10));
        assert_eq!(charge(11, 10), Err(PrecompileError::OutOfGas));
    }

    #[test]
    fn padded_reads() {
        assert_eq!(padded_array::<4>(&[1, 2, 3], 1), [2, 3, 0, 0]);
        assert_eq!(padded_array::<2>(&[1, 2, 3], 7), [0, 0]);
        assert_eq!(padded_array::<2>(&[1, 2, 3], usize::MAX), [0, 0]);
    }
}
