//! Comparison and bitwise logic: LT to SAR.

use super::arithmetic::is_negative;
use super::{Frame, Handled};
use crate::primitives::U256;

#[inline(always)]
fn flag(b: bool) -> U256 {
    U256::from(b as u8)
}

#[inline(always)]
pub(crate) fn lt(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = flag(a < *b);
    Ok(())
}

#[inline(always)]
pub(crate) fn gt(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = flag(a > *b);
    Ok(())
}

/// Signed less-than: words of different sign compare by sign, others as unsigned.
#[inline(always)]
fn signed_lt(a: &U256, b: &U256) -> bool {
    match (is_negative(a), is_negative(b)) {
        (true, false) => true,
        (false, true) => false,
        _ => a < b,
    }
}

#[inline(always)]
pub(crate) fn slt(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = flag(signed_lt(&a, b));
    Ok(())
}

#[inline(always)]
pub(crate) fn sgt(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = flag(signed_lt(b, &a));
    Ok(())
}

#[inline(always)]
pub(crate) fn eq(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b = flag(a == *b);
    Ok(())
}

#[inline(always)]
pub(crate) fn iszero(f: &mut Frame) -> Handled {
    let a = top!(f);
    *a = flag(a.is_zero());
    Ok(())
}

#[inline(always)]
pub(crate) fn and(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b &= a;
    Ok(())
}

#[inline(always)]
pub(crate) fn or(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b |= a;
    Ok(())
}

#[inline(always)]
pub(crate) fn xor(f: &mut Frame) -> Handled {
    pop!(f; a);
    let b = top!(f);
    *b ^= a;
    Ok(())
}

#[inline(always)]
pub(crate) fn not(f: &mut Frame) -> Handled {
    let a = top!(f);
    *a = !*a;
    Ok(())
}

/// BYTE: the `i`-th byte of the word counting from the most significant, or zero past 31.
#[inline(always)]
pub(crate) fn byte(f: &mut Frame) -> Handled {
    pop!(f; i);
    let x = top!(f);
    *x = if i < U256::from(32) { U256::from(x.byte(31 - i.as_limbs()[0] as usize)) } else { U256::ZERO };
    Ok(())
}

/// EIP-145 shifts: a shift of 256 or more gives zero (or all ones for SAR of a negative word).
#[inline(always)]
fn shift_amount(shift: &U256) -> Option<usize> {
    if shift < &U256::from(256) { Some(shift.as_limbs()[0] as usize) } else { None }
}

#[inline(always)]
pub(crate) fn shl(f: &mut Frame) -> Handled {
    pop!(f; shift);
    let x = top!(f);
    *x = match shift_amount(&shift) {
        Some(n) => *x << n,
        None => U256::ZERO,
    };
    Ok(())
}

#[inline(always)]
pub(crate) fn shr(f: &mut Frame) -> Handled {
    pop!(f; shift);
    let x = top!(f);
    *x = match shift_amount(&shift) {
        Some(n) => *x >> n,
        None => U256::ZERO,
    };
    Ok(())
}

#[inline(always)]
pub(crate) fn sar(f: &mut Frame) -> Handled {
    pop!(f; shift);
    let x = top!(f);
    *x = match shift_amount(&shift) {
        Some(n) => x.arithmetic_shr(n),
        None if is_negative(x) => U256::MAX,
        None => U256::ZERO,
    };
    Ok(())
}
