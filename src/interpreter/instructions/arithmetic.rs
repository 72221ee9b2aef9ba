//! Arithmetic: ADD to SIGNEXTEND, with EVM semantics (wrapping, division by zero gives zero).

use super::{Handled, charge};
use crate::gas;
use crate::interpreter::StackPtr;
use crate::primitives::U256;
use crate::spec::Spec;

#[inline(always)]
pub(crate) fn add(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = a.wrapping_add(*b);
}

#[inline(always)]
pub(crate) fn mul(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = a.wrapping_mul(*b);
}

#[inline(always)]
pub(crate) fn sub(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = a.wrapping_sub(*b);
}

#[inline(always)]
pub(crate) fn div(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = unsigned_div(a, *b);
}

#[inline(always)]
pub(crate) fn sdiv(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = signed_div(a, *b);
}

#[inline(always)]
pub(crate) fn rem(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = unsigned_rem(a, *b);
}

#[inline(always)]
pub(crate) fn smod(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = signed_rem(a, *b);
}

#[inline(always)]
pub(crate) fn addmod(sp: &mut StackPtr) {
    spop!(sp; a, b);
    let m = stop!(sp);
    *m = a.add_mod(b, *m);
}

#[inline(always)]
pub(crate) fn mulmod(sp: &mut StackPtr) {
    spop!(sp; a, b);
    let m = stop!(sp);
    *m = a.mul_mod(b, *m);
}

#[inline(always)]
pub(crate) fn exp<S: Spec>(sp: &mut StackPtr, gas_left: &mut u64) -> Handled {
    spop!(sp; base);
    let exponent = *stop!(sp);
    charge(gas_left, gas::exp_cost(&S::GAS, &exponent))?;
    *stop!(sp) = base.wrapping_pow(exponent);
    Ok(())
}

#[inline(always)]
pub(crate) fn signextend(sp: &mut StackPtr) {
    spop!(sp; byte_index);
    let x = stop!(sp);
    if byte_index < U256::from(31) {
        let bit = byte_index.as_limbs()[0] as usize * 8 + 7;
        let mask = (U256::from(1) << bit) - U256::from(1);
        *x = if x.bit(bit) { *x | !mask } else { *x & mask };
    }
}

/// `true` when the word is negative in two's complement.
#[inline(always)]
pub(crate) fn is_negative(x: &U256) -> bool {
    x.bit(255)
}

/// Absolute value in two's complement (the minimum stays the minimum).
#[inline(always)]
fn abs(x: U256) -> U256 {
    if is_negative(&x) { x.wrapping_neg() } else { x }
}

/// The value of `x` if it fits in 128 bits.
#[inline(always)]
fn as_u128(x: &U256) -> Option<u128> {
    let l = x.as_limbs();
    if l[2] | l[3] == 0 { Some(u128::from(l[0]) | (u128::from(l[1]) << 64)) } else { None }
}

/// DIV: division by zero gives zero. Operands that fit in 64 or 128 bits use native division
/// (most divisions in compiled code do); the rest use the 256-bit algorithm.
#[inline]
pub(crate) fn unsigned_div(a: U256, b: U256) -> U256 {
    if let (Some(a), Some(b)) = (as_u128(&a), as_u128(&b)) {
        return match b {
            0 => U256::ZERO,
            _ if (a | b) >> 64 == 0 => U256::from((a as u64) / (b as u64)),
            _ => U256::from(a / b),
        };
    }
    if a < b {
        return U256::ZERO;
    }
    a.checked_div(b).unwrap_or_default()
}

/// MOD: modulo zero gives zero; the same fast paths as [`unsigned_div`].
#[inline]
pub(crate) fn unsigned_rem(a: U256, b: U256) -> U256 {
    if let (Some(a), Some(b)) = (as_u128(&a), as_u128(&b)) {
        return match b {
            0 => U256::ZERO,
            _ if (a | b) >> 64 == 0 => U256::from((a as u64) % (b as u64)),
            _ => U256::from(a % b),
        };
    }
    if a < b {
        return a;
    }
    a.checked_rem(b).unwrap_or_default()
}

/// SDIV: truncating signed division; division by zero gives zero, MIN / -1 gives MIN.
pub(crate) fn signed_div(a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    let quotient = unsigned_div(abs(a), abs(b));
    if is_negative(&a) != is_negative(&b) { quotient.wrapping_neg() } else { quotient }
}

/// SMOD: the remainder takes the sign of the dividend; modulo zero gives zero.
pub(crate) fn signed_rem(a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    let remainder = unsigned_rem(abs(a), abs(b));
    if is_negative(&a) { remainder.wrapping_neg() } else { remainder }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn neg(x: u64) -> U256 {
        U256::from(x).wrapping_neg()
    }

    #[test]
    fn fast_paths_agree_with_the_256_bit_algorithm() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            // Operands of 0..4 limbs, so every fast path and the general one are exercised.
            let mut word = || {
                let limbs = (next() % 5) as usize;
                let mut l = [0u64; 4];
                for item in l.iter_mut().take(limbs) {
                    *item = next() >> (next() % 64);
                }
                U256::from_limbs(l)
            };
            let (a, b) = (word(), word());
            assert_eq!(unsigned_div(a, b), a.checked_div(b).unwrap_or_default(), "{a} / {b}");
            assert_eq!(unsigned_rem(a, b), a.checked_rem(b).unwrap_or_default(), "{a} % {b}");
        }
    }

    #[test]
    fn signed_division_edge_cases() {
        let min = U256::from(1) << 255;
        assert_eq!(signed_div(min, U256::MAX), min);
        assert_eq!(signed_div(neg(7), U256::from(2)), neg(3));
        assert_eq!(signed_div(U256::from(7), neg(2)), neg(3));
        assert_eq!(signed_div(U256::from(7), U256::ZERO), U256::ZERO);
        assert_eq!(signed_rem(neg(7), U256::from(2)), neg(1));
        assert_eq!(signed_rem(U256::from(7), neg(2)), U256::from(1));
        assert_eq!(signed_rem(min, U256::MAX), U256::ZERO);
    }
}
