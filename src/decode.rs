//! The decoded instruction stream: raw code decoded once per (code hash, fork) into instructions
//! with pre-decoded immediates, resolved jump destinations and per-basic-block gas and stack
//! requirements (evmone's "advanced" analysis). The executor, the purity checker and the
//! transpiler read this form; none of them walks raw code bytes.

use alloc::sync::Arc;
use alloc::vec::Vec;

use bytes::Bytes;

use crate::fork::Fork;
use crate::opcode::{self, CALL, CALLER, JUMPDEST, JUMPI, OpFlags, PC, PUSH4, STOP};
use crate::primitives::{B256, Map, U256, keccak256};

/// Internal opcode that starts a basic block which does not begin with a JUMPDEST (the code's
/// entry, or a split of an overlong block). It is not an EVM instruction: tracers never see it.
pub const BEGIN_BLOCK: u8 = 0xb0;
const _: () = assert!(opcode::OPCODES[BEGIN_BLOCK as usize].is_none());

/// Internal opcode of the CALL inside a kall sequence when decoding the OVM dialect: the call to
/// the execution manager, served natively. It has CALL's stack effect (7 in, 1 out) and no static
/// gas: the manager charges what the emulated opcode costs (`spec/OVM.md` section 5).
pub const KALL: u8 = 0xb1;
const _: () = assert!(opcode::OPCODES[KALL as usize].is_none());

/// How code is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// Plain EVM code.
    Evm,
    /// OVM code run under the execution manager: the CALL of every kall sequence
    /// ([`opcode::sequences::KALL`]) decodes to [`KALL`].
    Ovm,
}

/// Executable opcode of every byte that the decode fork does not define: it halts exceptionally,
/// exactly like the designated INVALID.
pub const UNDEFINED: u8 = opcode::INVALID;

/// Marker in the jump table for code offsets that are not valid jump destinations.
const NOT_A_JUMPDEST: u32 = u32::MAX;

/// A block's static gas stays below this, so that the gas corrections in [`Instr::arg`] fit in
/// 32 bits; longer blocks are split with [`BEGIN_BLOCK`].
const MAX_BLOCK_GAS: u64 = 1 << 31;

/// One decoded instruction (8 bytes).
///
/// `arg` depends on `op`: PUSH1..PUSH4 hold the value itself; PUSH5..PUSH32 an index into the
/// push-value table; JUMPDEST and BEGIN_BLOCK the index of the block they start; JUMPI the block
/// that starts after it (its fall-through); JUMP right after a PUSH1..PUSH4 of a valid destination
/// the destination's instruction index plus one (0 otherwise: look the destination up); opcodes that read the gas left (GAS, CALL*, CREATE*,
/// SSTORE) the static gas of the instructions after them in their block, which was charged
/// ahead of time; PC the program counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Instr {
    /// The opcode to execute: the code byte if the fork defines it, [`UNDEFINED`] if not, or the
    /// internal [`BEGIN_BLOCK`].
    pub op: u8,
    /// The byte in the code (for [`BEGIN_BLOCK`], the byte of the instruction that follows).
    pub raw: u8,
    /// For JUMPDEST and BEGIN_BLOCK, the block's entry check inline (see
    /// [`DecodedCode::block_entry`]); 0 for other instructions.
    pub aux: u16,
    /// Operand; see the type's documentation.
    pub arg: u32,
}

/// [`Instr::aux`] of a block start whose entry check is not inline: `arg` is the block's index.
pub const BLOCK_IN_TABLE: u16 = u16::MAX;

/// The entry check of a block, read from its first instruction (JUMPDEST or BEGIN_BLOCK).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockEntry {
    /// Stack bounds and gas carried by the instruction itself (the common case, one memory
    /// access fewer): the block needs `required` items, grows by at most `growth`, costs `gas`
    /// and skips nothing.
    Inline {
        /// Minimum stack height on entry.
        required: u8,
        /// Largest height increase.
        growth: u8,
        /// Static gas.
        gas: u32,
    },
    /// The block at this index of the block table.
    Table(u32),
}

/// What a basic block needs before it runs: its total static gas and stack bounds.
///
/// A block that is a lone JUMPDEST followed by another JUMPDEST is merged with the blocks after
/// it: entering it charges and checks the whole run of JUMPDESTs and the first block that does
/// more, and skips the run's other JUMPDESTs (they have no effect but their gas, so charging it
/// up front changes nothing observable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct BlockInfo {
    /// Sum of the static gas of the block's instructions.
    pub gas: u32,
    /// Minimum stack height on entry so that no instruction of the block underflows.
    pub stack_required: u16,
    /// Largest height increase during the block, relative to the entry height.
    pub stack_max_growth: u16,
    /// Instructions after this block's first that entering it skips: the JUMPDESTs merged in.
    pub skip: u32,
}

/// Code decoded for one fork. Build it with [`DecodedCode::new`] or fetch it from a [`CodeCache`].
#[derive(Debug)]
pub struct DecodedCode {
    bytes: Bytes,
    /// How many of `bytes` are code; the rest is data (see [`DecodedCode::with_data`]).
    code_len: usize,
    /// Keccak-256 of the code, when the decoder was given it.
    hash: Option<B256>,
    fork: Fork,
    instrs: Vec<Instr>,
    pcs: Vec<u32>,
    jump_table: Vec<u32>,
    push_values: Vec<U256>,
    blocks: Vec<BlockInfo>,
}

/// One instruction as the code spells it: where it is, its byte and its immediate bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instruction<'a> {
    /// Offset of the opcode byte in the code.
    pub pc: usize,
    /// The opcode byte.
    pub opcode: u8,
    /// The immediate bytes present in the code (shorter than the PUSH size when truncated).
    pub immediate: &'a [u8],
}

impl Instruction<'_> {
    /// `true` when a PUSH's immediate runs past the end of the code.
    pub fn is_truncated(&self) -> bool {
        self.immediate.len() < opcode::immediate_size(self.opcode)
    }
}

/// What the first pass needs to know about one byte under one fork, in one lookup.
#[derive(Clone, Copy, Debug)]
struct ByteInfo {
    /// The opcode to execute ([`UNDEFINED`] for bytes the fork does not define).
    op: u8,
    /// Immediate bytes (PUSH data, in every fork, defined or not).
    immediate: u8,
    /// Static gas (for splitting overlong blocks).
    gas: u16,
    /// [`WIDE`], [`CALLS`], [`ENDS`].
    flags: u8,
}

/// PUSH5..PUSH32: the value goes to the push-value table.
const WIDE: u8 = 1;
/// A call or create: it ends its block, and a BEGIN_BLOCK follows it. The callee returns unused
/// gas, so the static gas of the instructions after a call is charged when it returns, never
/// before the call's own dynamic costs and its 63/64 allowance are worked out (found by the
/// execute_diff fuzz target against revm).
const CALLS: u8 = 2;
/// JUMPI or a terminating instruction: the next instruction starts a block.
const ENDS: u8 = 4;

/// What the second pass needs to know about one executable opcode (the `op` of an [`Instr`],
/// internal opcodes included) under one fork.
#[derive(Clone, Copy, Debug)]
struct OpEntry {
    gas: u16,
    inputs: u8,
    outputs: u8,
    /// [`STARTS`], [`ENDS`], [`READS_GAS`], [`NOTES`]; zero for most opcodes.
    flags: u8,
}

/// JUMPDEST or BEGIN_BLOCK: starts a block.
const STARTS: u8 = 8;
/// Reads the gas left: its `arg` gets the static gas of the rest of its block.
const READS_GAS: u8 = 16;
/// JUMP and PC: the second pass records something about them.
const NOTES: u8 = 32;

/// The largest static gas of any opcode in any fork: code shorter than
/// `MAX_BLOCK_GAS / MAX_STATIC_GAS` bytes can never need a block split.
const MAX_STATIC_GAS: u64 = {
    let mut max = 0;
    let mut b = 0;
    while b < 256 {
        if let Some(info) = &opcode::OPCODES[b] {
            let mut f = 0;
            while f < crate::fork::FORK_COUNT {
                if info.gas[f] as u64 > max {
                    max = info.gas[f] as u64;
                }
                f += 1;
            }
        }
        b += 1;
    }
    max
};

/// The first pass's table of `fork`, derived from the opcode table.
const fn byte_table(fork: Fork) -> [ByteInfo; 256] {
    let mut table = [ByteInfo { op: UNDEFINED, immediate: 0, gas: 0, flags: ENDS }; 256];
    let mut b = 0;
    while b < 256 {
        if let Some(info) = &opcode::OPCODES[b] {
            table[b].immediate = info.immediate_size;
            if info.immediate_size > 4 {
                table[b].flags |= WIDE;
            }
            if info.is_defined_in(fork) {
                let flags = info.flags;
                table[b].op = b as u8;
                table[b].gas = info.gas[fork.index()];
                table[b].flags &= !ENDS;
                if flags.contains(OpFlags::TERMINATES) || b as u8 == JUMPI {
                    table[b].flags |= ENDS;
                }
                if flags.contains(OpFlags::READS_GAS) && !matches!(b as u8, opcode::GAS | opcode::SSTORE) {
                    table[b].flags |= CALLS;
                }
            }
        }
        b += 1;
    }
    table
}

/// The second pass's table of `fork`: every opcode the fork defines, and the internal ones.
const fn op_table(fork: Fork) -> [OpEntry; 256] {
    let mut table = [OpEntry { gas: 0, inputs: 0, outputs: 0, flags: ENDS }; 256];
    let mut b = 0;
    while b < 256 {
        if let Some(info) = &opcode::OPCODES[b]
            && info.is_defined_in(fork)
        {
            let mut flags = 0;
            if info.flags.contains(OpFlags::TERMINATES) || b as u8 == JUMPI {
                flags |= ENDS;
            }
            if info.flags.contains(OpFlags::READS_GAS) {
                flags |= READS_GAS;
            }
            if b as u8 == JUMPDEST {
                flags |= STARTS;
            }
            if matches!(b as u8, opcode::JUMP | PC) {
                flags |= NOTES;
            }
            table[b] =
                OpEntry { gas: info.gas[fork.index()], inputs: info.inputs, outputs: info.outputs, flags };
        }
        b += 1;
    }
    table[BEGIN_BLOCK as usize] = OpEntry { gas: 0, inputs: 0, outputs: 0, flags: STARTS };
    // The manager charges a kall's CALL; the instruction itself has CALL's stack effect.
    table[KALL as usize] = OpEntry { gas: 0, inputs: 7, outputs: 1, flags: READS_GAS };
    table
}

/// Both passes' tables, one per fork, built at compile time (evmone keeps one table per
/// revision).
static TABLES: [([ByteInfo; 256], [OpEntry; 256]); crate::fork::FORK_COUNT] = {
    let empty = (
        [ByteInfo { op: 0, immediate: 0, gas: 0, flags: 0 }; 256],
        [OpEntry { gas: 0, inputs: 0, outputs: 0, flags: 0 }; 256],
    );
    let mut tables = [empty; crate::fork::FORK_COUNT];
    let mut f = 0;
    while f < crate::fork::FORK_COUNT {
        tables[f] = (byte_table(Fork::ALL[f]), op_table(Fork::ALL[f]));
        f += 1;
    }
    tables
};

/// The running totals of the block being decoded: static gas, stack height relative to the
/// entry, the height it needs on entry and its largest growth.
#[derive(Clone, Copy, Debug, Default)]
struct Totals {
    gas: u64,
    height: i32,
    required: i32,
    growth: i32,
}

impl Totals {
    #[inline(always)]
    fn add(&mut self, entry: OpEntry) {
        self.gas += u64::from(entry.gas);
        self.required = self.required.max(i32::from(entry.inputs) - self.height);
        self.height += i32::from(entry.outputs) - i32::from(entry.inputs);
        self.growth = self.growth.max(self.height);
    }

    /// The block's summary. A block needing more than 1024 items, or growing by more, can
    /// never run; saturating at u16::MAX keeps the entry check failing as it must.
    fn info(self) -> BlockInfo {
        BlockInfo {
            gas: self.gas as u32,
            stack_required: self.required.clamp(0, i32::from(u16::MAX)) as u16,
            stack_max_growth: self.growth.clamp(0, i32::from(u16::MAX)) as u16,
            skip: 0,
        }
    }
}

/// Merges every run of lone-JUMPDEST blocks into the block that ends the run (see
/// [`BlockInfo`]). `lone` lists, in code order, each JUMPDEST directly followed by another
/// JUMPDEST, with the index of its block (the next JUMPDEST's block is the one after it). They
/// are merged from the last backwards so that each merge builds on the next one, and their
/// entry checks move back to the block table (entering them skips instructions).
fn merge_jumpdest_runs(instrs: &mut [Instr], blocks: &mut [BlockInfo], lone: &[(u32, u32)]) {
    for &(at, block) in lone.iter().rev() {
        let next = blocks[block as usize + 1];
        let own = &mut blocks[block as usize];
        *own = BlockInfo {
            gas: own.gas.saturating_add(next.gas),
            stack_required: next.stack_required,
            stack_max_growth: next.stack_max_growth,
            skip: next.skip + 1,
        };
        instrs[at as usize].aux = BLOCK_IN_TABLE;
        instrs[at as usize].arg = block;
    }
}

impl DecodedCode {
    /// Decodes `bytes` for `fork`. Decoding never fails: bytes the fork does not define decode
    /// to [`UNDEFINED`], and a PUSH truncated by the end of the code reads zeros, as in the EVM.
    /// The code's hash is computed when [`DecodedCode::hash`] asks for it.
    pub fn new(bytes: Bytes, fork: Fork) -> DecodedCode {
        let len = bytes.len();
        decode(bytes, len, None, fork, Dialect::Evm)
    }

    /// Like [`DecodedCode::new`] when the caller already knows `keccak256(bytes)`.
    pub fn with_hash(bytes: Bytes, hash: B256, fork: Fork) -> DecodedCode {
        let len = bytes.len();
        decode(bytes, len, Some(hash), fork, Dialect::Evm)
    }

    /// Decodes `bytes` (whose hash is `hash`) for `fork` in `dialect`.
    pub fn with_dialect(bytes: Bytes, hash: B256, fork: Fork, dialect: Dialect) -> DecodedCode {
        let len = bytes.len();
        decode(bytes, len, Some(hash), fork, dialect)
    }

    /// Decodes only the first `code_len` bytes of `bytes` (at most all of them) as code: the
    /// rest is data, which CODECOPY and CODESIZE see but nothing executes (no jump lands in it;
    /// running into it is running off the end of the code, a STOP). The execution manager's
    /// opt-in data section of creation code ([`crate::opcode::sequences::CODE_END`]).
    pub fn with_data(bytes: Bytes, code_len: usize, hash: B256, fork: Fork, dialect: Dialect) -> DecodedCode {
        let code_len = code_len.min(bytes.len());
        decode(bytes, code_len, Some(hash), fork, dialect)
    }

    /// The raw bytes: the code and any data after it.
    #[inline]
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The part of [`DecodedCode::bytes`] that is code (all of it unless decoded
    /// [`DecodedCode::with_data`]).
    #[inline]
    pub fn code(&self) -> &[u8] {
        &self.bytes[..self.code_len]
    }

    /// Keccak-256 of the raw code (computed on each call when the code was decoded without it:
    /// [`CodeCache`] always passes it).
    #[inline]
    pub fn hash(&self) -> B256 {
        self.hash.unwrap_or_else(|| keccak256(&self.bytes))
    }

    /// The fork this code was decoded for.
    #[inline]
    pub fn fork(&self) -> Fork {
        self.fork
    }

    /// The executable instructions, ending with a STOP at the end of the code.
    #[inline]
    pub fn instrs(&self) -> &[Instr] {
        &self.instrs
    }

    /// The program counter of instruction `index`.
    #[inline]
    pub fn pc(&self, index: usize) -> usize {
        self.pcs[index] as usize
    }

    /// The basic block with this index.
    #[inline]
    pub fn block(&self, index: u32) -> &BlockInfo {
        &self.blocks[index as usize]
    }

    /// Number of basic blocks.
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// The entry check of the block that `instr` (a JUMPDEST or BEGIN_BLOCK of this code) starts.
    #[inline(always)]
    pub fn block_entry(&self, instr: &Instr) -> BlockEntry {
        if instr.aux == BLOCK_IN_TABLE {
            BlockEntry::Table(instr.arg)
        } else {
            BlockEntry::Inline { required: instr.aux as u8, growth: (instr.aux >> 8) as u8, gas: instr.arg }
        }
    }

    /// The full summary of the block that `instr` (a JUMPDEST or BEGIN_BLOCK of this code)
    /// starts, wherever it is kept.
    pub fn block_info(&self, instr: &Instr) -> BlockInfo {
        match self.block_entry(instr) {
            BlockEntry::Table(index) => *self.block(index),
            BlockEntry::Inline { required, growth, gas } => BlockInfo {
                gas,
                stack_required: u16::from(required),
                stack_max_growth: u16::from(growth),
                skip: 0,
            },
        }
    }

    /// The value pushed by the PUSH instruction `instr`.
    #[inline]
    pub fn push_value(&self, instr: &Instr) -> U256 {
        if instr.op <= PUSH4 { U256::from(instr.arg) } else { self.push_values[instr.arg as usize] }
    }

    /// The PUSH5..PUSH32 value stored at `index` (see [`Instr::arg`]).
    #[inline]
    pub fn wide_push_value(&self, index: u32) -> &U256 {
        &self.push_values[index as usize]
    }

    /// The instruction index of the JUMPDEST at `destination`, or `None` when `destination` is
    /// not a valid jump destination (out of range, not a JUMPDEST, or inside PUSH data).
    #[inline]
    pub fn jump_target(&self, destination: U256) -> Option<usize> {
        let pc = usize::try_from(destination).ok()?;
        match self.jump_table.get(pc) {
            Some(&index) if index != NOT_A_JUMPDEST => Some(index as usize),
            _ => None,
        }
    }

    /// `true` when `pc` is a JUMPDEST opcode that is not PUSH data.
    pub fn is_jumpdest(&self, pc: usize) -> bool {
        self.jump_table.get(pc).is_some_and(|&i| i != NOT_A_JUMPDEST)
    }

    /// The code's instructions as written, in order (without internal markers and without the
    /// implicit final STOP).
    pub fn instructions(&self) -> impl Iterator<Item = Instruction<'_>> + '_ {
        let code: &[u8] = self.code();
        self.instrs
            .iter()
            .zip(self.pcs.iter())
            .filter(move |(i, pc)| i.op != BEGIN_BLOCK && (**pc as usize) < code.len())
            .map(move |(i, &pc)| {
                let pc = pc as usize;
                let end = (pc + 1 + opcode::immediate_size(i.raw)).min(code.len());
                Instruction { pc, opcode: i.raw, immediate: &code[pc + 1..end] }
            })
    }

    /// Heap bytes held by this decoding (for cache accounting).
    pub fn heap_size(&self) -> usize {
        self.bytes.len()
            + self.instrs.capacity() * core::mem::size_of::<Instr>()
            + self.pcs.capacity() * 4
            + self.jump_table.capacity() * 4
            + self.push_values.capacity() * 32
            + self.blocks.capacity() * core::mem::size_of::<BlockInfo>()
    }
}

/// Decodes in two passes: [`instructions`] turns bytes into the instruction stream (a tight
/// loop over the variable-length code), [`basic_blocks`] then walks the stream to find blocks,
/// their gas and stack bounds, the jump table and the operands that depend on them.
fn decode(bytes: Bytes, code_len: usize, hash: Option<B256>, fork: Fork, dialect: Dialect) -> DecodedCode {
    let (bytes_table, op_table) = &TABLES[fork.index()];
    let code = &bytes[..code_len];
    // Only code this long could hold a block whose static gas needs splitting.
    let splits = code_len as u64 >= MAX_BLOCK_GAS / MAX_STATIC_GAS;
    let (mut instrs, pcs, push_values) = match (dialect, splits) {
        (Dialect::Evm, false) => instructions::<false, false>(code, bytes_table),
        (Dialect::Evm, true) => instructions::<false, true>(code, bytes_table),
        (Dialect::Ovm, false) => instructions::<true, false>(code, bytes_table),
        (Dialect::Ovm, true) => instructions::<true, true>(code, bytes_table),
    };
    let mut jump_table = alloc::vec![NOT_A_JUMPDEST; code_len];
    let blocks = basic_blocks(&mut instrs, &pcs, &mut jump_table, op_table);
    DecodedCode { bytes, code_len, hash, fork, instrs, pcs, jump_table, push_values, blocks }
}

/// Where the code of `bytes` ends if it holds the [`CODE_END`](crate::opcode::sequences::CODE_END)
/// marker as instructions (an INVALID at an instruction boundary, followed by the marker's
/// PUSH32): just after the first such marker. `None` when there is none.
pub fn code_end(bytes: &[u8]) -> Option<usize> {
    let marker = &opcode::sequences::CODE_END;
    let mut pc = 0;
    while let Some(&byte) = bytes.get(pc) {
        if byte == opcode::INVALID && bytes[pc..].starts_with(marker) {
            return Some(pc + marker.len());
        }
        pc += 1 + opcode::immediate_size(byte);
    }
    None
}

/// The first pass: every instruction with its immediate (PUSH1..PUSH4 in `arg`, wider ones in
/// the push-value table), a BEGIN_BLOCK at the start (unless the code starts with a JUMPDEST)
/// and after every call and create, and the final STOP. In the OVM dialect, the CALL of every
/// kall is [`KALL`]. With `SPLITS`, a block whose static gas would reach [`MAX_BLOCK_GAS`] is
/// split with a BEGIN_BLOCK.
fn instructions<const OVM: bool, const SPLITS: bool>(
    code: &[u8],
    table: &[ByteInfo; 256],
) -> (Vec<Instr>, Vec<u32>, Vec<U256>) {
    let len = code.len();
    // One instruction per byte at most, but a call is followed by a BEGIN_BLOCK; room runs out
    // only for code dense with calls, and then grows.
    let mut instrs: Vec<Instr> = Vec::with_capacity(len + 4);
    let mut pcs: Vec<u32> = Vec::with_capacity(len + 4);
    let mut push_values: Vec<U256> = Vec::new();
    if code.first() != Some(&JUMPDEST) {
        // The entry block's marker.
        let raw = code.first().copied().unwrap_or(STOP);
        instrs.push(Instr { op: BEGIN_BLOCK, raw, aux: BLOCK_IN_TABLE, arg: 0 });
        pcs.push(0);
    }
    // The static gas of the block so far (SPLITS only).
    let mut gas = 0u64;
    // The pc of the CALL of the kall sequence that started last (OVM dialect only).
    let mut kall_call_at = usize::MAX;
    let mut pc = 0usize;
    // Instructions are written straight into the vectors' spare capacity, `k` of them since
    // `instrs.len()`: no capacity check and no length update per instruction.
    loop {
        let (out, out_pcs) = (instrs.spare_capacity_mut(), pcs.spare_capacity_mut());
        // Room for an instruction, a BEGIN_BLOCK and the final STOP.
        let room = out.len().min(out_pcs.len()).saturating_sub(3);
        let mut k = 0usize;
        macro_rules! emit {
            ($instr:expr, $pc:expr) => {{
                out[k].write($instr);
                out_pcs[k].write($pc as u32);
                k += 1;
            }};
        }
        macro_rules! begin_block {
            ($pc:expr) => {
                emit!(
                    Instr {
                        op: BEGIN_BLOCK,
                        raw: code.get($pc).copied().unwrap_or(STOP),
                        aux: BLOCK_IN_TABLE,
                        arg: 0
                    },
                    $pc
                )
            };
        }
        while k < room
            && let Some(&raw) = code.get(pc)
        {
            let mut info = table[raw as usize];
            if OVM {
                if raw == CALLER && code[pc..].starts_with(&opcode::sequences::KALL) {
                    // A kall starts at this instruction (not inside PUSH data), so its CALL is
                    // the call to the manager.
                    kall_call_at = pc + opcode::sequences::KALL_CALL_OFFSET;
                } else if raw == CALL && pc == kall_call_at {
                    // Served by the manager, which charges it.
                    (info.op, info.gas) = (KALL, 0);
                }
            }
            if SPLITS {
                if info.op == JUMPDEST {
                    gas = 0;
                } else if gas + u64::from(info.gas) >= MAX_BLOCK_GAS {
                    begin_block!(pc);
                    gas = 0;
                }
                gas += u64::from(info.gas);
            }
            // The immediate's size from the byte itself rather than from the table: the next
            // pc, which the next iteration's loads wait for, is then ready sooner.
            let imm = if raw.wrapping_sub(opcode::PUSH1) < 32 { usize::from(raw - opcode::PUSH0) } else { 0 };
            let arg = if info.flags & WIDE != 0 {
                let start = pc + 1;
                let present = &code[start..(start + imm).min(len)];
                let mut word = [0u8; 32];
                word[32 - imm..32 - imm + present.len()].copy_from_slice(present);
                push_values.push(U256::from_be_bytes(word));
                (push_values.len() - 1) as u32
            } else {
                match code.get(pc + 1..pc + 5) {
                    // Big-endian, so the first `imm` bytes are the value's (zero for none).
                    Some(w) => {
                        (u64::from(u32::from_be_bytes([w[0], w[1], w[2], w[3]])) >> (32 - 8 * imm)) as u32
                    }
                    None => short_immediate(code, pc, imm),
                }
            };
            let aux = if info.op == JUMPDEST { BLOCK_IN_TABLE } else { 0 };
            emit!(Instr { op: info.op, raw, aux, arg }, pc);
            pc += 1 + imm;
            if info.flags & CALLS != 0 {
                begin_block!(pc);
                gas = 0;
            } else if SPLITS && info.flags & ENDS != 0 {
                gas = 0;
            }
        }
        if pc >= len {
            // Running off the end of the code is a STOP.
            emit!(Instr { op: STOP, raw: STOP, aux: 0, arg: 0 }, len);
        }
        let done = instrs.len() + k;
        // SAFETY: the loop initialised the first `k` elements of both vectors' spare capacity.
        unsafe {
            instrs.set_len(done);
            pcs.set_len(done);
        }
        if pc >= len {
            return (instrs, pcs, push_values);
        }
        instrs.reserve(len - pc + 3);
        pcs.reserve(len - pc + 3);
    }
}

/// The second pass: the basic blocks of the instruction stream (their static gas and stack
/// bounds, inline in their first instruction where they fit), the jump table, the `arg` of
/// JUMPDEST, BEGIN_BLOCK, JUMPI, PC, the gas readers and the JUMPs of pushed destinations,
/// and the merged runs of JUMPDESTs.
fn basic_blocks(
    instrs: &mut [Instr],
    pcs: &[u32],
    jump_table: &mut [u32],
    table: &[OpEntry; 256],
) -> Vec<BlockInfo> {
    let mut b =
        Blocks { list: Vec::with_capacity(instrs.len() / 4 + 2), first: u32::MAX, gas_readers: Vec::new() };
    // JUMPs right after a PUSH1..PUSH4: (the JUMP's index, the pushed destination).
    let mut static_jumps: Vec<(u32, u32)> = Vec::new();
    // JUMPDESTs directly followed by another, with their block (see [`merge_jumpdest_runs`]).
    let mut lone: Vec<(u32, u32)> = Vec::new();
    // The entry block is block 0, with its BEGIN_BLOCK if it has one.
    let mut start = 0;
    if instrs[0].op == BEGIN_BLOCK {
        b.first = 0;
        start = 1;
    }
    // The final STOP belongs to no block: running off the end needs no check.
    let end = instrs.len() - 1;
    let mut totals = Totals::default();
    for i in start..end {
        let op = instrs[i].op;
        let entry = table[op as usize];
        if entry.flags & (STARTS | READS_GAS | NOTES) != 0 {
            if entry.flags & STARTS != 0 {
                if op == JUMPDEST {
                    if i > 0 && instrs[i - 1].op == JUMPDEST {
                        lone.push((i as u32 - 1, b.list.len() as u32));
                    }
                    jump_table[pcs[i] as usize] = i as u32;
                }
                let index = b.next(instrs, core::mem::take(&mut totals), i as u32);
                // JUMPDEST and BEGIN_BLOCK: the block they start (until its check is inlined).
                instrs[i].arg = index as u32;
            }
            if entry.flags & READS_GAS != 0 {
                b.gas_readers.push((i, totals.gas + u64::from(entry.gas)));
            }
            if op == PC {
                instrs[i].arg = pcs[i];
            } else if op == opcode::JUMP && (opcode::PUSH1..=PUSH4).contains(&instrs[i - 1].op) {
                static_jumps.push((i as u32, instrs[i - 1].arg));
            }
        }
        totals.add(entry);
        if entry.flags & ENDS != 0 {
            // The next instruction starts a block: JUMPI's fall-through (checked by JUMPI),
            // or dead code that only a JUMPDEST can make reachable again.
            let index = b.next(instrs, core::mem::take(&mut totals), u32::MAX);
            if op == JUMPI {
                instrs[i].arg = index as u32;
            }
        }
    }
    b.next(instrs, totals, u32::MAX);
    let mut list = b.list;
    // The `next` above opened a block after the last one; it has no instructions.
    // A JUMP right after the PUSH of a valid destination carries the destination's instruction
    // index plus one, so that executing it needs no jump-table lookup. (The PUSH and the JUMP
    // are in one block, so the value on the stack at the JUMP is always that constant.)
    for (at, destination) in static_jumps {
        if let Some(&target) = jump_table.get(destination as usize)
            && target != NOT_A_JUMPDEST
        {
            instrs[at as usize].arg = target + 1;
        }
    }
    merge_jumpdest_runs(instrs, &mut list, &lone);
    list
}

/// The blocks found so far by [`basic_blocks`]; the one being built has index `list.len()`.
struct Blocks {
    list: Vec<BlockInfo>,
    /// The instruction that starts the current block and can carry its entry check (a
    /// JUMPDEST or BEGIN_BLOCK), or [`u32::MAX`]: blocks after a JUMPI or a halt start without.
    first: u32,
    /// The current block's gas readers: (instruction index, block gas up to and including it).
    gas_readers: Vec<(usize, u64)>,
}

impl Blocks {
    /// Closes the current block, whose totals are `totals`, and opens the next one (starting at
    /// instruction `first`, or at none: [`u32::MAX`]), returning its index. Closing writes the
    /// gas corrections of the block's gas readers, and its entry check into its first
    /// instruction when its bounds fit a byte each (`aux` = required | growth << 8, `arg` =
    /// gas); merging runs of JUMPDESTs may take it back out later.
    #[inline]
    fn next(&mut self, instrs: &mut [Instr], totals: Totals, first: u32) -> usize {
        if !self.gas_readers.is_empty() {
            for (at, charged) in self.gas_readers.drain(..) {
                instrs[at].arg = (totals.gas - charged) as u32;
            }
        }
        let info = totals.info();
        if self.first != u32::MAX && info.stack_required < 255 && info.stack_max_growth < 255 {
            let entry = &mut instrs[self.first as usize];
            entry.aux = info.stack_required | info.stack_max_growth << 8;
            entry.arg = info.gas;
        }
        self.list.push(info);
        self.first = first;
        self.list.len()
    }
}

/// The immediate of a PUSH1..PUSH4 at `pc` when fewer than four bytes follow it: bytes past the
/// end of the code read as zero (the value is right-padded).
#[cold]
fn short_immediate(code: &[u8], pc: usize, size: usize) -> u32 {
    let mut value = 0u32;
    for i in 0..size {
        value = (value << 8) | u32::from(code.get(pc + 1 + i).copied().unwrap_or(0));
    }
    value
}

/// Decoded code shared by every frame and transaction that runs it, keyed by code hash, for one
/// fork. Decoding happens once per code; later lookups are a hash-map probe.
#[derive(Debug)]
pub struct CodeCache {
    fork: Fork,
    dialect: Dialect,
    entries: Map<B256, Arc<DecodedCode>>,
}

impl CodeCache {
    /// An empty cache for `fork`.
    pub fn new(fork: Fork) -> CodeCache {
        CodeCache::with_dialect(fork, Dialect::Evm)
    }

    /// An empty cache for `fork` that decodes in `dialect`.
    pub fn with_dialect(fork: Fork, dialect: Dialect) -> CodeCache {
        CodeCache { fork, dialect, entries: Map::default() }
    }

    /// The fork the cached code is decoded for.
    pub fn fork(&self) -> Fork {
        self.fork
    }

    /// The dialect the cached code is decoded in.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The decoded form of `bytes`, whose hash is `hash`, decoding it on first use.
    pub fn get_or_decode(&mut self, hash: B256, bytes: &Bytes) -> Arc<DecodedCode> {
        let (fork, dialect) = (self.fork, self.dialect);
        self.entries
            .entry(hash)
            .or_insert_with(|| Arc::new(DecodedCode::with_dialect(bytes.clone(), hash, fork, dialect)))
            .clone()
    }

    /// Number of cached codes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::Asm;
    use crate::opcode::*;

    fn decode(code: &[u8]) -> DecodedCode {
        DecodedCode::new(Bytes::copy_from_slice(code), Fork::Cancun)
    }

    #[test]
    fn push_data_is_not_a_jumpdest() {
        // PUSH2 0x5b5b JUMPDEST
        let d = decode(&[PUSH2, JUMPDEST, JUMPDEST, JUMPDEST]);
        assert!(!d.is_jumpdest(1));
        assert!(!d.is_jumpdest(2));
        assert!(d.is_jumpdest(3));
        assert_eq!(d.jump_target(U256::from(3)), Some(2)); // BEGIN_BLOCK, PUSH2, JUMPDEST
        assert_eq!(d.jump_target(U256::from(1)), None);
        assert_eq!(d.jump_target(U256::MAX), None);
    }

    #[test]
    fn truncated_push_reads_zeros() {
        let d = decode(&[PUSH3, 0xaa]);
        let push = d.instrs().iter().find(|i| i.op == PUSH3).unwrap();
        assert_eq!(d.push_value(push), U256::from(0xaa0000u32));
        let d = decode(&[PUSH32, 0x01]);
        let push = d.instrs().iter().find(|i| i.op == PUSH32).unwrap();
        assert_eq!(d.push_value(push), U256::from(1) << 248);
        let all: Vec<_> = d.instructions().collect();
        assert_eq!(all.len(), 1);
        assert!(all[0].is_truncated());
    }

    #[test]
    fn blocks_sum_static_gas_and_stack_bounds() {
        // PUSH1 1 PUSH1 2 ADD POP | JUMPDEST STOP
        let d = decode(&Asm::new().push(1).push(2).op(ADD).op(POP).op(JUMPDEST).op(STOP).into_bytes());
        assert_eq!(d.instrs()[0].op, BEGIN_BLOCK);
        let entry = d.block(0);
        assert_eq!(entry.gas, 3 + 3 + 3 + 2);
        assert_eq!(entry.stack_required, 0);
        assert_eq!(entry.stack_max_growth, 2);
        let jumpdest = d.instrs().iter().find(|i| i.op == JUMPDEST).unwrap();
        assert_eq!(d.block_info(jumpdest).gas, 1);
    }

    #[test]
    fn runs_of_jumpdests_merge_into_the_block_after_them() {
        // JUMPDEST x3, then JUMPDEST PUSH1 1 POP STOP.
        let d = decode(&Asm::new().ops(&[JUMPDEST; 4]).push(1).op(POP).op(STOP).into_bytes());
        let infos: Vec<BlockInfo> = (0..4).map(|i| d.block_info(&d.instrs()[i])).collect();
        for (i, info) in infos.iter().enumerate() {
            let left = 3 - i as u32;
            assert_eq!(info.skip, left, "JUMPDEST {i}");
            assert_eq!(info.gas, left + 1 + 3 + 2, "JUMPDEST {i}");
            assert_eq!((info.stack_required, info.stack_max_growth), (0, 1), "JUMPDEST {i}");
        }
    }

    #[test]
    fn jumps_to_pushed_constants_are_linked() {
        // PUSH1 4 JUMP INVALID JUMPDEST PUSH1 9 JUMP: the first is linked, the second is not (9
        // is no JUMPDEST).
        let d = decode(&Asm::new().push(4).op(JUMP).op(INVALID).op(JUMPDEST).push(9).op(JUMP).into_bytes());
        let jumps: Vec<u32> = d.instrs().iter().filter(|i| i.op == JUMP).map(|i| i.arg).collect();
        assert_eq!(jumps, [d.jump_target(U256::from(4)).unwrap() as u32 + 1, 0]);
    }

    #[test]
    fn gas_readers_record_the_rest_of_their_block() {
        // GAS PUSH1 0 ADD STOP: 3 + 3 of static gas follow GAS.
        let d = decode(&Asm::new().op(GAS).push(0).op(ADD).op(STOP).into_bytes());
        let gas = d.instrs().iter().find(|i| i.op == GAS).unwrap();
        assert_eq!(gas.arg, 6);
    }

    #[test]
    fn undefined_and_fork_gated_bytes_decode_to_invalid() {
        let d = DecodedCode::new(Bytes::from_static(&[PUSH0, 0x0c]), Fork::London);
        let ops: Vec<u8> = d.instrs().iter().map(|i| i.op).collect();
        assert_eq!(ops, [BEGIN_BLOCK, UNDEFINED, UNDEFINED, STOP]);
        let d = DecodedCode::new(Bytes::from_static(&[PUSH0]), Fork::Shanghai);
        assert_eq!(d.instrs()[1].op, PUSH0);
    }

    #[test]
    fn jumpi_fallthrough_starts_a_block() {
        let d = decode(&Asm::new().push(0).push(0).op(JUMPI).push(1).op(STOP).into_bytes());
        let jumpi = d.instrs().iter().find(|i| i.op == JUMPI).unwrap();
        assert_eq!(d.block(jumpi.arg).gas, 3);
        assert_eq!(d.block(0).gas, 16);
    }

    #[test]
    fn overlong_blocks_are_split() {
        // 1.2 million LOG4s cost 2.25e9 gas of static gas in one straight line (calls and
        // creates, dearer, end their block anyway).
        let code = alloc::vec![LOG4; 1_200_000];
        let d = decode(&code);
        let begins = d.instrs().iter().filter(|i| i.op == BEGIN_BLOCK).count();
        assert_eq!(begins, 2);
        assert!((0..d.block_count() as u32).all(|b| u64::from(d.block(b).gas) < MAX_BLOCK_GAS));
    }

    #[test]
    fn code_dense_with_calls_has_a_block_after_each() {
        // Each CALL is followed by a BEGIN_BLOCK, so there are more instructions than bytes
        // (the first pass grows its buffers).
        let code = alloc::vec![CALL; 1000];
        let d = decode(&code);
        assert_eq!(d.instrs().len(), 1 + 2 * 1000 + 1);
        for (i, pair) in d.instrs()[1..2001].chunks(2).enumerate() {
            assert_eq!((pair[0].op, pair[1].op), (CALL, BEGIN_BLOCK), "call {i}");
            assert_eq!((d.pc(1 + 2 * i), d.pc(2 + 2 * i)), (i, i + 1));
        }
        assert_eq!(d.instrs().last().map(|i| i.op), Some(STOP));
    }

    #[test]
    fn kall_decodes_to_the_native_call_only_in_the_ovm_dialect() {
        let mut code = Asm::new().push(0).push(0).push(0).push(0).into_bytes();
        code.extend_from_slice(&opcode::sequences::KALL);
        let evm = DecodedCode::new(Bytes::from(code.clone()), Fork::Istanbul);
        assert!(evm.instrs().iter().any(|i| i.op == CALL) && !evm.instrs().iter().any(|i| i.op == KALL));
        let ovm =
            DecodedCode::with_dialect(Bytes::from(code.clone()), B256::ZERO, Fork::Istanbul, Dialect::Ovm);
        assert!(ovm.instrs().iter().any(|i| i.op == KALL) && !ovm.instrs().iter().any(|i| i.op == CALL));
        // A kall whose CALLER is PUSH data is no kall.
        let mut hidden = alloc::vec![opcode::PUSH1];
        hidden.extend_from_slice(&opcode::sequences::KALL);
        let pushed = DecodedCode::with_dialect(Bytes::from(hidden), B256::ZERO, Fork::Istanbul, Dialect::Ovm);
        assert!(!pushed.instrs().iter().any(|i| i.op == KALL));
        // A kall cut short by the end of the code is no kall.
        code.truncate(code.len() - 1);
        let cut = DecodedCode::with_dialect(Bytes::from(code), B256::ZERO, Fork::Istanbul, Dialect::Ovm);
        assert!(!cut.instrs().iter().any(|i| i.op == KALL));
    }

    #[test]
    fn cache_decodes_once() {
        let mut cache = CodeCache::new(Fork::Cancun);
        let bytes = Bytes::from_static(&[PUSH1, 1, STOP]);
        let hash = keccak256(&bytes);
        let a = cache.get_or_decode(hash, &bytes);
        let b = cache.get_or_decode(hash, &bytes);
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(cache.len(), 1);
    }
}
