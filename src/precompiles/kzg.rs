//! The KZG point evaluation precompile (0x0a, Cancun, EIP-4844), verified with `c-kzg` and the
//! Ethereum mainnet trusted setup that the crate bundles.

use alloc::vec::Vec;

use c_kzg::{Bytes32, Bytes48};
use sha2::{Digest, Sha256};

use super::{PrecompileError, PrecompileOutput, charge};

/// EIP-4844: `POINT_EVALUATION_PRECOMPILE_GAS`.
const POINT_EVALUATION_GAS: u64 = 50_000;

/// EIP-4844: `VERSIONED_HASH_VERSION_KZG`.
const VERSIONED_HASH_VERSION_KZG: u8 = 0x01;

/// EIP-4844: the success output, `FIELD_ELEMENTS_PER_BLOB` (4096) and `BLS_MODULUS` as two
/// big-endian 32-byte words.
const RETURN_VALUE: [u8; 64] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    0x00, // 4096
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53,
    0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
    0x01, // BLS_MODULUS
];

/// EIP-4844 `kzg_to_versioned_hash`: `0x01 ‖ sha256(commitment)[1..]`.
fn versioned_hash(commitment: &[u8]) -> [u8; 32] {
    let mut hash: [u8; 32] = Sha256::digest(commitment).into();
    hash[0] = VERSIONED_HASH_VERSION_KZG;
    hash
}

/// Runs point evaluation: `versioned_hash (32) ‖ z (32) ‖ y (32) ‖ commitment (48) ‖ proof (48)`;
/// succeeds with [`RETURN_VALUE`] when the proof shows `p(z) = y` for the committed polynomial.
pub(super) fn run(input: &[u8], gas_limit: u64) -> Result<PrecompileOutput, PrecompileError> {
    // execution-specs `point_evaluation`: the length is checked before gas is charged.
    let input: &[u8; 192] = input.try_into().map_err(|_| PrecompileError::KzgInputLength)?;
    let gas_used = charge(POINT_EVALUATION_GAS, gas_limit)?;
    let (hash, rest) = input.split_at(32);
    let (z, rest) = rest.split_at(32);
    let (y, rest) = rest.split_at(32);
    let (commitment, proof) = rest.split_at(48);
    if versioned_hash(commitment) != hash {
        return Err(PrecompileError::KzgVersionedHashMismatch);
    }
    let words = |b: &[u8]| -> [u8; 32] { b.try_into().unwrap_or([0; 32]) };
    let points = |b: &[u8]| -> [u8; 48] { b.try_into().unwrap_or([0; 48]) };
    // Precompute level 0: the table only speeds up proof generation, never verification.
    let settings = c_kzg::ethereum_kzg_settings(0);
    let verified = settings
        .verify_kzg_proof(
            &Bytes48::new(points(commitment)),
            &Bytes32::new(words(z)),
            &Bytes32::new(words(y)),
            &Bytes48::new(points(proof)),
        )
        // c-kzg rejects non-canonical field elements and points off the curve or subgroup.
        .map_err(|_| PrecompileError::KzgInvalidEncoding)?;
    if !verified {
        return Err(PrecompileError::KzgProofInvalid);
    }
    Ok(PrecompileOutput { gas_used, output: Vec::from(RETURN_VALUE) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::{U256, decode_hex};
    use alloc::vec;

    fn hex(s: &str) -> Vec<u8> {
        decode_hex(s).unwrap()
    }

    /// The compressed G1 point at infinity: the commitment (and proof) of the zero polynomial.
    fn infinity() -> Vec<u8> {
        let mut p = vec![0u8; 48];
        p[0] = 0xc0;
        p
    }

    #[test]
    fn return_value_words() {
        assert_eq!(U256::from_be_slice(&RETURN_VALUE[..32]), U256::from(4096));
        // EIP-4844 BLS_MODULUS in decimal.
        let modulus: U256 =
            "52435875175126190479447740508185965837690552500527637822603658699938581184513".parse().unwrap();
        assert_eq!(U256::from_be_slice(&RETURN_VALUE[32..]), modulus);
    }

    #[test]
    fn zero_polynomial_opens_to_zero() {
        // The zero polynomial commits to infinity and opens to 0 everywhere with an infinity
        // proof; its versioned hash is the well-known 0x010657f3…4014.
        let hash = versioned_hash(&infinity());
        assert_eq!(hash.to_vec(), hex("010657f37554c781402a22917dee2f75def7ab966d7b770905398eba3c444014"));
        let mut input = hash.to_vec();
        input.extend([0u8; 64]);
        input.extend(infinity());
        input.extend(infinity());
        let out = run(&input, 50_000).unwrap();
        assert_eq!(out.gas_used, 50_000);
        assert_eq!(out.output, RETURN_VALUE);
        assert_eq!(run(&input, 49_999), Err(PrecompileError::OutOfGas));

        // y = 1 is a false claim.
        let mut wrong = input.clone();
        wrong[95] = 1;
        assert_eq!(run(&wrong, 50_000), Err(PrecompileError::KzgProofInvalid));
        // A different version byte breaks the hash check.
        let mut wrong = input.clone();
        wrong[0] = 2;
        assert_eq!(run(&wrong, 50_000), Err(PrecompileError::KzgVersionedHashMismatch));
        // z = BLS_MODULUS is not a canonical field element.
        let mut wrong = input.clone();
        wrong[32..64].copy_from_slice(&RETURN_VALUE[32..]);
        assert_eq!(run(&wrong, 50_000), Err(PrecompileError::KzgInvalidEncoding));
        // A proof that is not a point encoding.
        let mut wrong = input.clone();
        wrong[144] = 0;
        assert_eq!(run(&wrong, 50_000), Err(PrecompileError::KzgInvalidEncoding));
        // Wrong lengths.
        assert_eq!(run(&input[..191], u64::MAX), Err(PrecompileError::KzgInputLength));
        let mut long = input.clone();
        long.push(0);
        assert_eq!(run(&long, u64::MAX), Err(PrecompileError::KzgInputLength));
    }

    #[test]
    fn proof_of_a_random_blob_verifies() {
        let settings = c_kzg::ethereum_kzg_settings(0);
        let mut blob = [0u8; c_kzg::BYTES_PER_BLOB];
        for (i, b) in blob.iter_mut().enumerate() {
            // Keep every 32-byte field element below the modulus by zeroing its top byte.
            *b = if i % 32 == 0 { 0 } else { (i * 31 % 251) as u8 };
        }
        let blob = c_kzg::Blob::new(blob);
        let commitment = settings.blob_to_kzg_commitment(&blob).unwrap().to_bytes();
        let mut z = [0u8; 32];
        z[31] = 5;
        let (proof, y) = settings.compute_kzg_proof(&blob, &Bytes32::new(z)).unwrap();
        let mut input = versioned_hash(commitment.as_slice()).to_vec();
        input.extend(z);
        input.extend(y.as_slice());
        input.extend(commitment.as_slice());
        input.extend(proof.to_bytes().as_slice());
        assert_eq!(run(&input, 50_000).unwrap().output, RETURN_VALUE);
        input[63] = 6;
        assert_eq!(run(&input, 50_000), Err(PrecompileError::KzgProofInvalid));
    }
}
