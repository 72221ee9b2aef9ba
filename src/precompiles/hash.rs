//! The hashing and copying precompiles of Frontier: 0x02 SHA-256, 0x03 RIPEMD-160 and 0x04 identity.

use alloc::vec::Vec;

use ripemd::Ripemd160;
use sha2::{Digest, Sha256};

use super::{PrecompileError, PrecompileOutput, charge, linear_cost};

/// Runs SHA-256 (0x02): 60 gas plus 12 per 32-byte word (Yellow Paper appendix E).
pub(super) fn sha256(input: &[u8], gas_limit: u64) -> Result<PrecompileOutput, PrecompileError> {
    let gas_used = charge(linear_cost(input.len(), 60, 12), gas_limit)?;
    Ok(PrecompileOutput { gas_used, output: Sha256::digest(input).to_vec() })
}

/// Runs RIPEMD-160 (0x03): 600 gas plus 120 per word; the 20-byte digest is left-padded to 32
/// bytes (Yellow Paper appendix E).
pub(super) fn ripemd160(input: &[u8], gas_limit: u64) -> Result<PrecompileOutput, PrecompileError> {
    let gas_used = charge(linear_cost(input.len(), 600, 120), gas_limit)?;
    let mut output = Vec::with_capacity(32);
    output.extend_from_slice(&[0u8; 12]);
    output.extend_from_slice(&Ripemd160::digest(input));
    Ok(PrecompileOutput { gas_used, output })
}

/// Runs identity (0x04): 15 gas plus 3 per word; returns the input (Yellow Paper appendix E).
pub(super) fn identity(input: &[u8], gas_limit: u64) -> Result<PrecompileOutput, PrecompileError> {
    let gas_used = charge(linear_cost(input.len(), 15, 3), gas_limit)?;
    Ok(PrecompileOutput { gas_used, output: input.to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::decode_hex;

    fn hex(s: &str) -> Vec<u8> {
        decode_hex(s).unwrap()
    }

    #[test]
    fn sha256_known_answers() {
        // FIPS 180-2 examples: SHA-256("") and SHA-256("abc").
        let empty = sha256(&[], 60).unwrap();
        assert_eq!(empty.gas_used, 60);
        assert_eq!(empty.output, hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        let abc = sha256(b"abc", 72).unwrap();
        assert_eq!(abc.gas_used, 72);
        assert_eq!(abc.output, hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        assert_eq!(sha256(b"abc", 71), Err(PrecompileError::OutOfGas));
        assert_eq!(sha256(&[0; 33], 1000).unwrap().gas_used, 84);
    }

    #[test]
    fn ripemd160_known_answers() {
        // The RIPEMD-160 paper's test vectors for "" and "abc", left-padded to a word.
        let empty = ripemd160(&[], 600).unwrap();
        assert_eq!(empty.gas_used, 600);
        assert_eq!(empty.output, hex("0000000000000000000000009c1185a5c5e9fc54612808977ee8f548b2258d31"));
        let abc = ripemd160(b"abc", 720).unwrap();
        assert_eq!(abc.output, hex("0000000000000000000000008eb208f7e05d987a9b044a8e98c6b087f15a0bfc"));
        assert_eq!(ripemd160(b"abc", 719), Err(PrecompileError::OutOfGas));
    }

    #[test]
    fn identity_copies() {
        let out = identity(&[1, 2, 3], 18).unwrap();
        assert_eq!(out.gas_used, 18);
        assert_eq!(out.output, [1, 2, 3]);
        assert_eq!(identity(&[], 15).unwrap().output, Vec::<u8>::new());
        assert_eq!(identity(&[0; 65], 23), Err(PrecompileError::OutOfGas));
        assert_eq!(identity(&[0; 65], 24).unwrap().gas_used, 24);
    }
}
