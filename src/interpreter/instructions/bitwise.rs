//! Comparison and bitwise logic: LT to SAR.

use super::arithmetic::is_negative;
use crate::interpreter::StackPtr;
use crate::primitives::U256;

#[inline(always)]
fn flag(b: bool) -> U256 {
    U256::from(b as u8)
}

#[inline(always)]
pub(crate) fn lt(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = flag(a < *b);
}

#[inline(always)]
pub(crate) fn gt(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = flag(a > *b);
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
pub(crate) fn slt(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = flag(signed_lt(&a, b));
}

#[inline(always)]
pub(crate) fn sgt(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = flag(signed_lt(b, &a));
}

#[inline(always)]
pub(crate) fn eq(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b = flag(a == *b);
}

#[inline(always)]
pub(crate) fn iszero(sp: &mut StackPtr) {
    let a = stop!(sp);
    *a = flag(a.is_zero());
}

#[inline(always)]
pub(crate) fn and(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b &= a;
}

#[inline(always)]
pub(crate) fn or(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b |= a;
}

#[inline(always)]
pub(crate) fn xor(sp: &mut StackPtr) {
    spop!(sp; a);
    let b = stop!(sp);
    *b ^= a;
}

#[inline(always)]
pub(crate) fn not(sp: &mut StackPtr) {
    let a = stop!(sp);
    *a = !*a;
}

/// BYTE: the `i`-th byte of the word counting from the most significant, or zero past 31.
#[inline(always)]
pub(crate) fn byte(sp: &mut StackPtr) {
    spop!(sp; i);
    let x = stop!(sp);
    *x = if i < U256::from(32) { U256::from(x.byte(31 - i.as_limbs()[0] as usize)) } else { U256::ZERO };
}

/// EIP-145 shifts: a shift of 256 or more gives zero (or all ones for SAR of a negative word).
#[inline(always)]
fn shift_amount(shift: &U256) -> Option<usize> {
    if shift < &U256::from(256) { Some(shift.as_limbs()[0] as usize) } else { None }
}

#[inline(always)]
pub(crate) fn shl(sp: &mut StackPtr) {
    spop!(sp; shift);
    let x = stop!(sp);
    *x = match shift_amount(&shift) {
        Some(n) => *x << n,
        None => U256::ZERO,
    };
}

#[inline(always)]
pub(crate) fn shr(sp: &mut StackPtr) {
    spop!(sp; shift);
    let x = stop!(sp);
    *x = match shift_amount(&shift) {
        Some(n) => *x >> n,
        None => U256::ZERO,
    };
}

#[inline(always)]
pub(crate) fn sar(sp: &mut StackPtr) {
    spop!(sp; shift);
    let x = stop!(sp);
    *x = match shift_amount(&shift) {
        Some(n) => x.arithmetic_shr(n),
        None if is_negative(x) => U256::MAX,
        None => U256::ZERO,
    };
}
