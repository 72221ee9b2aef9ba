//! Basic value types shared by every module: 256-bit words, addresses, hashes, hex and Keccak.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

pub use ruint::aliases::U256;

/// A 20-byte account address.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address(pub [u8; 20]);

impl From<&Address> for Address {
    #[inline]
    fn from(address: &Address) -> Address {
        *address
    }
}

/// A 32-byte hash or word in big-endian byte order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct B256(pub [u8; 32]);

/// Keccak-256 of the empty byte string: the code hash of an account without code.
pub const KECCAK_EMPTY: B256 = B256([
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5,
    0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70,
]);

/// Keccak-256 over `data`.
pub fn keccak256(data: &[u8]) -> B256 {
    use tiny_keccak::{Hasher, Keccak};
    let mut out = [0u8; 32];
    let mut hasher = Keccak::v256();
    hasher.update(data);
    hasher.finalize(&mut out);
    B256(out)
}

impl Address {
    /// The zero address.
    pub const ZERO: Address = Address([0; 20]);

    /// The address held in the low 20 bytes of a stack word.
    #[inline]
    pub fn from_word(word: U256) -> Address {
        let bytes = word.to_be_bytes::<32>();
        let mut out = [0u8; 20];
        out.copy_from_slice(&bytes[12..]);
        Address(out)
    }

    /// The address as a stack word (left-padded with zeros).
    #[inline]
    pub fn to_word(self) -> U256 {
        let mut bytes = [0u8; 32];
        bytes[12..].copy_from_slice(&self.0);
        U256::from_be_bytes(bytes)
    }

    /// The address of the precompile or account with this small number (`0x...0001` for 1).
    pub const fn from_low_u64(n: u64) -> Address {
        let mut out = [0u8; 20];
        let bytes = n.to_be_bytes();
        let mut i = 0;
        while i < 8 {
            out[12 + i] = bytes[i];
            i += 1;
        }
        Address(out)
    }

    /// Parses 40 hex digits, with or without `0x`.
    pub fn from_hex(s: &str) -> Result<Address, HexError> {
        let bytes = decode_hex(s)?;
        let arr: [u8; 20] =
            bytes.try_into().map_err(|v: Vec<u8>| HexError::Length { expected: 20, got: v.len() })?;
        Ok(Address(arr))
    }
}

impl B256 {
    /// The all-zero word.
    pub const ZERO: B256 = B256([0; 32]);

    /// The word as an unsigned integer (big-endian).
    #[inline]
    pub fn to_u256(self) -> U256 {
        U256::from_be_bytes(self.0)
    }

    /// The big-endian bytes of an unsigned integer.
    #[inline]
    pub fn from_u256(value: U256) -> B256 {
        B256(value.to_be_bytes::<32>())
    }

    /// Parses up to 64 hex digits (left-padded with zeros), with or without `0x`.
    pub fn from_hex(s: &str) -> Result<B256, HexError> {
        let bytes = decode_hex(s)?;
        if bytes.len() > 32 {
            return Err(HexError::Length { expected: 32, got: bytes.len() });
        }
        let mut out = [0u8; 32];
        out[32 - bytes.len()..].copy_from_slice(&bytes);
        Ok(B256(out))
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", HexSlice(&self.0))
    }
}
impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
impl fmt::Debug for B256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", HexSlice(&self.0))
    }
}
impl fmt::Display for B256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Lower-case hex of a byte slice, without a prefix, for `format!`.
pub struct HexSlice<'a>(pub &'a [u8]);

impl fmt::Display for HexSlice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Why a hex string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// A character that is not a hex digit, at this position (after any `0x`).
    #[error("invalid hex character {character:?} at position {position}")]
    InvalidCharacter {
        /// The offending character.
        character: char,
        /// Its index in the string, counted after the `0x` prefix.
        position: usize,
    },
    /// An odd number of hex digits.
    #[error("odd number of hex digits ({0})")]
    OddLength(usize),
    /// The decoded value has the wrong size.
    #[error("expected {expected} bytes, got {got}")]
    Length {
        /// The size required.
        expected: usize,
        /// The size found.
        got: usize,
    },
}

/// `0x`-prefixed lower-case hex of `bytes`.
pub fn encode_hex(bytes: &[u8]) -> String {
    use core::fmt::Write;
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("0x");
    let _ = write!(s, "{}", HexSlice(bytes));
    s
}

/// Decodes hex with or without a `0x` prefix; surrounding ASCII whitespace is ignored.
pub fn decode_hex(s: &str) -> Result<Vec<u8>, HexError> {
    let s = s.trim();
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
    if !digits.len().is_multiple_of(2) {
        return Err(HexError::OddLength(digits.len()));
    }
    let nibble = |position: usize, c: u8| -> Result<u8, HexError> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(HexError::InvalidCharacter {
                character: digits[position..].chars().next().unwrap_or('?'),
                position,
            }),
        }
    };
    let raw = digits.as_bytes();
    let mut out = Vec::with_capacity(raw.len() / 2);
    for i in (0..raw.len()).step_by(2) {
        out.push(nibble(i, raw[i])? << 4 | nibble(i + 1, raw[i + 1])?);
    }
    Ok(out)
}

/// A fast, deterministic hasher for the crate's hash maps (the Fx multiply-rotate hash over
/// 8-byte chunks). Keys are addresses, hashes and slots; iteration order never reaches a result
/// (`spec/OVM.md` section 6), so a fixed seed is enough.
#[derive(Clone, Copy, Debug, Default)]
pub struct FixedHasher;

impl core::hash::BuildHasher for FixedHasher {
    type Hasher = FxHasher;
    #[inline]
    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

/// The hasher built by [`FixedHasher`].
#[derive(Clone, Copy, Debug, Default)]
pub struct FxHasher(u64);

impl FxHasher {
    #[inline(always)]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl core::hash::Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map with the crate's deterministic hasher.
pub type Map<K, V> = hashbrown::HashMap<K, V, FixedHasher>;
/// A hash set with the crate's deterministic hasher.
pub type Set<K> = hashbrown::HashSet<K, FixedHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keccak_of_empty_is_the_constant() {
        assert_eq!(keccak256(&[]), KECCAK_EMPTY);
    }

    #[test]
    fn hex_round_trip_and_errors() {
        assert_eq!(decode_hex("0xdeadBEEF").unwrap(), [0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(decode_hex("").unwrap(), Vec::<u8>::new());
        assert_eq!(encode_hex(&[0, 1, 0xff]), "0x0001ff");
        assert_eq!(decode_hex("0x123"), Err(HexError::OddLength(3)));
        assert!(matches!(decode_hex("zz"), Err(HexError::InvalidCharacter { character: 'z', position: 0 })));
        assert!(matches!(decode_hex("0ag0"), Err(HexError::InvalidCharacter { position: 2, .. })));
    }

    #[test]
    fn address_word_round_trip() {
        let a = Address::from_hex("0x1000000000000000000000000000000000000001").unwrap();
        assert_eq!(Address::from_word(a.to_word()), a);
        assert_eq!(Address::from_low_u64(3).to_word(), U256::from(3));
        assert!(Address::from_hex("0x00").is_err());
    }
}
