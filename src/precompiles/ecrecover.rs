//! The ECDSA public-key recovery precompile (0x01, Frontier) over secp256k1.

use alloc::vec::Vec;

use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

use super::{PrecompileError, PrecompileOutput, charge, padded_array};
use crate::primitives::keccak256;

/// Yellow Paper appendix E: ecrecover costs a flat 3000 gas.
const ECRECOVER_GAS: u64 = 3000;

/// Runs ecrecover: `hash ‖ v ‖ r ‖ s`, right-padded to 128 bytes; returns the signer's address
/// left-padded to 32 bytes, or empty output (still a success) when the signature is invalid.
pub(super) fn run(input: &[u8], gas_limit: u64) -> Result<PrecompileOutput, PrecompileError> {
    let gas_used = charge(ECRECOVER_GAS, gas_limit)?;
    let words: [u8; 128] = padded_array(input, 0);
    let output = match recover(&words) {
        Some(address) => {
            let mut out = Vec::with_capacity(32);
            out.extend_from_slice(&[0u8; 12]);
            out.extend_from_slice(&address);
            out
        }
        None => Vec::new(),
    };
    Ok(PrecompileOutput { gas_used, output })
}

/// The address that signed `words[0..32]`, or `None` for any invalid signature.
fn recover(words: &[u8; 128]) -> Option<[u8; 20]> {
    let (hash, rest) = words.split_at(32);
    let (v, rs) = rest.split_at(32);
    // execution-specs `ecrecover`: v must be exactly 27 or 28 as a whole 32-byte word.
    let (v_high, v_low) = v.split_at(31);
    if v_high.iter().any(|&b| b != 0) {
        return None;
    }
    let y_is_odd = match v_low {
        [27] => false,
        [28] => true,
        _ => return None,
    };
    // execution-specs `ecrecover`: 0 < r < n and 0 < s < n; `from_slice` rejects the rest.
    // High s is allowed (EIP-2 restricts only transaction signatures), and the recovery below
    // does not normalise or verify s.
    let signature = Signature::from_slice(rs).ok()?;
    // The recovery id's second bit would mean x = r + n; v = 27/28 never sets it.
    let recovery_id = RecoveryId::new(y_is_odd, false);
    // SEC 1 section 4.1.6: fails when r is not the x of a curve point or the key is infinity.
    let key = VerifyingKey::recover_from_prehash(hash, &signature, recovery_id).ok()?;
    let point = key.to_sec1_point(false);
    // The address is the last 20 bytes of keccak256(x ‖ y) of the uncompressed key.
    let uncompressed = point.as_bytes().get(1..)?;
    let digest = keccak256(uncompressed);
    let mut address = [0u8; 20];
    address.copy_from_slice(&digest.0[12..]);
    Some(address)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::decode_hex;
    use k256::ecdsa::SigningKey;

    /// secp256k1's group order n, big-endian.
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xba,
        0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
    ];

    fn hex(s: &str) -> Vec<u8> {
        decode_hex(s).unwrap()
    }

    /// `n - x` for a big-endian 256-bit `x < n`.
    fn negate_mod_n(x: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let d = i16::from(N[i]) - i16::from(x[i]) - borrow;
            borrow = i16::from(d < 0);
            out[i] = (d + (borrow << 8)) as u8;
        }
        out
    }

    /// `hash ‖ v ‖ r ‖ s` signed by the private key `secret`.
    fn signed_input(secret: u8, hash: [u8; 32]) -> Vec<u8> {
        let mut key = [0u8; 32];
        key[31] = secret;
        let signing = SigningKey::from_slice(&key).unwrap();
        let (sig, recid) = signing.sign_prehash_recoverable(&hash);
        let mut input = hash.to_vec();
        let mut v = [0u8; 32];
        v[31] = 27 + u8::from(recid.is_y_odd());
        input.extend_from_slice(&v);
        input.extend_from_slice(&sig.to_bytes());
        input
    }

    #[test]
    fn geth_vector() {
        // go-ethereum core/vm/contracts_test.go "ValidKey" ecrecover vector.
        let input = hex(concat!(
            "38d18acb67d25c8bb9942764b62f18e17054f66a817bd4295423adf9ed98873e",
            "000000000000000000000000000000000000000000000000000000000000001b",
            "38d18acb67d25c8bb9942764b62f18e17054f66a817bd4295423adf9ed98873e",
            "789d1dd423d25f0772d2748d60f7e4b81bb14d086eba8e8e8efb6dcff8a4ae02"
        ));
        let out = run(&input, 3000).unwrap();
        assert_eq!(out.gas_used, 3000);
        assert_eq!(out.output, hex("000000000000000000000000ceaccac640adf55b2028469bd36ba501f28b699d"));
        assert_eq!(run(&input, 2999), Err(PrecompileError::OutOfGas));
    }

    #[test]
    fn recovers_private_key_one() {
        // The key with secret 1 has the well-known address 0x7e5f4552091a69125d5dfcb7b8c2659029395bdf.
        let expected = hex("0000000000000000000000007e5f4552091a69125d5dfcb7b8c2659029395bdf");
        let input = signed_input(1, [0x42; 32]);
        assert_eq!(run(&input, 3000).unwrap().output, expected);

        // The high-s twin (n - s, flipped parity) is the same signature and must still recover.
        let mut high = input.clone();
        let s = negate_mod_n(&input[96..128]);
        high[96..128].copy_from_slice(&s);
        high[63] ^= 0x1b ^ 0x1c;
        assert_eq!(run(&high, 3000).unwrap().output, expected);

        // Trailing bytes past 128 are ignored.
        let mut long = input.clone();
        long.extend_from_slice(&[0xff; 40]);
        assert_eq!(run(&long, 3000).unwrap().output, expected);
    }

    #[test]
    fn invalid_signatures_succeed_with_empty_output() {
        let input = signed_input(7, [0x11; 32]);
        let empty = |data: &[u8]| {
            let out = run(data, 3000).unwrap();
            assert_eq!(out.gas_used, 3000);
            assert!(out.output.is_empty(), "expected empty output");
        };
        // v other than 27 or 28, including 27 with a non-zero high byte.
        for v in [0u8, 1, 26, 29, 255] {
            let mut bad = input.clone();
            bad[63] = v;
            empty(&bad);
        }
        let mut bad = input.clone();
        bad[32] = 1;
        empty(&bad);
        // r or s equal to zero or to n.
        for (range, value) in [(64..96, [0u8; 32]), (96..128, [0u8; 32]), (64..96, N), (96..128, N)] {
            let mut bad = input.clone();
            bad[range].copy_from_slice(&value);
            empty(&bad);
        }
        // Too short: the zero padding makes s = 0.
        empty(&input[..96]);
        empty(&[]);
    }
}
