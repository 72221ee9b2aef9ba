//! Writing and reading bytecode by hand: the [`Asm`] builder used by tests and examples, the
//! disassembler behind `ovm disasm`, and its inverse [`assemble`].

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::decode::DecodedCode;
use crate::fork::Fork;
use crate::opcode::{self, PUSH1};
use crate::primitives::{HexSlice, U256, decode_hex};

/// Anything [`Asm::push`] can push: unsigned integers, words, addresses and hashes.
pub trait Word {
    /// The value as a 256-bit word.
    fn to_word(self) -> U256;
}

macro_rules! word_from_uint {
    ($($t:ty),*) => {$(
        impl Word for $t {
            fn to_word(self) -> U256 {
                U256::from(self)
            }
        }
    )*};
}
word_from_uint!(u8, u16, u32, u64, u128, usize);

/// Integer literals: negative values push their two's complement.
impl Word for i32 {
    fn to_word(self) -> U256 {
        let magnitude = U256::from(self.unsigned_abs());
        if self < 0 { magnitude.wrapping_neg() } else { magnitude }
    }
}

impl Word for U256 {
    fn to_word(self) -> U256 {
        self
    }
}

impl Word for crate::primitives::Address {
    fn to_word(self) -> U256 {
        crate::primitives::Address::to_word(self)
    }
}

impl Word for crate::primitives::B256 {
    fn to_word(self) -> U256 {
        self.to_u256()
    }
}

/// A small bytecode builder: `Asm::new().push(1).push(2).op(ADD)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Asm {
    code: Vec<u8>,
}

impl Asm {
    /// An empty program.
    pub fn new() -> Asm {
        Asm::default()
    }

    /// Appends one opcode byte.
    pub fn op(mut self, opcode: u8) -> Asm {
        self.code.push(opcode);
        self
    }

    /// Appends several opcode bytes.
    pub fn ops(mut self, opcodes: &[u8]) -> Asm {
        self.code.extend_from_slice(opcodes);
        self
    }

    /// Appends the shortest PUSH1..PUSH32 of `value` (PUSH1 0 for zero, valid in every fork).
    pub fn push(self, value: impl Word) -> Asm {
        let value = value.to_word();
        let bytes = value.to_be_bytes::<32>();
        let size = (value.bit_len().div_ceil(8)).max(1);
        self.push_bytes(&bytes[32 - size..])
    }

    /// Appends a PUSH of exactly `bytes.len()` bytes (1..=32).
    pub fn push_bytes(mut self, bytes: &[u8]) -> Asm {
        assert!((1..=32).contains(&bytes.len()), "PUSH takes 1 to 32 bytes");
        self.code.push(PUSH1 + bytes.len() as u8 - 1);
        self.code.extend_from_slice(bytes);
        self
    }

    /// Appends raw bytes (data, or a deliberately truncated PUSH).
    pub fn raw(mut self, bytes: &[u8]) -> Asm {
        self.code.extend_from_slice(bytes);
        self
    }

    /// Appends `MSTORE(offset, value)`.
    pub fn mstore(self, offset: u64, value: impl Word) -> Asm {
        self.push(value).push(offset).op(opcode::MSTORE)
    }

    /// Appends `RETURN(offset, size)`.
    pub fn ret(self, offset: u64, size: u64) -> Asm {
        self.push(size).push(offset).op(opcode::RETURN)
    }

    /// Appends code that returns the 32-byte word on top of the stack.
    pub fn return_top(self) -> Asm {
        self.push(0).op(opcode::MSTORE).ret(0, 32)
    }

    /// Appends a kall to the execution manager (`spec/OVM.md` section 2.1) with calldata
    /// `mem[args_offset..+args_len]` and the result written to `mem[ret_offset..+ret_len]`.
    pub fn kall(self, args_offset: u64, args_len: u64, ret_offset: u64, ret_len: u64) -> Asm {
        self.push(ret_len).push(ret_offset).push(args_len).push(args_offset).ops(&opcode::sequences::KALL)
    }

    /// The current length: the offset where the next byte goes (for jump targets).
    pub fn len(&self) -> usize {
        self.code.len()
    }

    /// `true` when nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.code.is_empty()
    }

    /// The bytecode.
    pub fn into_bytes(self) -> Vec<u8> {
        self.code
    }
}

/// Disassembles `code`, one instruction per line as `{pc:08x}: MNEMONIC [0xIMMEDIATE]`, following
/// geth's `evm disasm`. A byte no fork defines is printed as `UNDEFINED 0x{byte}`; a truncated PUSH
/// shows only the immediate bytes present, so that [`assemble`] gives back the same bytes.
pub fn disassemble(code: &[u8]) -> String {
    let decoded = DecodedCode::new(bytes::Bytes::copy_from_slice(code), Fork::LATEST);
    let mut out = String::new();
    for ins in decoded.instructions() {
        let _ = write!(out, "{:08x}: ", ins.pc);
        match opcode::name(ins.opcode) {
            Some(name) => {
                out.push_str(name);
                if opcode::immediate_size(ins.opcode) > 0 {
                    let _ = write!(out, " 0x{}", HexSlice(ins.immediate));
                }
            }
            None => {
                let _ = write!(out, "UNDEFINED 0x{:02x}", ins.opcode);
            }
        }
        out.push('\n');
    }
    out
}

/// Why an assembly listing could not be assembled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssembleError {
    /// A mnemonic that is not in the opcode table.
    #[error("line {line}: unknown mnemonic")]
    UnknownMnemonic {
        /// 1-based line number.
        line: usize,
    },
    /// A PUSH without an immediate, a bad hex immediate, or one longer than the PUSH size.
    #[error("line {line}: bad or missing immediate")]
    BadImmediate {
        /// 1-based line number.
        line: usize,
    },
}

/// Assembles a listing in the format of [`disassemble`] (the `{pc}:` prefix is optional).
pub fn assemble(listing: &str) -> Result<Vec<u8>, AssembleError> {
    let mut code = Vec::new();
    for (n, line) in listing.lines().enumerate() {
        let line_no = n + 1;
        let text = match line.split_once(':') {
            Some((_, rest)) => rest.trim(),
            None => line.trim(),
        };
        if text.is_empty() {
            continue;
        }
        let mut parts = text.split_whitespace();
        let mnemonic = parts.next().unwrap_or_default();
        let immediate = parts.next();
        let bad = || AssembleError::BadImmediate { line: line_no };
        if mnemonic == "UNDEFINED" {
            let byte = decode_hex(immediate.ok_or_else(bad)?).map_err(|_| bad())?;
            let [b] = byte[..] else { return Err(bad()) };
            code.push(b);
            continue;
        }
        let op = opcode::from_name(mnemonic).ok_or(AssembleError::UnknownMnemonic { line: line_no })?;
        code.push(op);
        let size = opcode::immediate_size(op);
        if size > 0 {
            let bytes = decode_hex(immediate.ok_or_else(bad)?).map_err(|_| bad())?;
            if bytes.len() > size {
                return Err(bad());
            }
            code.extend_from_slice(&bytes);
        }
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opcode::*;

    #[test]
    fn builder_picks_the_shortest_push() {
        let code = Asm::new().push(0).push(0x1234).push(U256::MAX).op(ADD).into_bytes();
        assert_eq!(code[..5], [PUSH1, 0, PUSH2, 0x12, 0x34]);
        assert_eq!(code[5], PUSH32);
        assert_eq!(code.len(), 5 + 33 + 1);
    }

    #[test]
    fn disassembly_format() {
        let text = disassemble(&[PUSH1, 0x2a, 0x0c, PUSH2, 0xff]);
        assert_eq!(text, "00000000: PUSH1 0x2a\n00000002: UNDEFINED 0x0c\n00000003: PUSH2 0xff\n");
    }

    #[test]
    fn disassembly_round_trips() {
        let mut code: Vec<u8> = (0..=255u8).collect();
        code.extend_from_slice(&[PUSH32, 1, 2, 3]);
        assert_eq!(assemble(&disassemble(&code)).unwrap(), code);
    }

    #[test]
    fn assemble_reports_errors() {
        assert_eq!(assemble("FOO"), Err(AssembleError::UnknownMnemonic { line: 1 }));
        assert_eq!(assemble("ADD\nPUSH1"), Err(AssembleError::BadImmediate { line: 2 }));
        assert_eq!(assemble("PUSH1 0x0102"), Err(AssembleError::BadImmediate { line: 1 }));
    }
}
