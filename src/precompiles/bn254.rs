//! The alt_bn128 (bn254) curve precompiles of Byzantium: 0x06 addition, 0x07 scalar
//! multiplication (EIP-196) and 0x08 pairing check (EIP-197), with their EIP-1108 repricing.

use alloc::vec::Vec;

use ark_bn254::{Bn254, Fq, Fq2, G1Affine, G1Projective, G2Affine};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInt, One, PrimeField, Zero};

use super::{PrecompileError, PrecompileOutput, charge, padded_array};

/// Which bn254 gas schedule is in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Bn254Pricing {
    /// EIP-196/EIP-197 (Byzantium): 500 / 40000 / 100000 + 80000 per pair.
    Byzantium,
    /// EIP-1108 (Istanbul on): 150 / 6000 / 45000 + 34000 per pair.
    Istanbul,
}

impl Bn254Pricing {
    /// Gas of one addition.
    const fn add(self) -> u64 {
        match self {
            Bn254Pricing::Byzantium => 500,
            Bn254Pricing::Istanbul => 150,
        }
    }

    /// Gas of one scalar multiplication.
    const fn mul(self) -> u64 {
        match self {
            Bn254Pricing::Byzantium => 40_000,
            Bn254Pricing::Istanbul => 6_000,
        }
    }

    /// Gas of a pairing check over `pairs` pairs, saturating.
    fn pairing(self, pairs: u64) -> u64 {
        let (base, per_pair) = match self {
            Bn254Pricing::Byzantium => (100_000u64, 80_000u64),
            Bn254Pricing::Istanbul => (45_000, 34_000),
        };
        base.saturating_add(per_pair.saturating_mul(pairs))
    }
}

/// EIP-197: one pairing input is a G1 point (64 bytes) followed by a G2 point (128 bytes).
const PAIR_LEN: usize = 192;

/// Reads a big-endian 32-byte field element; fails when it is not below the modulus (EIP-196).
fn read_fq(bytes: &[u8]) -> Result<Fq, PrecompileError> {
    let word: [u8; 32] = padded_array(bytes, 0);
    Fq::from_bigint(big_int(&word)).ok_or(PrecompileError::Bn254FieldElementOutOfRange)
}

/// A big-endian 32-byte word as four little-endian 64-bit limbs.
fn big_int(word: &[u8; 32]) -> BigInt<4> {
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(&word[32 - 8 * (i + 1)..32 - 8 * i]);
        *limb = u64::from_be_bytes(chunk);
    }
    BigInt::new(limbs)
}

/// A field element as 32 big-endian bytes.
fn write_fq(value: Fq, out: &mut Vec<u8>) {
    let limbs = value.into_bigint().0;
    for limb in limbs.iter().rev() {
        out.extend_from_slice(&limb.to_be_bytes());
    }
}

/// Reads `x ‖ y` as a G1 point; `(0, 0)` is the point at infinity (EIP-196).
fn read_g1(bytes: &[u8; 64]) -> Result<G1Affine, PrecompileError> {
    let x = read_fq(&bytes[..32])?;
    let y = read_fq(&bytes[32..])?;
    if x.is_zero() && y.is_zero() {
        return Ok(G1Affine::identity());
    }
    let point = G1Affine::new_unchecked(x, y);
    // EIP-196: the point must satisfy y^2 = x^3 + 3; G1 has cofactor 1, so that is the subgroup.
    if point.is_on_curve() { Ok(point) } else { Err(PrecompileError::Bn254G1NotOnCurve) }
}

/// Reads `x_im ‖ x_re ‖ y_im ‖ y_re` as a G2 point; all zeros is the point at infinity (EIP-197).
fn read_g2(bytes: &[u8; 128]) -> Result<G2Affine, PrecompileError> {
    // EIP-197: an element a·i + b of F_p^2 is encoded as (a, b).
    let x = Fq2::new(read_fq(&bytes[32..64])?, read_fq(&bytes[..32])?);
    let y = Fq2::new(read_fq(&bytes[96..128])?, read_fq(&bytes[64..96])?);
    if x.is_zero() && y.is_zero() {
        return Ok(G2Affine::identity());
    }
    let point = G2Affine::new_unchecked(x, y);
    if !point.is_on_curve() {
        return Err(PrecompileError::Bn254G2NotOnCurve);
    }
    // EIP-197: G2 points must lie in the order-r subgroup, unlike the rest of the twist.
    if !point.is_in_correct_subgroup_assuming_on_curve() {
        return Err(PrecompileError::Bn254G2NotInSubgroup);
    }
    Ok(point)
}

/// A G1 point as `x ‖ y`, with infinity as 64 zero bytes (EIP-196).
fn write_g1(point: G1Projective) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    match point.into_affine().xy() {
        Some((x, y)) => {
            write_fq(x, &mut out);
            write_fq(y, &mut out);
        }
        None => out.resize(64, 0),
    }
    out
}

/// Runs bn254 addition (0x06): two G1 points from the zero-padded 128-byte input.
pub(super) fn add(
    input: &[u8],
    gas_limit: u64,
    pricing: Bn254Pricing,
) -> Result<PrecompileOutput, PrecompileError> {
    let gas_used = charge(pricing.add(), gas_limit)?;
    let a = read_g1(&padded_array(input, 0))?;
    let b = read_g1(&padded_array(input, 64))?;
    Ok(PrecompileOutput { gas_used, output: write_g1(a + b) })
}

/// Runs bn254 scalar multiplication (0x07): a G1 point and a 256-bit scalar from the
/// zero-padded 96-byte input.
pub(super) fn mul(
    input: &[u8],
    gas_limit: u64,
    pricing: Bn254Pricing,
) -> Result<PrecompileOutput, PrecompileError> {
    let gas_used = charge(pricing.mul(), gas_limit)?;
    let point = read_g1(&padded_array(input, 0))?;
    // EIP-196: the scalar is any 256-bit number, not reduced first; multiplying by the raw
    // value equals multiplying by its residue because every G1 point has order dividing r.
    let scalar: [u8; 32] = padded_array(input, 64);
    Ok(PrecompileOutput { gas_used, output: write_g1(point.mul_bigint(big_int(&scalar))) })
}

/// Runs the bn254 pairing check (0x08): 1 as a word when the product of the pairings of the
/// `(G1, G2)` pairs is the identity (also for empty input), else 0.
pub(super) fn pairing(
    input: &[u8],
    gas_limit: u64,
    pricing: Bn254Pricing,
) -> Result<PrecompileOutput, PrecompileError> {
    let pairs = input.len() / PAIR_LEN;
    let cost = pricing.pairing(u64::try_from(pairs).unwrap_or(u64::MAX));
    let gas_used = charge(cost, gas_limit)?;
    if !input.len().is_multiple_of(PAIR_LEN) {
        return Err(PrecompileError::Bn254PairingInputLength);
    }
    let mut g1 = Vec::with_capacity(pairs);
    let mut g2 = Vec::with_capacity(pairs);
    for chunk in input.chunks_exact(PAIR_LEN) {
        // Both points are validated even when the other one is infinity (execution-specs).
        let p = read_g1(&padded_array(chunk, 0))?;
        let q = read_g2(&padded_array(chunk, 64))?;
        // A pair with a point at infinity contributes e(P, Q) = 1 and is skipped.
        if !p.is_zero() && !q.is_zero() {
            g1.push(p);
            g2.push(q);
        }
    }
    let is_identity = g1.is_empty() || {
        let miller = Bn254::multi_miller_loop(g1, g2);
        // `final_exponentiation` is `None` only for a zero Miller-loop value, which valid
        // non-infinity points never produce; it would not be the identity either way.
        Bn254::final_exponentiation(miller).is_some_and(|out| out.0.is_one())
    };
    let mut output = alloc::vec![0u8; 32];
    output[31] = u8::from(is_identity);
    Ok(PrecompileOutput { gas_used, output })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::primitives::decode_hex;
    use alloc::vec;

    fn hex(s: &str) -> Vec<u8> {
        decode_hex(s).unwrap()
    }

    /// The bn254 base field modulus p, big-endian.
    pub(crate) const P_HEX: &str = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";

    /// The G2 generator of EIP-197 in precompile encoding (x_im, x_re, y_im, y_re).
    pub(crate) const G2_GEN_HEX: &str = concat!(
        "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2",
        "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed",
        "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b",
        "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"
    );

    const G1_GEN: &str = concat!(
        "0000000000000000000000000000000000000000000000000000000000000001",
        "0000000000000000000000000000000000000000000000000000000000000002"
    );
    /// 2·(1, 2), the doubling of the G1 generator.
    const G1_DOUBLE: &str = concat!(
        "030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3",
        "15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4"
    );
    /// -(1, 2) = (1, p - 2).
    const G1_NEG: &str = concat!(
        "0000000000000000000000000000000000000000000000000000000000000001",
        "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd45"
    );

    #[test]
    fn add_generator_to_itself() {
        let input = hex(&[G1_GEN, G1_GEN].concat());
        let out = add(&input, 150, Bn254Pricing::Istanbul).unwrap();
        assert_eq!((out.gas_used, out.output), (150, hex(G1_DOUBLE)));
        assert_eq!(add(&input, 499, Bn254Pricing::Byzantium), Err(PrecompileError::OutOfGas));
        assert_eq!(add(&input, 500, Bn254Pricing::Byzantium).unwrap().gas_used, 500);
    }

    #[test]
    fn add_chfast_vector() {
        // go-ethereum core/vm/testdata/precompiles/bn256Add.json, "chfast1".
        let input = hex(concat!(
            "18b18acfb4c2c30276db5411368e7185b311dd124691610c5d3b74034e093dc9",
            "063c909c4720840cb5134cb9f59fa749755796819658d32efc0d288198f37266",
            "07c2b7f58a84bd6145f00c9c2bc0bb1a187f20ff2c92963a88019e7c6a014eed",
            "06614e20c147e940f2d70da3f74c9a17df361706a4485c742bd6788478fa17d7"
        ));
        let out = add(&input, 150, Bn254Pricing::Istanbul).unwrap();
        assert_eq!(
            out.output,
            hex(concat!(
                "2243525c5efd4b9c3d3c45ac0ca3fe4dd85e830a4ce6b65fa1eeaee202839703",
                "301d1d33be6da8e509df21cc35964723180eed7532537db9ae5e7d48f195c915"
            ))
        );
    }

    #[test]
    fn add_infinity_and_inverse() {
        let zero = vec![0u8; 64];
        // Empty input is 0 + 0 = 0.
        assert_eq!(add(&[], 150, Bn254Pricing::Istanbul).unwrap().output, zero);
        // P + 0 = P, with a short input padded by zeros.
        let out = add(&hex(G1_GEN), 150, Bn254Pricing::Istanbul).unwrap();
        assert_eq!(out.output, hex(G1_GEN));
        // P + (-P) = 0.
        let input = hex(&[G1_GEN, G1_NEG].concat());
        assert_eq!(add(&input, 150, Bn254Pricing::Istanbul).unwrap().output, zero);
    }

    #[test]
    fn add_rejects_bad_points() {
        // (1, 1) is not on y^2 = x^3 + 3.
        let mut input = hex(G1_GEN);
        input[63] = 1;
        assert_eq!(add(&input, 150, Bn254Pricing::Istanbul), Err(PrecompileError::Bn254G1NotOnCurve));
        // x = p is out of range even though p ≡ 0.
        let mut input = hex(P_HEX);
        input.extend(vec![0u8; 32]);
        assert_eq!(
            add(&input, 150, Bn254Pricing::Istanbul),
            Err(PrecompileError::Bn254FieldElementOutOfRange)
        );
        // (0, 1) and (1, 0) are not the infinity encoding and not on the curve.
        let mut input = vec![0u8; 64];
        input[63] = 1;
        assert_eq!(add(&input, 150, Bn254Pricing::Istanbul), Err(PrecompileError::Bn254G1NotOnCurve));
    }

    #[test]
    fn mul_known_answers() {
        let with_scalar = |scalar: &str| {
            let mut input = hex(G1_GEN);
            input.extend(hex(scalar));
            mul(&input, 6000, Bn254Pricing::Istanbul).unwrap().output
        };
        let word = |n: u8| {
            let mut w = [0u8; 32];
            w[31] = n;
            crate::primitives::encode_hex(&w)
        };
        assert_eq!(with_scalar(&word(2)), hex(G1_DOUBLE));
        assert_eq!(with_scalar(&word(1)), hex(G1_GEN));
        assert_eq!(with_scalar(&word(0)), vec![0u8; 64]);
        // The group order r sends every point to infinity; r - 1 gives -P; 2^256 - 1 is not
        // reduced first but gives the same as its residue.
        let r = "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
        let r_minus_1 = "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000000";
        assert_eq!(with_scalar(r), vec![0u8; 64]);
        assert_eq!(with_scalar(r_minus_1), hex(G1_NEG));
        // Infinity times anything is infinity; a missing scalar reads as 0.
        assert_eq!(mul(&[0u8; 96], 6000, Bn254Pricing::Istanbul).unwrap().output, vec![0u8; 64]);
        assert_eq!(mul(&hex(G1_GEN), 6000, Bn254Pricing::Istanbul).unwrap().output, vec![0u8; 64]);
        assert_eq!(mul(&[], 39_999, Bn254Pricing::Byzantium), Err(PrecompileError::OutOfGas));
    }

    #[test]
    fn pairing_identities() {
        let one = {
            let mut w = vec![0u8; 32];
            w[31] = 1;
            w
        };
        let zero = vec![0u8; 32];
        // EIP-197: empty input is the empty product, 1.
        let out = pairing(&[], 45_000, Bn254Pricing::Istanbul).unwrap();
        assert_eq!((out.gas_used, out.output.clone()), (45_000, one.clone()));
        assert_eq!(pairing(&[], 99_999, Bn254Pricing::Byzantium), Err(PrecompileError::OutOfGas));
        // e(P, Q) · e(-P, Q) = 1.
        let input = hex(&[G1_GEN, G2_GEN_HEX, G1_NEG, G2_GEN_HEX].concat());
        let out = pairing(&input, 113_000, Bn254Pricing::Istanbul).unwrap();
        assert_eq!((out.gas_used, out.output), (113_000, one.clone()));
        assert_eq!(pairing(&input, 259_999, Bn254Pricing::Byzantium), Err(PrecompileError::OutOfGas));
        // e(P, Q) alone is not 1 (bilinearity with non-degeneracy).
        let input = hex(&[G1_GEN, G2_GEN_HEX].concat());
        assert_eq!(pairing(&input, 79_000, Bn254Pricing::Istanbul).unwrap().output, zero);
        // e(2P, Q) · e(-P, Q) · e(-P, Q) = 1.
        let input = hex(&[G1_DOUBLE, G2_GEN_HEX, G1_NEG, G2_GEN_HEX, G1_NEG, G2_GEN_HEX].concat());
        assert_eq!(pairing(&input, 147_000, Bn254Pricing::Istanbul).unwrap().output, one);
        // Pairs with infinity on either side are skipped.
        let inf_g2 = "00".repeat(128);
        let input = hex(&[G1_GEN, &inf_g2, &"00".repeat(64), G2_GEN_HEX].concat());
        assert_eq!(pairing(&input, 113_000, Bn254Pricing::Istanbul).unwrap().output, one);
    }

    #[test]
    fn pairing_rejects_bad_input() {
        let err = |input: &[u8]| pairing(input, u64::MAX, Bn254Pricing::Istanbul).unwrap_err();
        assert_eq!(err(&[0u8; 191]), PrecompileError::Bn254PairingInputLength);
        assert_eq!(err(&[0u8; 193]), PrecompileError::Bn254PairingInputLength);
        // A G2 point with a coordinate ≥ p.
        let mut input = hex(&[G1_GEN, G2_GEN_HEX].concat());
        input[64..96].copy_from_slice(&hex(P_HEX));
        assert_eq!(err(&input), PrecompileError::Bn254FieldElementOutOfRange);
        // A G2 point off the curve, next to G1 infinity: still validated.
        let mut input = hex(&["00".repeat(64).as_str(), G2_GEN_HEX].concat());
        input[191] ^= 1;
        assert_eq!(err(&input), PrecompileError::Bn254G2NotOnCurve);
        // A G1 point off the curve, next to G2 infinity: still validated.
        let mut input = hex(&[G1_GEN, &"00".repeat(128)].concat());
        input[63] = 3;
        assert_eq!(err(&input), PrecompileError::Bn254G1NotOnCurve);
        // A twist point outside the order-r subgroup.
        let mut x = Fq2::new(Fq::from(1u64), Fq::from(0u64));
        let q = loop {
            if let Some(q) = G2Affine::get_point_from_x_unchecked(x, false) {
                break q;
            }
            x += Fq2::one();
        };
        assert!(!q.is_in_correct_subgroup_assuming_on_curve());
        let mut input = hex(G1_GEN);
        input.extend(encode_g2(&q));
        assert_eq!(err(&input), PrecompileError::Bn254G2NotInSubgroup);
    }

    /// A G2 point in precompile encoding, for tests.
    pub(crate) fn encode_g2(q: &G2Affine) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some((x, y)) = q.xy() {
            write_fq(x.c1, &mut out);
            write_fq(x.c0, &mut out);
            write_fq(y.c1, &mut out);
            write_fq(y.c0, &mut out);
        } else {
            out.resize(128, 0);
        }
        out
    }
}
