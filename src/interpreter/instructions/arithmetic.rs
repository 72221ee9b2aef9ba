//! Arithmetic: ADD to SIGNEXTEND, with EVM semantics (wrapping, division by zero gives zero).

use super::{Frame, Handled, charge};
use crate::gas;
use crate::primitives::U256;
use crate::spec::Spec;

#[inline(always)]
pub(crate) fn add(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = a.wrapping_add(*b);
    Ok(())
}

#[inline(always)]
pub(crate) fn mul(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = a.wrapping_mul(*b);
    Ok(())
}

#[inline(always)]
pub(crate) fn sub(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = a.wrapping_sub(*b);
    Ok(())
}

#[inline(always)]
pub(crate) fn div(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = a.checked_div(*b).unwrap_or_default();
    Ok(())
}

#[inline(always)]
pub(crate) fn sdiv(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = signed_div(a, *b);
    Ok(())
}

#[inline(always)]
pub(crate) fn rem(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = a.checked_rem(*b).unwrap_or_default();
    Ok(())
}

#[inline(always)]
pub(crate) fn smod(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = signed_rem(a, *b);
    Ok(())
}

#[inline(always)]
pub(crate) fn addmod(f: &mut Frame) -> Handled {
    pop!(f; a, b);
    let m = top!(f);
    *m = a.add_mod(b, *m);
    Ok(())
}

#[inline(always)]
pub(crate) fn mulmod(f: &mut Frame) -> Handled {
    pop!(f; a, b);
    let m = top!(f);
    *m = a.mul_mod(b, *m);
    Ok(())
}

#[inline(always)]
pub(crate) fn exp<S: Spec>(f: &mut Frame) -> Handled {
    pop!(f; base);
    let exponent = *top!(f);
    charge(f, gas::exp_cost(&S::GAS, &exponent))?;
    *top!(f) = base.wrapping_pow(exponent);
    Ok(())
}

#[inline(always)]
pub(crate) fn signextend(f: &mut Frame) -> Handled {
    pop!(f; byte_index);
    let x = top!(f);
    if byte_index < U256::from(31) {
        let bit = byte_index.as_limbs()[0] as usize * 8 + 7;
        let mask = (U256::from(1) << bit) - U256::from(1);
        *x = if x.bit(bit) { *x | !mask } else { *x & mask };
    }
    Ok(())
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

/// SDIV: truncating signed division; division by zero gives zero, MIN / -1 gives MIN.
pub(crate) fn signed_div(a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    let quotient = abs(a) / abs(b);
    if is_negative(&a) != is_negative(&b) { quotient.wrapping_neg() } else { quotient }
}

/// SMOD: the remainder takes the sign of the dividend; modulo zero gives zero.
pub(crate) fn signed_rem(a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    let remainder = abs(a) % abs(b);
    if is_negative(&a) { remainder.wrapping_neg() } else { remainder }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn neg(x: u64) -> U256 {
        U256::from(x).wrapping_neg()
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
