//! The big-integer modular exponentiation precompile (0x05, Byzantium) and its two gas schedules.

use alloc::vec::Vec;

use num_bigint::BigUint;

use super::{PrecompileError, PrecompileOutput, charge, padded_array};

/// Which modexp gas formula is in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ModExpPricing {
    /// EIP-198 (Byzantium to Istanbul): Karatsuba-style complexity divided by 20.
    Eip198,
    /// EIP-2565 (Berlin on): squared 8-byte word count divided by 3, at least 200.
    Eip2565,
}

/// Header lengths at or above this are read as exactly this value.
///
/// Clamping keeps the price exact wherever it fits in a `u64`: a base or modulus length of
/// 2^80 prices above 2^120, and an exponent length of 2^80 multiplies a non-zero complexity by
/// more than 2^82, so a clamped length can only change prices that are out of gas either way,
/// while a zero complexity times a clamped exponent length is still zero.
const LENGTH_CLAMP: u128 = 1 << 80;

/// The three length fields of the header, each clamped to [`LENGTH_CLAMP`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Lengths {
    base: u128,
    exp: u128,
    modulus: u128,
}

/// Reads a 32-byte big-endian length at `offset` of the zero-padded input, clamped.
fn read_length(input: &[u8], offset: usize) -> u128 {
    let word: [u8; 32] = padded_array(input, offset);
    let (high, low) = word.split_at(16);
    if high.iter().any(|&b| b != 0) {
        return LENGTH_CLAMP;
    }
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(low);
    u128::from_be_bytes(bytes).min(LENGTH_CLAMP)
}

/// A length or offset as a `usize`, or `usize::MAX` (past any input) when it does not fit.
fn to_usize(value: u128) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// `len` bytes of the zero-padded input starting at `offset`.
///
/// The allocation is fallible: the price bounds the modulus length by the gas limit, but a
/// limit near `u64::MAX` can pay for more memory than the machine has, which is reported as out
/// of gas rather than aborting the process.
fn padded_slice(input: &[u8], offset: usize, len: usize) -> Result<Vec<u8>, PrecompileError> {
    let mut out = Vec::new();
    out.try_reserve_exact(len).map_err(|_| PrecompileError::OutOfGas)?;
    out.resize(len, 0);
    if let Some(rest) = input.get(offset..) {
        let n = rest.len().min(len);
        out[..n].copy_from_slice(&rest[..n]);
    }
    Ok(out)
}

/// The first `min(32, exp_len)` bytes of the exponent as a right-aligned 32-byte number.
fn exponent_head(input: &[u8], lengths: Lengths) -> [u8; 32] {
    let start = to_usize(96 + lengths.base);
    let take = to_usize(lengths.exp.min(32));
    let raw: [u8; 32] = padded_array(input, start);
    let mut head = [0u8; 32];
    head[32 - take..].copy_from_slice(&raw[..take]);
    head
}

/// The number of significant bits of a big-endian 32-byte number.
fn bit_length(word: &[u8; 32]) -> u32 {
    match word.iter().position(|&b| b != 0) {
        Some(i) => (32 - i as u32) * 8 - word[i].leading_zeros(),
        None => 0,
    }
}

/// EIP-198 `ADJUSTED_EXPONENT_LENGTH`, which EIP-2565 reuses as `iteration_count` before its
/// `max(…, 1)`: the index of the exponent head's highest set bit, plus `8 * (exp_len - 32)` when
/// the exponent is longer than a word.
fn adjusted_exponent_length(exp_len: u128, head: &[u8; 32]) -> u128 {
    let highest_bit = u128::from(bit_length(head).saturating_sub(1));
    if exp_len <= 32 { highest_bit } else { 8 * (exp_len - 32) + highest_bit }
}

impl ModExpPricing {
    /// The gas price of a call with these lengths, or `None` when it exceeds `u64::MAX`.
    fn gas(self, lengths: Lengths, head: &[u8; 32]) -> Option<u64> {
        // Every length is at most 2^80, so only the squares and the final product can overflow,
        // and only when the true price is far above `u64::MAX`; they saturate.
        let max_len = lengths.base.max(lengths.modulus);
        let iterations = adjusted_exponent_length(lengths.exp, head).max(1);
        let gas = match self {
            ModExpPricing::Eip198 => {
                // EIP-198 `mult_complexity`, then `* max(ADJUSTED_EXPONENT_LENGTH, 1) / 20`.
                let x = max_len;
                let square = x.saturating_mul(x);
                let complexity = if x <= 64 {
                    square
                } else if x <= 1024 {
                    (square / 4).saturating_add(96 * x) - 3072
                } else {
                    (square / 16).saturating_add(480 * x) - 199_680
                };
                complexity.saturating_mul(iterations) / 20
            }
            ModExpPricing::Eip2565 => {
                // EIP-2565: `ceil(max_len / 8)^2 * iteration_count / 3`, at least 200.
                let words = max_len.div_ceil(8);
                let complexity = words.saturating_mul(words);
                (complexity.saturating_mul(iterations) / 3).max(200)
            }
        };
        u64::try_from(gas).ok()
    }
}

/// Runs modexp: `len(B) ‖ len(E) ‖ len(M) ‖ B ‖ E ‖ M` from the zero-padded input, returning
/// `B^E mod M` as `len(M)` big-endian bytes (zeros when `M = 0`).
pub(super) fn run(
    input: &[u8],
    gas_limit: u64,
    pricing: ModExpPricing,
) -> Result<PrecompileOutput, PrecompileError> {
    let lengths =
        Lengths { base: read_length(input, 0), exp: read_length(input, 32), modulus: read_length(input, 64) };
    // Gas comes first, so unpayable lengths fail here before anything is allocated.
    let head = exponent_head(input, lengths);
    let cost = pricing.gas(lengths, &head).ok_or(PrecompileError::OutOfGas)?;
    let gas_used = charge(cost, gas_limit)?;
    let done = |output| Ok(PrecompileOutput { gas_used, output });

    // execution-specs `modexp`: an empty modulus gives empty output whatever the exponent.
    if lengths.modulus == 0 {
        return done(Vec::new());
    }
    let (base_len, exp_len, mod_len) =
        (to_usize(lengths.base), to_usize(lengths.exp), to_usize(lengths.modulus));
    let exp_start = 96usize.saturating_add(base_len);
    let mod_start = exp_start.saturating_add(exp_len);

    let mut output = padded_slice(input, mod_start, mod_len)?;
    let modulus = BigUint::from_bytes_be(&output);
    output.fill(0);
    if modulus == BigUint::ZERO {
        return done(output);
    }
    // A non-zero modulus has a byte inside the input, so the base and exponent that precede
    // it are no longer than the input: these two reads are bounded by the input size.
    let base = BigUint::from_bytes_be(&padded_slice(input, 96, base_len)?);
    let exponent = BigUint::from_bytes_be(&padded_slice(input, exp_start, exp_len)?);
    // `modpow` reduces the base and returns a value below the modulus, so it fits in `mod_len`.
    let result = base.modpow(&exponent, &modulus).to_bytes_be();
    let n = result.len().min(mod_len);
    output[mod_len - n..].copy_from_slice(&result[result.len() - n..]);
    done(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::{U256, decode_hex};
    use alloc::vec;

    fn hex(s: &str) -> Vec<u8> {
        decode_hex(s).unwrap()
    }

    fn word(n: u64) -> Vec<u8> {
        U256::from(n).to_be_bytes::<32>().to_vec()
    }

    /// The header plus operands, with lengths taken from the operands.
    fn call(base: &[u8], exp: &[u8], modulus: &[u8]) -> Vec<u8> {
        let mut v = word(base.len() as u64);
        v.extend(word(exp.len() as u64));
        v.extend(word(modulus.len() as u64));
        v.extend_from_slice(base);
        v.extend_from_slice(exp);
        v.extend_from_slice(modulus);
        v
    }

    const P_MINUS_1: &str = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e";
    const P: &str = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";

    #[test]
    fn eip198_fermat_example() {
        // EIP-198: 3^(p-1) mod p = 1 for the secp256k1 field prime; 13056 gas under EIP-198.
        let input = call(&[3], &hex(P_MINUS_1), &hex(P));
        let out = run(&input, 13056, ModExpPricing::Eip198).unwrap();
        assert_eq!(out.gas_used, 13056);
        assert_eq!(out.output, word(1));
        assert_eq!(run(&input, 13055, ModExpPricing::Eip198), Err(PrecompileError::OutOfGas));
        // EIP-2565: ceil(32/8)^2 * 255 / 3 = 1360.
        let out = run(&input, 1360, ModExpPricing::Eip2565).unwrap();
        assert_eq!(out.gas_used, 1360);
        assert_eq!(out.output, word(1));
    }

    #[test]
    fn eip198_zero_base_example() {
        // EIP-198: a zero base length reads no base, so 0^(p-1) mod p = 0.
        let input = call(&[], &hex(P_MINUS_1), &hex(P));
        let out = run(&input, u64::MAX, ModExpPricing::Eip198).unwrap();
        assert_eq!(out.output, word(0));
    }

    #[test]
    fn eip198_huge_modulus_example_is_out_of_gas() {
        // EIP-198: a modulus length of 2^256 - 1 cannot be paid for.
        let mut input = word(0);
        input.extend(word(32));
        input.extend([0xff; 32]);
        input.extend(hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"));
        input.extend(hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd"));
        for pricing in [ModExpPricing::Eip198, ModExpPricing::Eip2565] {
            assert_eq!(run(&input, u64::MAX, pricing), Err(PrecompileError::OutOfGas));
        }
    }

    #[test]
    fn eip198_truncated_modulus_examples() {
        // EIP-198: both inputs are 3^65535 mod 2^255; trailing data is ignored and a short
        // modulus is right-padded with zeros.
        let mut with_extra = call(&[3], &[0xff, 0xff], &{
            let mut m = [0u8; 32];
            m[0] = 0x80;
            m
        });
        with_extra.push(0x07);
        let mut truncated = call(&[3], &[0xff, 0xff], &[]);
        truncated[64..96].copy_from_slice(&word(32));
        truncated.push(0x80);
        let a = run(&with_extra, u64::MAX, ModExpPricing::Eip198).unwrap();
        let b = run(&truncated, u64::MAX, ModExpPricing::Eip198).unwrap();
        assert_eq!(a, b);
        // Cross-check with ruint's fixed-width pow_mod.
        let expected = U256::from(3).pow_mod(U256::from(65535), U256::from(1) << 255);
        assert_eq!(a.output, expected.to_be_bytes::<32>());
    }

    #[test]
    fn edge_cases() {
        let run198 = |input: &[u8]| run(input, u64::MAX, ModExpPricing::Eip198).unwrap().output;
        // Modulus 0: zeros of the modulus length.
        assert_eq!(run198(&call(&[5], &[3], &[0, 0])), [0, 0]);
        // Modulus 1: everything is 0, including 0^0.
        assert_eq!(run198(&call(&[5], &[3], &[1])), [0]);
        assert_eq!(run198(&call(&[], &[], &[1])), [0]);
        // Exponent 0: 1 (also 0^0 = 1), left-padded.
        assert_eq!(run198(&call(&[7], &[], &[0, 9])), [0, 1]);
        assert_eq!(run198(&call(&[], &[0], &[0, 0, 9])), [0, 0, 1]);
        // Base larger than the modulus is reduced.
        assert_eq!(run198(&call(&[0xff, 0xff], &[1], &[10])), [5]);
        // Leading zero bytes in the modulus keep the output length: 2^10 mod 1001 = 23.
        assert_eq!(run198(&call(&[2], &[10], &[0, 0, 0, 0, 3, 0xe9])), [0, 0, 0, 0, 0, 23]);
        // Zero modulus length: empty output, whatever else.
        assert!(run198(&call(&[5], &[3], &[])).is_empty());
        // Empty input: all lengths are zero.
        assert!(run198(&[]).is_empty());
        // Huge exponent with a tiny modulus: 2^(2^(8*64)-1) mod 3 = 2 (odd power of 2 ≡ -1).
        let out = run(&call(&[2], &[0xff; 64], &[3]), u64::MAX, ModExpPricing::Eip2565).unwrap();
        assert_eq!(out.output, [2]);
    }

    #[test]
    fn huge_exponent_length_with_empty_base_and_modulus_is_cheap() {
        // EIP-198: mult_complexity(0) = 0, so any exponent length costs 0; EIP-2565's floor is 200.
        let mut input = word(0);
        input.extend([0xff; 32]);
        input.extend(word(0));
        let out = run(&input, 0, ModExpPricing::Eip198).unwrap();
        assert_eq!((out.gas_used, out.output.len()), (0, 0));
        let out = run(&input, 200, ModExpPricing::Eip2565).unwrap();
        assert_eq!((out.gas_used, out.output.len()), (200, 0));
        // A one-byte base makes the same exponent unpayable.
        input[31] = 1;
        assert_eq!(run(&input, u64::MAX, ModExpPricing::Eip2565), Err(PrecompileError::OutOfGas));
        // Huge base length (clamped) is out of gas too, without allocating.
        let mut input = vec![0xffu8; 32];
        input.extend(word(1));
        input.extend(word(1));
        for pricing in [ModExpPricing::Eip198, ModExpPricing::Eip2565] {
            assert_eq!(run(&input, u64::MAX, pricing), Err(PrecompileError::OutOfGas));
        }
    }

    #[test]
    fn huge_payable_exponent_length_reads_a_zero_modulus() {
        // Under EIP-198 a 2^63-byte exponent with one-byte operands costs 8 * (2^63 - 32) / 20
        // gas, which a limit of u64::MAX can pay. The modulus then lies in the zero padding, so
        // the answer is a zero byte, and the exponent is never materialised.
        let mut input = word(1);
        input.extend(U256::from(1u128 << 63).to_be_bytes::<32>());
        input.extend(word(1));
        input.extend([2, 0xff, 3]);
        let out = run(&input, u64::MAX, ModExpPricing::Eip198).unwrap();
        // The exponent head is 0xff03 followed by 30 zero bytes: highest bit index 255.
        let adjusted = 8 * ((1u128 << 63) - 32) + 255;
        assert_eq!(u128::from(out.gas_used), adjusted / 20);
        assert_eq!(out.output, [0]);
    }

    #[test]
    fn gas_formulas() {
        let head = |n: u64| {
            let mut h = [0u8; 32];
            h[24..].copy_from_slice(&n.to_be_bytes());
            h
        };
        let lengths = |base, exp, modulus| Lengths { base, exp, modulus };
        // EIP-198's RSA figures: a 4096-bit exponentiation with a full 4096-bit exponent costs
        // 22853376, and the common exponents 3 and 65537 cost 5580 and 89292.
        let mut top = [0u8; 32];
        top[0] = 0x80;
        assert_eq!(ModExpPricing::Eip198.gas(lengths(512, 512, 512), &top), Some(22_853_376));
        assert_eq!(ModExpPricing::Eip198.gas(lengths(512, 1, 512), &head(3)), Some(5580));
        assert_eq!(ModExpPricing::Eip198.gas(lengths(512, 3, 512), &head(65537)), Some(89292));
        // EIP-2565: 64 words squared, one iteration, divided by 3.
        assert_eq!(ModExpPricing::Eip2565.gas(lengths(512, 1, 512), &head(3)), Some(4096 / 3));
        // Above 1024 bytes EIP-198 uses its third branch.
        let big = 2048u64;
        assert_eq!(
            ModExpPricing::Eip198.gas(lengths(big.into(), 1, 1), &head(1)),
            Some((big * big / 16 + 480 * big - 199_680) / 20)
        );
        let huge = u128::from(u64::MAX);
        assert_eq!(ModExpPricing::Eip198.gas(lengths(huge, 1, 1), &head(1)), None);
        assert_eq!(ModExpPricing::Eip2565.gas(lengths(1, huge, 1), &head(1)), None);
        assert_eq!(ModExpPricing::Eip198.gas(lengths(1, LENGTH_CLAMP, 0), &head(0)), None);
        // A 2^64-byte exponent with a one-byte modulus prices at 8 * (2^64 - 32) / 20 under
        // EIP-198, which fits in a u64: the clamp must not change it.
        let exp_len = 1u128 << 64;
        let expected = u64::try_from(8 * (exp_len - 32) / 20).unwrap();
        assert_eq!(ModExpPricing::Eip198.gas(lengths(1, exp_len, 1), &[0u8; 32]), Some(expected));
    }

    #[test]
    fn exponent_head_is_right_aligned_and_padded() {
        let input = call(&[1], &[0x01, 0x00], &[7]);
        let lengths = Lengths { base: 1, exp: 2, modulus: 1 };
        assert_eq!(bit_length(&exponent_head(&input, lengths)), 9);
        // Past the end of input the head reads zeros.
        let lengths = Lengths { base: LENGTH_CLAMP, exp: 40, modulus: 1 };
        assert_eq!(exponent_head(&input, lengths), [0u8; 32]);
    }
}
