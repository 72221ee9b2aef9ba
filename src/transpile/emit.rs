//! Code emission with labels: the transpiler writes items (bytes, label marks, PUSHes of label
//! addresses) and [`Emitter::assemble`] lays them out, resolving every label to its offset.

use alloc::vec::Vec;

use crate::opcode::{ADD, JUMP, JUMPDEST, PC, PUSH1};
use crate::primitives::U256;

/// Anything the emitter can PUSH.
pub(crate) trait ToWord {
    fn to_word(self) -> U256;
}

impl ToWord for U256 {
    fn to_word(self) -> U256 {
        self
    }
}

macro_rules! to_word {
    ($($t:ty),*) => {$(
        impl ToWord for $t {
            fn to_word(self) -> U256 {
                U256::from(self)
            }
        }
    )*};
}
to_word!(u8, u32, u64, usize);

/// A position in the output, resolved when the code is assembled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Label(pub(crate) u32);

impl Label {
    /// No label.
    pub(crate) const NONE: Label = Label(u32::MAX);
}

/// One piece of output.
#[derive(Clone, Debug)]
enum Item {
    /// Literal bytes: `Emitter::bytes[start..end]`.
    Bytes(u32, u32),
    /// PUSH of a label's offset: PUSH1 when the offset fits a byte, else PUSHn with n the
    /// address width.
    PushLabel(Label),
    /// PUSHn of a label's offset, n the address width whatever the offset (the call of a stub,
    /// whose return offset must not depend on where the stub is).
    PushLabelWide(Label),
    /// Where a label points (no bytes).
    Mark(Label),
    /// `PUSH1 n` with n the length of a stub call's `PC PUSHn stub JUMP` (see
    /// [`Emitter::call_stub`]), which depends on the address width.
    StubReturnOffset,
}

/// Accumulates output items.
#[derive(Clone, Debug, Default)]
pub(crate) struct Emitter {
    items: Vec<Item>,
    /// The literal bytes of every [`Item::Bytes`], in order.
    bytes: Vec<u8>,
    labels: u32,
}

/// A label used before it was marked, or marked twice: a transpiler bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LabelError(pub(crate) Label);

impl Emitter {
    /// A fresh label.
    pub(crate) fn label(&mut self) -> Label {
        self.labels += 1;
        Label(self.labels - 1)
    }

    /// Appends one opcode.
    pub(crate) fn op(&mut self, op: u8) -> &mut Self {
        self.bytes(&[op])
    }

    /// Appends several opcodes.
    pub(crate) fn ops(&mut self, ops: &[u8]) -> &mut Self {
        self.bytes(ops)
    }

    /// Appends raw bytes.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        let start = self.bytes.len() as u32;
        self.bytes.extend_from_slice(bytes);
        let end = self.bytes.len() as u32;
        match self.items.last_mut() {
            Some(Item::Bytes(_, last)) => *last = end,
            _ => self.items.push(Item::Bytes(start, end)),
        }
        self
    }

    /// Appends the shortest PUSH of `value`.
    pub(crate) fn push(&mut self, value: impl ToWord) -> &mut Self {
        let value = value.to_word();
        let bytes = value.to_be_bytes::<32>();
        let size = value.bit_len().div_ceil(8).max(1);
        let mut out = [0u8; 33];
        out[32 - size] = PUSH1 + size as u8 - 1;
        out[33 - size..].copy_from_slice(&bytes[32 - size..]);
        self.bytes(&out[32 - size..])
    }

    /// Appends a PUSH of `label`'s offset.
    pub(crate) fn push_label(&mut self, label: Label) -> &mut Self {
        self.items.push(Item::PushLabel(label));
        self
    }

    /// Marks `label` here.
    pub(crate) fn mark(&mut self, label: Label) -> &mut Self {
        self.items.push(Item::Mark(label));
        self
    }

    /// Marks `label` here with a JUMPDEST.
    pub(crate) fn jumpdest(&mut self, label: Label) -> &mut Self {
        self.mark(label).op(JUMPDEST)
    }

    /// `PUSH label JUMP`.
    pub(crate) fn jump_to(&mut self, label: Label) -> &mut Self {
        self.push_label(label).op(JUMP)
    }

    /// Calls a stub: `PC PUSHn stub JUMP JUMPDEST`. The stub returns to the pushed pc plus the
    /// length of the first three ([`Emitter::stub_return`]): the JUMPDEST.
    pub(crate) fn call_stub(&mut self, stub: Label) -> &mut Self {
        self.op(PC);
        self.items.push(Item::PushLabelWide(stub));
        self.op(JUMP).op(JUMPDEST)
    }

    /// Returns from a stub to its call site, whose pc is on top.
    pub(crate) fn stub_return(&mut self) -> &mut Self {
        self.items.push(Item::StubReturnOffset);
        self.op(ADD).op(JUMP)
    }

    /// Lays the items out with `width`-byte label addresses, and one-byte ones for the
    /// `short` pushes; returns the code and the offset of every label.
    fn layout(&self, width: usize, short: &[bool]) -> Result<(Vec<u8>, Vec<Option<usize>>), LabelError> {
        let mut offsets: Vec<Option<usize>> = alloc::vec![None; self.labels as usize];
        let mut at = 0usize;
        for (k, item) in self.items.iter().enumerate() {
            match item {
                Item::Bytes(start, end) => at += (end - start) as usize,
                Item::PushLabel(..) => at += if short[k] { 2 } else { 1 + width },
                Item::PushLabelWide(..) => at += 1 + width,
                Item::StubReturnOffset => at += 2,
                Item::Mark(l) => {
                    if offsets[l.0 as usize].replace(at).is_some() {
                        return Err(LabelError(*l));
                    }
                }
            }
        }
        let mut code = Vec::with_capacity(at);
        for (k, item) in self.items.iter().enumerate() {
            match item {
                Item::Bytes(start, end) => {
                    code.extend_from_slice(&self.bytes[*start as usize..*end as usize])
                }
                Item::PushLabel(l) | Item::PushLabelWide(l) => {
                    let value = offsets[l.0 as usize].ok_or(LabelError(*l))? as u64;
                    let n = if short[k] { 1 } else { width };
                    code.push(PUSH1 + n as u8 - 1);
                    code.extend_from_slice(&value.to_be_bytes()[8 - n..]);
                }
                Item::StubReturnOffset => code.extend_from_slice(&[PUSH1, 3 + width as u8]),
                Item::Mark(_) => {}
            }
        }
        Ok((code, offsets))
    }

    /// The assembled code and the offset of every label. Label addresses are PUSH2 (PUSH3 when
    /// the code is 64 KiB or more), except PUSH1 for the labels in the first 256 bytes: pushes
    /// are shortened until no more can be (shortening only moves labels down, so a label once
    /// below 256 stays there).
    pub(crate) fn assemble(&self) -> Result<(Vec<u8>, Vec<Option<usize>>), LabelError> {
        let mut short = alloc::vec![false; self.items.len()];
        let mut width = 2;
        loop {
            let (code, offsets) = self.layout(width, &short)?;
            // Label values stay below the code size.
            if width == 2 && code.len() >= 1 << 16 {
                width = 3;
                continue;
            }
            let mut changed = false;
            for (k, item) in self.items.iter().enumerate() {
                if let Item::PushLabel(l) = item
                    && !short[k]
                    && offsets[l.0 as usize].is_some_and(|at| at < 256)
                {
                    short[k] = true;
                    changed = true;
                }
            }
            if !changed {
                return Ok((code, offsets));
            }
        }
    }
}
