//! Frame memory: a byte array that grows in 32-byte words as gas pays for it.

use alloc::vec::Vec;

use crate::primitives::U256;

/// The largest memory a frame may reach (4 GiB). Paying for it takes about 3.6e13 gas, so only an
/// absurd gas limit gets near; anything beyond is treated as out of gas instead of allocated.
pub const MEMORY_LIMIT: u64 = 1 << 32;

/// The memory of one frame. Its length is always a multiple of 32.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    data: Vec<u8>,
}

impl Memory {
    /// Empty memory.
    pub fn new() -> Memory {
        Memory::default()
    }

    /// Size in bytes (what MSIZE returns).
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// `true` when nothing has been touched.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Size in 32-byte words.
    #[inline(always)]
    pub fn words(&self) -> u64 {
        (self.data.len() / 32) as u64
    }

    /// Empties the memory, keeping the allocation for reuse.
    pub fn clear(&mut self) {
        self.data.clear();
    }

    /// Grows to `words` words (zero-filled). The caller has charged the gas.
    #[inline]
    pub fn grow(&mut self, words: u64) {
        let bytes = (words * 32) as usize;
        if bytes > self.data.len() {
            self.data.resize(bytes, 0);
        }
    }

    /// The whole memory.
    #[inline]
    pub fn as_slice(&self) -> &[u8] {
        &self.data
    }

    /// `len` bytes at `offset`. The range must be inside the memory.
    #[inline]
    pub fn slice(&self, offset: usize, len: usize) -> &[u8] {
        &self.data[offset..offset + len]
    }

    /// The 32-byte word at `offset`.
    #[inline(always)]
    pub fn load_word(&self, offset: usize) -> U256 {
        let mut word = [0u8; 32];
        word.copy_from_slice(&self.data[offset..offset + 32]);
        U256::from_be_bytes(word)
    }

    /// Stores a 32-byte word at `offset`.
    #[inline(always)]
    pub fn store_word(&mut self, offset: usize, value: &U256) {
        self.data[offset..offset + 32].copy_from_slice(&value.to_be_bytes::<32>());
    }

    /// Stores one byte at `offset`.
    #[inline(always)]
    pub fn store_byte(&mut self, offset: usize, value: u8) {
        self.data[offset] = value;
    }

    /// Writes `data` at `offset`.
    #[inline]
    pub fn store(&mut self, offset: usize, data: &[u8]) {
        self.data[offset..offset + data.len()].copy_from_slice(data);
    }

    /// Writes `len` bytes at `offset` taken from `source` starting at `source_offset`; bytes past
    /// the end of `source` are zero (CALLDATACOPY, CODECOPY, EXTCODECOPY semantics).
    pub fn store_padded(&mut self, offset: usize, len: usize, source: &[u8], source_offset: U256) {
        let target = &mut self.data[offset..offset + len];
        let start = usize::try_from(source_offset).unwrap_or(usize::MAX).min(source.len());
        let available = (source.len() - start).min(len);
        target[..available].copy_from_slice(&source[start..start + available]);
        target[available..].fill(0);
    }

    /// Copies `len` bytes from `source` to `target` within memory (MCOPY; ranges may overlap).
    #[inline]
    pub fn copy_within(&mut self, source: usize, target: usize, len: usize) {
        self.data.copy_within(source..source + len, target);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_store_zero_fills() {
        let mut m = Memory::new();
        m.grow(1);
        m.store(0, &[0xff; 32]);
        m.store_padded(0, 8, &[1, 2, 3], U256::from(1));
        assert_eq!(&m.as_slice()[..9], &[2, 3, 0, 0, 0, 0, 0, 0, 0xff]);
        m.store_padded(0, 4, &[1, 2, 3], U256::MAX);
        assert_eq!(&m.as_slice()[..4], &[0, 0, 0, 0]);
    }

    #[test]
    fn words_round_trip() {
        let mut m = Memory::new();
        m.grow(2);
        m.store_word(3, &U256::from(0x1234));
        assert_eq!(m.load_word(3), U256::from(0x1234));
        assert_eq!(m.words(), 2);
        m.copy_within(3, 32, 32);
        assert_eq!(m.load_word(32), U256::from(0x1234));
    }
}
