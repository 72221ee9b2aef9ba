//! Frame memory: a byte array that grows in 32-byte words as gas pays for it.

use alloc::vec::Vec;

use crate::primitives::{B256, U256, keccak256};

/// The largest memory a frame may reach (4 GiB). Paying for it takes about 3.6e13 gas, so only an
/// absurd gas limit gets near; anything beyond is treated as out of gas instead of allocated.
pub const MEMORY_LIMIT: u64 = 1 << 32;

/// The memory of one frame. Its length is always a multiple of 32.
///
/// It also keeps a memo of recent KECCAK256 results for 32- and 64-byte inputs: the shapes
/// Solidity hashes to find array and mapping slots (`keccak256(slot)`,
/// `keccak256(key . slot)`), which compiled code recomputes for every read and write of the same
/// entry. The memo maps whole inputs to hashes, so it is never stale and travels with the buffer
/// when the interpreter reuses it for another frame.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    data: Vec<u8>,
    memo: HashMemo,
}

/// The allocation memory starts with when it first grows.
const INITIAL_CAPACITY: usize = 4096;

/// Entries in the hash memo (direct-mapped).
const MEMO_ENTRIES: usize = 64;

/// One remembered hash: the input (its first `len` bytes) and its Keccak-256.
#[derive(Clone, Copy)]
struct MemoEntry {
    len: u8,
    input: [u8; 64],
    hash: B256,
}

/// A direct-mapped memo of Keccak-256 over 32- and 64-byte inputs. The table holds small
/// indexes into `entries` (0: empty), which grows only as inputs are remembered: a transaction
/// that hashes twice pays for two entries, not for zeroing a whole table.
#[derive(Clone)]
struct HashMemo {
    slots: [u8; MEMO_ENTRIES],
    entries: Vec<MemoEntry>,
}

impl Default for HashMemo {
    fn default() -> HashMemo {
        HashMemo { slots: [0; MEMO_ENTRIES], entries: Vec::new() }
    }
}

impl core::fmt::Debug for HashMemo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("HashMemo")
    }
}

impl HashMemo {
    /// The entry `input` maps to: a multiplicative hash of its 8-byte words.
    #[inline]
    fn slot(input: &[u8]) -> usize {
        let mut h = input.len() as u64;
        for chunk in input.chunks_exact(8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            h = (h ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
        (h >> (64 - MEMO_ENTRIES.trailing_zeros())) as usize
    }
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
            if bytes > self.data.capacity() {
                // At least 4 KiB at once: compiled code grows memory a word or two at a time, and
                // reallocating (and copying) at each doubling from 32 bytes up showed in profiles
                // of short transactions.
                let want = bytes.max(2 * self.data.capacity()).max(INITIAL_CAPACITY);
                self.data.reserve_exact(want - self.data.len());
            }
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

    /// Keccak-256 of `len` bytes at `offset` (inside the memory), from the memo when the same
    /// 32- or 64-byte input was hashed recently.
    pub fn keccak256(&mut self, offset: usize, len: usize) -> B256 {
        let input = &self.data[offset..offset + len];
        if len != 32 && len != 64 {
            return keccak256(input);
        }
        let memo = &mut self.memo;
        let slot = HashMemo::slot(input);
        let index = usize::from(memo.slots[slot]);
        if let Some(entry) = index.checked_sub(1).and_then(|i| memo.entries.get(i))
            && usize::from(entry.len) == len
            && entry.input[..len] == *input
        {
            return entry.hash;
        }
        let hash = keccak256(input);
        let mut entry = MemoEntry { len: len as u8, input: [0; 64], hash };
        entry.input[..len].copy_from_slice(input);
        match index.checked_sub(1).and_then(|i| memo.entries.get_mut(i)) {
            Some(old) => *old = entry,
            None => {
                memo.entries.push(entry);
                // At most MEMO_ENTRIES (64) entries: each fills an empty slot, so this fits a u8.
                memo.slots[slot] = memo.entries.len() as u8;
            }
        }
        hash
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
    fn memoised_hashes_equal_fresh_ones() {
        let mut m = Memory::new();
        m.grow(4);
        let mut rng = crate::interpreter::tests::Rng(7);
        // Few distinct inputs (many hits, and collisions in the 64 entries), at every length
        // around the memoised ones.
        for round in 0..5000u64 {
            let value = U256::from(rng.next() % 200);
            m.store_word(0, &value);
            m.store_word(32, &U256::from(round % 3));
            let offset = (rng.next() % 3) as usize;
            for len in [0, 31, 32, 33, 63, 64, 65] {
                let expected = keccak256(&m.as_slice()[offset..offset + len]);
                assert_eq!(m.keccak256(offset, len), expected, "round {round}, offset {offset}, len {len}");
            }
        }
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
