//! The operand stack: 1024 words in one heap allocation, accessed without bounds checks on the
//! hot path because every basic block's stack bounds are checked on entry.

use alloc::boxed::Box;
use core::mem::MaybeUninit;

use crate::primitives::U256;

/// The EVM's stack limit.
pub const STACK_LIMIT: usize = 1024;

/// The operand stack of one frame.
///
/// The unchecked operations are `unsafe`: the caller guarantees the bounds. The interpreter does
/// so once per basic block ([`crate::decode::BlockInfo`]: the entry height is at least
/// `stack_required` and at most `STACK_LIMIT - stack_max_growth`) or, when tracing, once per
/// instruction from the opcode table's inputs and outputs.
///
/// The buffer starts uninitialised (a frame's stack is allocated per call and per transaction, and
/// zeroing 32 KiB would cost more than many calls run): every slot below `len` has been written,
/// and only those are ever read.
pub struct Stack {
    data: Box<[MaybeUninit<U256>]>,
    len: usize,
}

impl core::fmt::Debug for Stack {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl Default for Stack {
    fn default() -> Self {
        Stack::new()
    }
}

impl Stack {
    /// An empty stack with room for [`STACK_LIMIT`] words.
    pub fn new() -> Stack {
        Stack { data: Box::new_uninit_slice(STACK_LIMIT), len: 0 }
    }

    /// Number of items.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` when the stack holds nothing.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties the stack (for reuse by another frame).
    #[inline]
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// The items, bottom first.
    #[inline]
    pub fn as_slice(&self) -> &[U256] {
        // SAFETY: the first `len` slots are initialised (struct invariant).
        unsafe { core::slice::from_raw_parts(self.data.as_ptr().cast::<U256>(), self.len) }
    }

    /// A pointer one past the top item, for the interpreter loop to keep in a register.
    #[inline(always)]
    pub(crate) fn top_ptr(&mut self) -> StackPtr {
        // SAFETY: len <= STACK_LIMIT = data.len(), so the pointer is in bounds or one past the end.
        StackPtr { top: unsafe { self.data.as_mut_ptr().cast::<U256>().add(self.len) } }
    }

    /// A pointer to the bottom of the stack (what [`StackPtr::height`] measures from).
    #[inline(always)]
    pub(crate) fn top_ptr_at_bottom(&mut self) -> StackPtr {
        StackPtr { top: self.data.as_mut_ptr().cast::<U256>() }
    }

    /// Sets the length from a pointer one past the top item.
    ///
    /// # Safety
    /// `top` must come from [`Stack::top_ptr`] of this stack, moved only by [`StackPtr`]
    /// operations whose bounds were checked.
    #[inline(always)]
    pub(crate) unsafe fn set_top(&mut self, top: StackPtr) {
        // SAFETY: the caller guarantees `top` points into this stack's allocation, at or above
        // its start, so the offset is a valid length no greater than STACK_LIMIT.
        self.len = unsafe { top.top.offset_from(self.data.as_ptr().cast::<U256>()) } as usize;
        debug_assert!(self.len <= STACK_LIMIT);
    }

    /// Checked push, for code outside the interpreter loop; `false` when full.
    pub fn try_push(&mut self, value: U256) -> bool {
        if self.len == STACK_LIMIT {
            return false;
        }
        self.data[self.len].write(value);
        self.len += 1;
        true
    }

    /// Checked pop, for code outside the interpreter loop.
    pub fn try_pop(&mut self) -> Option<U256> {
        self.len = self.len.checked_sub(1)?;
        // SAFETY: the slot was below `len`, so it is initialised.
        Some(unsafe { self.data[self.len].assume_init() })
    }

    /// Removes and returns the top item.
    ///
    /// # Safety
    /// The stack must not be empty.
    #[inline(always)]
    pub unsafe fn pop(&mut self) -> U256 {
        debug_assert!(self.len > 0);
        self.len -= 1;
        // SAFETY: the caller guarantees len >= 1, so len - 1 is in bounds.
        // The slot was below `len`, so it is initialised.
        unsafe { self.data.get_unchecked(self.len).assume_init() }
    }

    /// The top item, mutably.
    ///
    /// # Safety
    /// The stack must not be empty.
    #[inline(always)]
    pub unsafe fn top(&mut self) -> &mut U256 {
        debug_assert!(self.len > 0);
        // SAFETY: the caller guarantees len >= 1.
        // The slot is below `len`, so it is initialised.
        unsafe { self.data.get_unchecked_mut(self.len - 1).assume_init_mut() }
    }

    /// Pushes `value`.
    ///
    /// # Safety
    /// The stack must not be full.
    #[inline(always)]
    pub unsafe fn push(&mut self, value: U256) {
        debug_assert!(self.len < STACK_LIMIT);
        // SAFETY: the caller guarantees len < STACK_LIMIT = data.len().
        unsafe { self.data.get_unchecked_mut(self.len).write(value) };
        self.len += 1;
    }

    /// Pushes a copy of the `n`-th item from the top (1 = top), as DUPn.
    ///
    /// # Safety
    /// The stack must hold at least `n` items and not be full.
    #[inline(always)]
    pub unsafe fn dup(&mut self, n: usize) {
        debug_assert!(n >= 1 && self.len >= n && self.len < STACK_LIMIT);
        // SAFETY: the caller guarantees n <= len < STACK_LIMIT.
        unsafe {
            // The slot is below `len`, so it is initialised.
            let value = self.data.get_unchecked(self.len - n).assume_init();
            self.data.get_unchecked_mut(self.len).write(value);
        }
        self.len += 1;
    }

    /// Swaps the top item with the one `n` below it, as SWAPn.
    ///
    /// # Safety
    /// The stack must hold more than `n` items.
    #[inline(always)]
    pub unsafe fn swap(&mut self, n: usize) {
        debug_assert!(n >= 1 && self.len > n);
        let top = self.len - 1;
        // SAFETY: the caller guarantees len > n, so both top and top - n are in bounds; the
        // pointers are distinct because n >= 1.
        unsafe {
            let base = self.data.as_mut_ptr();
            core::ptr::swap(base.add(top), base.add(top - n));
        }
    }
}

/// The top of a [`Stack`] as a raw pointer (one past the top item), which the interpreter loop
/// keeps in a register between instructions and writes back with [`Stack::set_top`].
///
/// Every operation is `unsafe` with the same contract as [`Stack`]'s unchecked operations: the
/// block (or per-instruction) check guarantees the items and the room.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StackPtr {
    top: *mut U256,
}

impl StackPtr {
    /// Number of items between `bottom` (from [`Stack::top_ptr_at_bottom`] of the same stack) and
    /// this pointer.
    #[inline(always)]
    pub(crate) fn height(&self, bottom: StackPtr) -> usize {
        // Both pointers are into the same allocation; plain address arithmetic avoids `unsafe`.
        (self.top as usize - bottom.top as usize) / core::mem::size_of::<U256>()
    }

    /// Removes and returns the top item.
    ///
    /// # Safety
    /// At least one item must be on the stack.
    #[inline(always)]
    pub(crate) unsafe fn pop(&mut self) -> U256 {
        // SAFETY: the caller guarantees an item below `top`.
        unsafe {
            self.top = self.top.sub(1);
            *self.top
        }
    }

    /// The top item.
    ///
    /// # Safety
    /// At least one item must be on the stack.
    #[inline(always)]
    pub(crate) unsafe fn top(&mut self) -> &mut U256 {
        // SAFETY: the caller guarantees an item below `top`.
        unsafe { &mut *self.top.sub(1) }
    }

    /// Pushes `value`.
    ///
    /// # Safety
    /// The stack must not be full.
    #[inline(always)]
    pub(crate) unsafe fn push(&mut self, value: U256) {
        // SAFETY: the caller guarantees room at `top`.
        unsafe {
            self.top.write(value);
            self.top = self.top.add(1);
        }
    }

    /// Pushes a copy of the `n`-th item from the top (1 = top).
    ///
    /// # Safety
    /// At least `n` items and room for one more.
    #[inline(always)]
    pub(crate) unsafe fn dup(&mut self, n: usize) {
        // SAFETY: the caller guarantees `n` items below `top` and room at `top`.
        unsafe {
            let value = *self.top.sub(n);
            self.push(value);
        }
    }

    /// Swaps the top item with the one `n` below it.
    ///
    /// # Safety
    /// More than `n` items.
    #[inline(always)]
    pub(crate) unsafe fn swap(&mut self, n: usize) {
        // SAFETY: the caller guarantees n + 1 items below `top`; the two pointers differ (n >= 1).
        unsafe { core::ptr::swap(self.top.sub(1), self.top.sub(n + 1)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_pop_dup_swap() {
        let mut s = Stack::new();
        let words = |v: &[u64]| v.iter().map(|&x| U256::from(x)).collect::<alloc::vec::Vec<_>>();
        // SAFETY: every operation below stays within the bounds it requires.
        unsafe {
            s.push(U256::from(1));
            s.push(U256::from(2));
            s.push(U256::from(3));
            s.dup(3);
            assert_eq!(s.as_slice(), words(&[1, 2, 3, 1]));
            s.swap(2);
            assert_eq!(s.as_slice(), words(&[1, 1, 3, 2]));
            *s.top() = U256::from(7);
            assert_eq!(s.pop(), U256::from(7));
            assert_eq!(s.pop(), U256::from(3));
        }
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn stack_pointer_round_trip() {
        let mut s = Stack::new();
        assert!(s.try_push(U256::from(1)));
        let mut p = s.top_ptr();
        // SAFETY: one item is present; two pushes and a dup fit; set_top gets a pointer moved
        // only by these operations.
        unsafe {
            p.push(U256::from(2));
            p.dup(2);
            p.swap(2);
            assert_eq!(p.pop(), U256::from(1));
            *p.top() += U256::from(5);
            s.set_top(p);
        }
        assert_eq!(s.as_slice(), [U256::from(1), U256::from(7)]);
    }

    #[test]
    fn checked_operations_respect_the_limit() {
        let mut s = Stack::new();
        for i in 0..STACK_LIMIT {
            assert!(s.try_push(U256::from(i)));
        }
        assert!(!s.try_push(U256::ZERO));
        assert_eq!(s.try_pop(), Some(U256::from(STACK_LIMIT - 1)));
        s.clear();
        assert_eq!(s.try_pop(), None);
    }
}
