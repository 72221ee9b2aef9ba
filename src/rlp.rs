//! Recursive Length Prefix: the encoders used to hash trie nodes and accounts, and a strict decoder.
//!
//! Yellow Paper appendix B defines the format. A byte string is either a single byte below
//! 0x80 (encoded as itself), or a header `0x80 + len` (len < 56) or `0xb7 + len_of_len`
//! followed by the big-endian length, then the bytes. A list is the same with base 0xc0 and
//! 0xf7 over the concatenated encodings of its items. The decoder accepts only the canonical
//! encoding of each value, as the consensus rules require, and never panics on any input.

use alloc::vec::Vec;

use crate::primitives::{Address, B256, U256};

/// The encoding of the empty byte string (and of the integer zero).
pub const EMPTY_STRING_CODE: u8 = 0x80;

/// The encoding of the empty list.
pub const EMPTY_LIST_CODE: u8 = 0xc0;

/// The deepest list nesting the decoder accepts; deeper input is rejected with
/// [`RlpError::TooDeep`] so that decoding and dropping the tree cannot overflow the stack.
pub const MAX_DEPTH: usize = 1024;

/// Why an RLP input was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RlpError {
    /// The input ended before an item's header or payload was complete.
    #[error("RLP input too short")]
    InputTooShort,
    /// A single byte below 0x80 was given a one-byte string header instead of standing alone.
    #[error("single byte below 0x80 must be encoded as itself")]
    NonCanonicalSingleByte,
    /// A long-form length starts with a zero byte.
    #[error("leading zero in an RLP length")]
    LeadingZeroLength,
    /// The long form was used for a payload shorter than 56 bytes.
    #[error("long-form RLP length used for a payload shorter than 56 bytes")]
    NonCanonicalLength,
    /// A length does not fit in `usize`.
    #[error("RLP length overflows")]
    LengthOverflow,
    /// Bytes follow the top-level item.
    #[error("trailing bytes after the RLP item")]
    TrailingBytes,
    /// Lists nest deeper than [`MAX_DEPTH`].
    #[error("RLP lists nested too deeply")]
    TooDeep,
    /// A byte string was expected but a list was found.
    #[error("expected an RLP byte string, found a list")]
    ExpectedBytes,
    /// A list was expected but a byte string was found.
    #[error("expected an RLP list, found a byte string")]
    ExpectedList,
    /// An integer has a leading zero byte (zero itself must be the empty string).
    #[error("leading zero byte in an RLP integer")]
    LeadingZeroInteger,
    /// An integer is too large for the type it is read into.
    #[error("RLP integer overflows its type")]
    IntegerOverflow,
    /// A fixed-size value (address or hash) has the wrong number of bytes.
    #[error("expected {expected} bytes, got {got}")]
    WrongLength {
        /// The size required.
        expected: usize,
        /// The size found.
        got: usize,
    },
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/// An item header: whether the item is a list, and the length of its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// True for a list, false for a byte string.
    pub list: bool,
    /// The number of payload bytes that follow the header.
    pub payload_len: usize,
}

impl Header {
    /// The number of bytes the header takes when encoded.
    #[inline]
    pub const fn length(&self) -> usize {
        if self.payload_len < 56 { 1 } else { 1 + be_len(self.payload_len as u64) }
    }

    /// The encoded header in a stack buffer, and how many of its leading bytes are used.
    ///
    /// Yellow Paper appendix B: payloads below 56 bytes get one byte `base + len`; longer
    /// ones get `base + 55 + len_of_len` and then the minimal big-endian length.
    #[inline]
    pub const fn to_array(&self) -> ([u8; 9], usize) {
        let base = if self.list { EMPTY_LIST_CODE } else { EMPTY_STRING_CODE };
        let mut out = [0u8; 9];
        if self.payload_len < 56 {
            out[0] = base + self.payload_len as u8;
            return (out, 1);
        }
        let len = self.payload_len as u64;
        let n = be_len(len);
        out[0] = base + 55 + n as u8;
        let bytes = len.to_be_bytes();
        let mut i = 0;
        while i < n {
            out[1 + i] = bytes[8 - n + i];
            i += 1;
        }
        (out, 1 + n)
    }

    /// Appends the encoded header to `out`.
    #[inline]
    pub fn encode(&self, out: &mut Vec<u8>) {
        let (bytes, len) = self.to_array();
        out.extend_from_slice(&bytes[..len]);
    }
}

/// The number of bytes in the minimal big-endian form of a non-zero `v` (zero gives 0).
#[inline]
const fn be_len(v: u64) -> usize {
    8 - (v.leading_zeros() / 8) as usize
}

/// Appends the header of a list whose payload is `payload_len` bytes long.
#[inline]
pub fn encode_list_header(out: &mut Vec<u8>, payload_len: usize) {
    Header { list: true, payload_len }.encode(out);
}

/// The encoded length of a list whose payload is `payload_len` bytes long.
#[inline]
pub const fn list_len(payload_len: usize) -> usize {
    Header { list: true, payload_len }.length() + payload_len
}

/// Appends a list whose payload (the concatenated encodings of its items) is already built.
#[inline]
pub fn encode_list(out: &mut Vec<u8>, payload: &[u8]) {
    out.reserve(list_len(payload.len()));
    encode_list_header(out, payload.len());
    out.extend_from_slice(payload);
}

/// Appends a list whose items `build` appends to the buffer it is given.
///
/// The header is written once the payload length is known; the payload is moved back by at
/// most eight bytes, so no second buffer is needed.
pub fn encode_list_with(out: &mut Vec<u8>, build: impl FnOnce(&mut Vec<u8>)) {
    let mark = out.len();
    out.extend_from_slice(&[0u8; 9]);
    build(out);
    let payload_len = out.len() - mark - 9;
    let (header, hlen) = Header { list: true, payload_len }.to_array();
    out[mark..mark + hlen].copy_from_slice(&header[..hlen]);
    out.copy_within(mark + 9.., mark + hlen);
    out.truncate(mark + hlen + payload_len);
}

/// Appends a byte string.
#[inline]
pub fn encode_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    if let [b] = bytes
        && *b < EMPTY_STRING_CODE
    {
        out.push(*b);
        return;
    }
    Header { list: false, payload_len: bytes.len() }.encode(out);
    out.extend_from_slice(bytes);
}

/// The encoded length of a byte string.
#[inline]
pub const fn bytes_len(bytes: &[u8]) -> usize {
    if bytes.len() == 1 && bytes[0] < EMPTY_STRING_CODE {
        1
    } else {
        Header { list: false, payload_len: bytes.len() }.length() + bytes.len()
    }
}

/// Appends an unsigned integer as its minimal big-endian bytes (zero is the empty string).
#[inline]
pub fn encode_u64(out: &mut Vec<u8>, value: u64) {
    if value < u64::from(EMPTY_STRING_CODE) {
        out.push(if value == 0 { EMPTY_STRING_CODE } else { value as u8 });
        return;
    }
    let n = be_len(value);
    out.push(EMPTY_STRING_CODE + n as u8);
    out.extend_from_slice(&value.to_be_bytes()[8 - n..]);
}

/// The encoded length of an unsigned integer.
#[inline]
pub const fn u64_len(value: u64) -> usize {
    if value < EMPTY_STRING_CODE as u64 { 1 } else { 1 + be_len(value) }
}

/// Appends a 256-bit unsigned integer as its minimal big-endian bytes (zero is the empty string).
#[inline]
pub fn encode_u256(out: &mut Vec<u8>, value: U256) {
    if let Ok(small) = u64::try_from(value) {
        encode_u64(out, small);
        return;
    }
    let bytes = value.to_be_bytes::<32>();
    let n = value.byte_len();
    out.push(EMPTY_STRING_CODE + n as u8);
    out.extend_from_slice(&bytes[32 - n..]);
}

/// The encoded length of a 256-bit unsigned integer.
#[inline]
pub fn u256_len(value: U256) -> usize {
    match u64::try_from(value) {
        Ok(small) => u64_len(small),
        Err(_) => 1 + value.byte_len(),
    }
}

/// Appends an address as a 20-byte string.
#[inline]
pub fn encode_address(out: &mut Vec<u8>, address: &Address) {
    out.push(EMPTY_STRING_CODE + 20);
    out.extend_from_slice(&address.0);
}

/// Appends a hash as a 32-byte string.
#[inline]
pub fn encode_b256(out: &mut Vec<u8>, hash: &B256) {
    out.push(EMPTY_STRING_CODE + 32);
    out.extend_from_slice(&hash.0);
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

/// One item split off the input without decoding a list's contents: the zero-allocation view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Raw<'a> {
    /// A byte string and its bytes.
    Bytes(&'a [u8]),
    /// A list and its payload (the concatenated encodings of its items, not yet checked).
    List(&'a [u8]),
}

/// Splits the first item off `input`, checking that its header is canonical and that its
/// payload fits; returns the item and the bytes after it.
pub fn split_first(input: &[u8]) -> Result<(Raw<'_>, &[u8]), RlpError> {
    let (&first, rest) = input.split_first().ok_or(RlpError::InputTooShort)?;
    let (list, payload_len, rest) = match first {
        // Yellow Paper appendix B: a single byte below 0x80 is its own encoding.
        0x00..=0x7f => return Ok((Raw::Bytes(&input[..1]), rest)),
        0x80..=0xb7 => (false, usize::from(first - 0x80), rest),
        0xb8..=0xbf => {
            let (len, rest) = long_length(rest, usize::from(first - 0xb7))?;
            (false, len, rest)
        }
        0xc0..=0xf7 => (true, usize::from(first - 0xc0), rest),
        0xf8..=0xff => {
            let (len, rest) = long_length(rest, usize::from(first - 0xf7))?;
            (true, len, rest)
        }
    };
    let (payload, rest) = rest.split_at_checked(payload_len).ok_or(RlpError::InputTooShort)?;
    if list {
        return Ok((Raw::List(payload), rest));
    }
    if let [b] = payload
        && *b < EMPTY_STRING_CODE
    {
        return Err(RlpError::NonCanonicalSingleByte);
    }
    Ok((Raw::Bytes(payload), rest))
}

/// Reads a long-form length of `len_of_len` bytes; it must have no leading zero and be at
/// least 56, or the short form would have been required.
fn long_length(input: &[u8], len_of_len: usize) -> Result<(usize, &[u8]), RlpError> {
    let (len_bytes, rest) = input.split_at_checked(len_of_len).ok_or(RlpError::InputTooShort)?;
    if len_bytes.first() == Some(&0) {
        return Err(RlpError::LeadingZeroLength);
    }
    let mut len: u64 = 0;
    for &b in len_bytes {
        // At most eight length bytes (0xbf - 0xb7), so this cannot overflow a u64.
        len = (len << 8) | u64::from(b);
    }
    let len = usize::try_from(len).map_err(|_| RlpError::LengthOverflow)?;
    if len < 56 {
        return Err(RlpError::NonCanonicalLength);
    }
    Ok((len, rest))
}

/// Iterates over the items of a list payload, splitting each one off in turn.
///
/// After an error the iterator ends.
#[derive(Debug, Clone)]
pub struct ListIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for ListIter<'a> {
    type Item = Result<Raw<'a>, RlpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match split_first(self.rest) {
            Ok((raw, rest)) => {
                self.rest = rest;
                Some(Ok(raw))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

impl<'a> Raw<'a> {
    /// The bytes of a byte string.
    pub fn as_bytes(self) -> Result<&'a [u8], RlpError> {
        match self {
            Raw::Bytes(b) => Ok(b),
            Raw::List(_) => Err(RlpError::ExpectedBytes),
        }
    }

    /// An iterator over the items of a list.
    pub fn items(self) -> Result<ListIter<'a>, RlpError> {
        match self {
            Raw::List(payload) => Ok(ListIter { rest: payload }),
            Raw::Bytes(_) => Err(RlpError::ExpectedList),
        }
    }

    /// Decodes the item fully, checking every nested item.
    pub fn to_item(self) -> Result<Item<'a>, RlpError> {
        raw_to_item(self, 0)
    }

    /// The byte string as a `u64` (canonical: no leading zero byte).
    pub fn as_u64(self) -> Result<u64, RlpError> {
        bytes_to_u64(self.as_bytes()?)
    }

    /// The byte string as a `U256` (canonical: no leading zero byte).
    pub fn as_u256(self) -> Result<U256, RlpError> {
        bytes_to_u256(self.as_bytes()?)
    }

    /// The byte string as an address (exactly 20 bytes).
    pub fn as_address(self) -> Result<Address, RlpError> {
        bytes_to_address(self.as_bytes()?)
    }

    /// The byte string as a hash (exactly 32 bytes).
    pub fn as_b256(self) -> Result<B256, RlpError> {
        bytes_to_b256(self.as_bytes()?)
    }
}

/// A decoded item: a byte string or a list of items, borrowing from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<'a> {
    /// A byte string.
    Bytes(&'a [u8]),
    /// A list of items.
    List(Vec<Item<'a>>),
}

/// Decodes exactly one canonical item spanning the whole input.
pub fn decode(input: &[u8]) -> Result<Item<'_>, RlpError> {
    let (item, rest) = decode_prefix(input)?;
    if !rest.is_empty() {
        return Err(RlpError::TrailingBytes);
    }
    Ok(item)
}

/// Decodes the first canonical item of the input and returns it with the bytes after it.
pub fn decode_prefix(input: &[u8]) -> Result<(Item<'_>, &[u8]), RlpError> {
    let (raw, rest) = split_first(input)?;
    Ok((raw_to_item(raw, 0)?, rest))
}

/// Decodes a split-off item, recursing into lists at most [`MAX_DEPTH`] deep.
fn raw_to_item(raw: Raw<'_>, depth: usize) -> Result<Item<'_>, RlpError> {
    match raw {
        Raw::Bytes(b) => Ok(Item::Bytes(b)),
        Raw::List(payload) => {
            if depth >= MAX_DEPTH {
                return Err(RlpError::TooDeep);
            }
            let mut items = Vec::new();
            // Each item of the payload must end inside it: `split_first` on the payload
            // slice rejects an item that runs past the list's end.
            for raw in (ListIter { rest: payload }) {
                items.push(raw_to_item(raw?, depth + 1)?);
            }
            Ok(Item::List(items))
        }
    }
}

impl<'a> Item<'a> {
    /// The bytes of a byte string.
    pub fn as_bytes(&self) -> Result<&'a [u8], RlpError> {
        match self {
            Item::Bytes(b) => Ok(b),
            Item::List(_) => Err(RlpError::ExpectedBytes),
        }
    }

    /// The items of a list.
    pub fn as_list(&self) -> Result<&[Item<'a>], RlpError> {
        match self {
            Item::List(items) => Ok(items),
            Item::Bytes(_) => Err(RlpError::ExpectedList),
        }
    }

    /// The byte string as a `u64` (canonical: no leading zero byte).
    pub fn as_u64(&self) -> Result<u64, RlpError> {
        bytes_to_u64(self.as_bytes()?)
    }

    /// The byte string as a `U256` (canonical: no leading zero byte).
    pub fn as_u256(&self) -> Result<U256, RlpError> {
        bytes_to_u256(self.as_bytes()?)
    }

    /// The byte string as an address (exactly 20 bytes).
    pub fn as_address(&self) -> Result<Address, RlpError> {
        bytes_to_address(self.as_bytes()?)
    }

    /// The byte string as a hash (exactly 32 bytes).
    pub fn as_b256(&self) -> Result<B256, RlpError> {
        bytes_to_b256(self.as_bytes()?)
    }

    /// The length of the item's encoding.
    pub fn encoded_len(&self) -> usize {
        match self {
            Item::Bytes(b) => bytes_len(b),
            Item::List(items) => list_len(items.iter().map(Item::encoded_len).sum()),
        }
    }

    /// Appends the item's (canonical) encoding to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Item::Bytes(b) => encode_bytes(out, b),
            Item::List(items) => {
                encode_list_header(out, items.iter().map(Item::encoded_len).sum());
                for item in items {
                    item.encode(out);
                }
            }
        }
    }
}

/// Yellow Paper appendix B: an integer is its minimal big-endian form, so a leading zero
/// byte (including a lone 0x00 for zero) is not canonical.
fn check_integer(bytes: &[u8], max_len: usize) -> Result<(), RlpError> {
    if bytes.first() == Some(&0) {
        return Err(RlpError::LeadingZeroInteger);
    }
    if bytes.len() > max_len {
        return Err(RlpError::IntegerOverflow);
    }
    Ok(())
}

fn bytes_to_u64(bytes: &[u8]) -> Result<u64, RlpError> {
    check_integer(bytes, 8)?;
    Ok(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

fn bytes_to_u256(bytes: &[u8]) -> Result<U256, RlpError> {
    check_integer(bytes, 32)?;
    U256::try_from_be_slice(bytes).ok_or(RlpError::IntegerOverflow)
}

fn bytes_to_address(bytes: &[u8]) -> Result<Address, RlpError> {
    let arr: [u8; 20] =
        bytes.try_into().map_err(|_| RlpError::WrongLength { expected: 20, got: bytes.len() })?;
    Ok(Address(arr))
}

fn bytes_to_b256(bytes: &[u8]) -> Result<B256, RlpError> {
    let arr: [u8; 32] =
        bytes.try_into().map_err(|_| RlpError::WrongLength { expected: 32, got: bytes.len() })?;
    Ok(B256(arr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn enc(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let mut out = Vec::new();
        f(&mut out);
        out
    }

    #[test]
    fn integers_encode_minimally() {
        assert_eq!(enc(|o| encode_u64(o, 0)), [0x80]);
        assert_eq!(enc(|o| encode_u64(o, 0x7f)), [0x7f]);
        assert_eq!(enc(|o| encode_u64(o, 0x80)), [0x81, 0x80]);
        assert_eq!(enc(|o| encode_u64(o, 0x0400)), [0x82, 0x04, 0x00]);
        assert_eq!(enc(|o| encode_u64(o, u64::MAX)), [&[0x88][..], &[0xff; 8]].concat());
        assert_eq!(enc(|o| encode_u256(o, U256::ZERO)), [0x80]);
        assert_eq!(enc(|o| encode_u256(o, U256::from(5))), [0x05]);
        assert_eq!(enc(|o| encode_u256(o, U256::MAX)), [&[0xa0][..], &[0xff; 32]].concat());
        let big = U256::from(1u8) << 64;
        assert_eq!(enc(|o| encode_u256(o, big)), [0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
        for v in [0u64, 1, 0x7f, 0x80, 0xff, 0x100, u64::MAX] {
            assert_eq!(enc(|o| encode_u64(o, v)).len(), u64_len(v));
            assert_eq!(decode(&enc(|o| encode_u64(o, v))).unwrap().as_u64(), Ok(v));
        }
        for v in [U256::ZERO, big, U256::MAX] {
            assert_eq!(enc(|o| encode_u256(o, v)).len(), u256_len(v));
            assert_eq!(decode(&enc(|o| encode_u256(o, v))).unwrap().as_u256(), Ok(v));
        }
    }

    #[test]
    fn fixed_size_values_round_trip() {
        let a = Address::from_low_u64(0x1234);
        let h = B256([7; 32]);
        let out = enc(|o| {
            encode_list_with(o, |o| {
                encode_address(o, &a);
                encode_b256(o, &h);
            })
        });
        assert_eq!(out.len(), list_len(21 + 33));
        let item = decode(&out).unwrap();
        let items = item.as_list().unwrap();
        assert_eq!(items[0].as_address(), Ok(a));
        assert_eq!(items[1].as_b256(), Ok(h));
        assert_eq!(items[0].as_b256(), Err(RlpError::WrongLength { expected: 32, got: 20 }));
        assert_eq!(items[0].as_list(), Err(RlpError::ExpectedList));
        assert_eq!(item.as_bytes(), Err(RlpError::ExpectedBytes));
    }

    #[test]
    fn list_helpers_agree_on_long_payloads() {
        for n in [0usize, 1, 55, 56, 255, 256, 70_000] {
            let payload = vec![0x01u8; n];
            let a = enc(|o| encode_list(o, &payload));
            let b = enc(|o| encode_list_with(o, |o| o.extend_from_slice(&payload)));
            assert_eq!(a, b, "payload {n}");
            assert_eq!(a.len(), list_len(n));
            let s = enc(|o| encode_bytes(o, &payload));
            assert_eq!(s.len(), bytes_len(&payload));
            assert_eq!(decode(&s).unwrap(), Item::Bytes(&payload));
        }
        // Appending after earlier content must leave that content alone.
        let out = enc(|o| {
            o.push(0xaa);
            encode_list_with(o, |o| encode_u64(o, 1));
        });
        assert_eq!(out, [0xaa, 0xc1, 0x01]);
    }

    #[test]
    fn integer_readers_reject_non_canonical_forms() {
        let item = |b: &'static [u8]| Item::Bytes(b);
        assert_eq!(item(&[]).as_u64(), Ok(0));
        assert_eq!(item(&[0]).as_u64(), Err(RlpError::LeadingZeroInteger));
        assert_eq!(item(&[0, 1]).as_u256(), Err(RlpError::LeadingZeroInteger));
        assert_eq!(item(&[1; 9]).as_u64(), Err(RlpError::IntegerOverflow));
        assert_eq!(item(&[1; 33]).as_u256(), Err(RlpError::IntegerOverflow));
        assert_eq!(item(&[1; 32]).as_u256().map(|v| v.byte_len()), Ok(32));
    }

    #[test]
    fn decoder_rejects_non_canonical_headers() {
        let cases: &[(&[u8], RlpError)] = &[
            (&[], RlpError::InputTooShort),
            (&[0x81, 0x00], RlpError::NonCanonicalSingleByte),
            (&[0x81, 0x7f], RlpError::NonCanonicalSingleByte),
            (&[0xb8, 0x01, 0xff], RlpError::NonCanonicalLength),
            (&[0xb8, 0x00], RlpError::LeadingZeroLength),
            (&[0xf8, 0x00], RlpError::LeadingZeroLength),
            (&[0xc2, 0x01], RlpError::InputTooShort),
            (&[0xc1, 0x82, 0x01, 0x02], RlpError::InputTooShort),
            (&[0x01, 0x02], RlpError::TrailingBytes),
            (&[0xc0, 0xc0], RlpError::TrailingBytes),
            (&[0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], RlpError::InputTooShort),
        ];
        for (input, err) in cases {
            assert_eq!(decode(input), Err(*err), "input {input:02x?}");
        }
        assert_eq!(decode(&[0x81, 0x80]), Ok(Item::Bytes(&[0x80])));
    }

    #[test]
    fn nesting_is_bounded() {
        let depth = 100_000;
        let mut inner = vec![EMPTY_LIST_CODE];
        for _ in 0..depth {
            let mut next = Vec::with_capacity(inner.len() + 9);
            encode_list(&mut next, &inner);
            inner = next;
        }
        assert_eq!(decode(&inner), Err(RlpError::TooDeep));
        let mut ok = vec![EMPTY_LIST_CODE];
        for _ in 0..MAX_DEPTH - 1 {
            let mut next = Vec::new();
            encode_list(&mut next, &ok);
            ok = next;
        }
        assert!(decode(&ok).is_ok());
    }

    #[test]
    fn raw_view_and_iterator() {
        // ["cat", 1024, []]
        let input = [0xc8, 0x83, b'c', b'a', b't', 0x82, 0x04, 0x00, 0xc0];
        let (raw, rest) = split_first(&input).unwrap();
        assert!(rest.is_empty());
        let items: Result<Vec<_>, _> = raw.items().unwrap().collect();
        let items = items.unwrap();
        assert_eq!(items[0].as_bytes(), Ok(&b"cat"[..]));
        assert_eq!(items[1].as_u64(), Ok(1024));
        assert_eq!(items[2], Raw::List(&[]));
        assert_eq!(raw.to_item().unwrap().encoded_len(), input.len());
        let bad = [0xc2, 0x81, 0x05];
        let mut it = split_first(&bad).unwrap().0.items().unwrap();
        assert_eq!(it.next(), Some(Err(RlpError::NonCanonicalSingleByte)));
        assert_eq!(it.next(), None);
    }

    /// A small deterministic generator (xorshift64*) so the fuzz test needs no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    fn random_item(rng: &mut Rng, depth: usize, out: &mut Vec<u8>) {
        if depth < 4 && rng.below(3) == 0 {
            let n = rng.below(5);
            encode_list_with(out, |o| {
                for _ in 0..n {
                    random_item(rng, depth + 1, o);
                }
            });
        } else {
            let len = match rng.below(4) {
                0 => 1,
                1 => rng.below(56),
                2 => 56 + rng.below(200),
                _ => rng.below(4),
            };
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            encode_bytes(out, &bytes);
        }
    }

    /// Canonical decoding means an accepted input re-encodes to itself; check that on random
    /// and mutated inputs, which must never panic.
    #[test]
    fn fuzz_decoder_never_panics_and_round_trips() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut accepted = 0;
        for round in 0..20_000 {
            let mut input = Vec::new();
            if round % 2 == 0 {
                random_item(&mut rng, 0, &mut input);
                assert_eq!(decode(&input).map(|i| i.encoded_len()), Ok(input.len()));
                // Mutate: flip, insert, delete or truncate a few bytes.
                for _ in 0..1 + rng.below(3) {
                    match rng.below(4) {
                        0 if !input.is_empty() => {
                            let i = rng.below(input.len());
                            input[i] ^= 1 << rng.below(8);
                        }
                        1 => {
                            let i = rng.below(input.len() + 1);
                            input.insert(i, rng.next() as u8);
                        }
                        2 if !input.is_empty() => {
                            let i = rng.below(input.len());
                            input.remove(i);
                        }
                        _ => {
                            let n = rng.below(input.len() + 1);
                            input.truncate(n);
                        }
                    }
                }
            } else {
                let len = rng.below(40);
                input = (0..len).map(|_| rng.next() as u8).collect();
            }
            if let Ok(item) = decode(&input) {
                accepted += 1;
                let mut again = Vec::new();
                item.encode(&mut again);
                assert_eq!(again, input, "accepted a non-canonical encoding");
                let _ = item.as_u64();
                let _ = item.as_u256();
            }
            if let Ok((raw, _)) = split_first(&input) {
                let _ = raw.items().map(|it| it.count());
            }
        }
        assert!(accepted > 1000, "only {accepted} inputs accepted");
    }

    #[cfg(feature = "std")]
    mod fixtures {

        use super::super::*;
        use crate::primitives::decode_hex;
        use alloc::string::String;
        use serde_json::Value;
        use std::fs;
        use std::path::{Path, PathBuf};

        /// The ethereum/tests checkout: `$OVM_ETHTESTS`, else `shared/ethtests` beside the
        /// crate, else the workplace's copy.
        fn ethtests_dir() -> PathBuf {
            if let Some(dir) = std::env::var_os("OVM_ETHTESTS") {
                return PathBuf::from(dir);
            }
            let candidates =
                [concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/ethtests"), "/work/shared/ethtests"];
            for dir in candidates {
                if Path::new(dir).is_dir() {
                    return PathBuf::from(dir);
                }
            }
            panic!(
                "ethereum/tests fixtures not found (tried {candidates:?}); set OVM_ETHTESTS to the checkout"
            );
        }

        fn load(rel: &str) -> serde_json::Map<String, Value> {
            load_path(&ethtests_dir().join(rel))
        }

        fn load_path(path: &Path) -> serde_json::Map<String, Value> {
            let text = fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()));
            match serde_json::from_str(&text) {
                Ok(Value::Object(map)) => map,
                other => panic!("fixture {} is not a JSON object: {other:?}", path.display()),
            }
        }

        /// Big-endian minimal bytes of a decimal number of any size.
        fn decimal_to_be(digits: &str) -> Vec<u8> {
            let mut out: Vec<u8> = Vec::new(); // Little-endian while building.
            for d in digits.bytes() {
                assert!(d.is_ascii_digit(), "bad digit in {digits}");
                let mut carry = u32::from(d - b'0');
                for byte in out.iter_mut() {
                    let v = u32::from(*byte) * 10 + carry;
                    *byte = v as u8;
                    carry = v >> 8;
                }
                while carry > 0 {
                    out.push(carry as u8);
                    carry >>= 8;
                }
            }
            out.reverse();
            out
        }

        fn encode_json(v: &Value, out: &mut Vec<u8>) {
            match v {
                Value::String(s) => match s.strip_prefix('#') {
                    Some(digits) => {
                        let be = decimal_to_be(digits);
                        if be.len() <= 32 {
                            let mut via_u256 = Vec::new();
                            encode_u256(&mut via_u256, U256::from_be_slice(&be));
                            let start = out.len();
                            encode_bytes(out, &be);
                            assert_eq!(&out[start..], &via_u256[..]);
                        } else {
                            encode_bytes(out, &be);
                        }
                    }
                    None => encode_bytes(out, s.as_bytes()),
                },
                Value::Number(n) => encode_u64(out, n.as_u64().expect("u64 integer")),
                Value::Array(items) => {
                    let mut payload = Vec::new();
                    for item in items {
                        encode_json(item, &mut payload);
                    }
                    encode_list(out, &payload);
                }
                other => panic!("unexpected input {other:?}"),
            }
        }

        fn matches(item: &Item<'_>, v: &Value) -> bool {
            match v {
                Value::String(s) => match s.strip_prefix('#') {
                    Some(digits) => {
                        let be = decimal_to_be(digits);
                        item.as_bytes() == Ok(&be[..])
                            && (be.len() > 32 || item.as_u256() == Ok(U256::from_be_slice(&be)))
                    }
                    None => item.as_bytes() == Ok(s.as_bytes()),
                },
                Value::Number(n) => item.as_u64().ok() == n.as_u64(),
                Value::Array(vs) => item.as_list().is_ok_and(|items| {
                    items.len() == vs.len() && items.iter().zip(vs).all(|(i, v)| matches(i, v))
                }),
                _ => false,
            }
        }

        fn out_bytes(case: &Value) -> Vec<u8> {
            let out = case["out"].as_str().expect("`out` is a string");
            decode_hex(out).expect("`out` is hex")
        }

        #[test]
        fn rlptest_json() {
            let cases = load("RLPTests/rlptest.json");
            assert!(cases.len() >= 20);
            for (name, case) in &cases {
                let expected = out_bytes(case);
                let mut got = Vec::new();
                encode_json(&case["in"], &mut got);
                assert_eq!(got, expected, "{name}: encoding");
                let item = decode(&expected).unwrap_or_else(|e| panic!("{name}: decode {e}"));
                assert!(matches(&item, &case["in"]), "{name}: decoded {item:?}");
                let mut again = Vec::new();
                item.encode(&mut again);
                assert_eq!(again, expected, "{name}: re-encoding");
            }
        }

        #[test]
        fn invalid_rlptest_json() {
            let cases = load("RLPTests/invalidRLPTest.json");
            assert!(cases.len() >= 20);
            for (name, case) in &cases {
                let input = out_bytes(case);
                let result = decode(&input);
                assert!(result.is_err(), "{name}: accepted as {result:?}");
            }
        }

        #[test]
        fn random_rlp_tests() {
            let dir = ethtests_dir().join("RLPTests/RandomRLPTests");
            let mut files: Vec<_> = fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
                .map(|e| e.expect("directory entry").path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            assert!(!files.is_empty(), "no fixtures in {}", dir.display());
            let mut count = 0;
            for file in files {
                let cases = load_path(&file);
                for (name, case) in &cases {
                    let input = out_bytes(case);
                    let item = decode(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
                    let mut again = Vec::new();
                    item.encode(&mut again);
                    assert_eq!(again, input, "{name}");
                    count += 1;
                }
            }
            assert!(count > 0);
        }
    }
}
