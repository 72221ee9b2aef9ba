//! The slice of the Solidity ABI the execution manager speaks: reading method arguments from
//! calldata (strictly, as solc 0.7's ABI decoder does) and encoding results and revert data.

use alloc::vec::Vec;

use crate::primitives::{Address, U256};

/// Calldata that does not decode as the method's arguments. The manager then reverts without data,
/// as the Solidity manager did (which callers read as `OUT_OF_GAS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AbiError {
    /// Fewer bytes than the arguments need.
    #[error("calldata too short")]
    TooShort,
    /// An address word with non-zero upper bytes, or a bool/uint8 word out of range.
    #[error("argument out of range for its type")]
    OutOfRange,
    /// A `bytes` offset or length that points outside the calldata.
    #[error("dynamic argument out of bounds")]
    BadBytes,
}

/// Reads the static head words and dynamic `bytes` of one method's arguments (after the selector).
#[derive(Clone, Copy, Debug)]
pub struct Args<'a> {
    data: &'a [u8],
}

impl<'a> Args<'a> {
    /// The arguments in `data` (calldata without the 4-byte selector).
    pub fn new(data: &'a [u8]) -> Args<'a> {
        Args { data }
    }

    fn word_bytes(&self, index: usize) -> Result<&'a [u8], AbiError> {
        let start = index.checked_mul(32).ok_or(AbiError::TooShort)?;
        self.data.get(start..start + 32).ok_or(AbiError::TooShort)
    }

    /// Argument `index` as a 256-bit word.
    pub fn word(&self, index: usize) -> Result<U256, AbiError> {
        Ok(U256::from_be_slice(self.word_bytes(index)?))
    }

    /// Argument `index` as an address (the upper 12 bytes must be zero).
    pub fn address(&self, index: usize) -> Result<Address, AbiError> {
        let bytes = self.word_bytes(index)?;
        if bytes[..12].iter().any(|&b| b != 0) {
            return Err(AbiError::OutOfRange);
        }
        let mut out = [0u8; 20];
        out.copy_from_slice(&bytes[12..]);
        Ok(Address(out))
    }

    /// Argument `index` as a `uint8`.
    pub fn uint8(&self, index: usize) -> Result<u8, AbiError> {
        let word = self.word(index)?;
        u8::try_from(word).map_err(|_| AbiError::OutOfRange)
    }

    /// Argument `index` as `bytes`: the head word is the offset of `length ++ data`.
    pub fn bytes(&self, index: usize) -> Result<&'a [u8], AbiError> {
        let offset = usize::try_from(self.word(index)?).map_err(|_| AbiError::BadBytes)?;
        let len_word = self
            .data
            .get(offset..offset.checked_add(32).ok_or(AbiError::BadBytes)?)
            .ok_or(AbiError::BadBytes)?;
        let len = usize::try_from(U256::from_be_slice(len_word)).map_err(|_| AbiError::BadBytes)?;
        let start = offset + 32;
        self.data.get(start..start.checked_add(len).ok_or(AbiError::BadBytes)?).ok_or(AbiError::BadBytes)
    }
}

/// Appends a 32-byte word.
pub fn push_word(out: &mut Vec<u8>, word: U256) {
    out.extend_from_slice(&word.to_be_bytes::<32>());
}

/// Appends `length ++ data`, zero-padded to a whole number of words.
fn push_tail(out: &mut Vec<u8>, data: &[u8]) {
    push_word(out, U256::from(data.len()));
    out.extend_from_slice(data);
    out.resize(out.len() + (32 - data.len() % 32) % 32, 0);
}

/// `abi.encode(word)`.
pub fn encode_word(word: U256) -> Vec<u8> {
    word.to_be_bytes::<32>().to_vec()
}

/// `abi.encode(head, bytes)` for `(bool, bytes)` and `(address, bytes)` results.
pub fn encode_word_and_bytes(head: U256, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(96 + data.len() + 31);
    push_word(&mut out, head);
    push_word(&mut out, U256::from(64));
    push_tail(&mut out, data);
    out
}

/// `abi.encode(bytes)`.
pub fn encode_bytes(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + data.len() + 31);
    push_word(&mut out, U256::from(32));
    push_tail(&mut out, data);
    out
}

/// `abi.encode(a, b, c, bytes)`: the shape of execution-manager revert data.
pub fn encode_three_words_and_bytes(a: U256, b: U256, c: U256, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(160 + data.len() + 31);
    push_word(&mut out, a);
    push_word(&mut out, b);
    push_word(&mut out, c);
    push_word(&mut out, U256::from(128));
    push_tail(&mut out, data);
    out
}

/// The revert message `ovmCREATE`/`ovmCREATE2` return with CREATE_COLLISION (as the 2021 manager
/// did).
pub const COLLISION_MESSAGE: &str = "A contract has already been deployed to this address";

/// `abi.encodeWithSignature("Error(string)", message)`: a Solidity revert reason.
pub fn encode_revert_string(message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 64 + message.len() + 31);
    out.extend_from_slice(&[0x08, 0xc3, 0x79, 0xa0]);
    push_word(&mut out, U256::from(32));
    push_tail(&mut out, message.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip() {
        let encoded = encode_word_and_bytes(U256::from(1), b"hello");
        let args = Args::new(&encoded);
        assert_eq!(args.word(0), Ok(U256::from(1)));
        assert_eq!(args.bytes(1), Ok(&b"hello"[..]));
        assert_eq!(encoded.len(), 32 * 4);
        assert_eq!(Args::new(&encode_bytes(&[])).bytes(0), Ok(&[][..]));
    }

    #[test]
    fn strict_decoding() {
        let mut word = [0u8; 32];
        word[0] = 1;
        assert_eq!(Args::new(&word).address(0), Err(AbiError::OutOfRange));
        assert_eq!(Args::new(&word[..31]).word(0), Err(AbiError::TooShort));
        // Offset pointing past the end, and a huge length.
        let mut data = encode_bytes(b"abc");
        data[31] = 0xff;
        assert_eq!(Args::new(&data).bytes(0), Err(AbiError::BadBytes));
        let mut data = encode_bytes(b"abc");
        data[32..64].copy_from_slice(&U256::MAX.to_be_bytes::<32>());
        assert_eq!(Args::new(&data).bytes(0), Err(AbiError::BadBytes));
    }

    #[test]
    fn revert_string_is_error_selector() {
        // keccak256("Error(string)")[..4] = 0x08c379a0.
        assert_eq!(&crate::primitives::keccak256(b"Error(string)").0[..4], &encode_revert_string("x")[..4]);
    }
}
