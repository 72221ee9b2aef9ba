//! Code emission with labels: the transpiler writes items (bytes, label marks, PUSHes of label
//! addresses) and [`Emitter::assemble`] lays them out, resolving every label to its offset.

use alloc::vec::Vec;

use crate::opcode::{JUMP, JUMPDEST, PUSH1};
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

/// One piece of output.
#[derive(Clone, Debug)]
enum Item {
    /// Literal bytes.
    Bytes(Vec<u8>),
    /// PUSHn of a label's offset, n the address width.
    PushLabel(Label),
    /// Where a label points (no bytes).
    Mark(Label),
}

/// Accumulates output items.
#[derive(Clone, Debug, Default)]
pub(crate) struct Emitter {
    items: Vec<Item>,
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
        match self.items.last_mut() {
            Some(Item::Bytes(b)) => b.extend_from_slice(bytes),
            _ => self.items.push(Item::Bytes(bytes.to_vec())),
        }
        self
    }

    /// Appends the shortest PUSH of `value`.
    pub(crate) fn push(&mut self, value: impl ToWord) -> &mut Self {
        let value = value.to_word();
        let bytes = value.to_be_bytes::<32>();
        let size = value.bit_len().div_ceil(8).max(1);
        let mut out = Vec::with_capacity(size + 1);
        out.push(PUSH1 + size as u8 - 1);
        out.extend_from_slice(&bytes[32 - size..]);
        self.bytes(&out)
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

    /// Calls a stub: pushes the return address, jumps, and marks the return point.
    pub(crate) fn call_stub(&mut self, stub: Label) -> &mut Self {
        let back = self.label();
        self.push_label(back).jump_to(stub).jumpdest(back)
    }

    /// Lays the items out with `width`-byte label addresses; returns the code and the offset of
    /// every label.
    fn layout(&self, width: usize) -> Result<(Vec<u8>, Vec<Option<usize>>), LabelError> {
        let mut offsets: Vec<Option<usize>> = alloc::vec![None; self.labels as usize];
        let mut at = 0usize;
        for item in &self.items {
            match item {
                Item::Bytes(b) => at += b.len(),
                Item::PushLabel(..) => at += 1 + width,
                Item::Mark(l) => {
                    if offsets[l.0 as usize].replace(at).is_some() {
                        return Err(LabelError(*l));
                    }
                }
            }
        }
        let mut code = Vec::with_capacity(at);
        for item in &self.items {
            match item {
                Item::Bytes(b) => code.extend_from_slice(b),
                Item::PushLabel(l) => {
                    let value = offsets[l.0 as usize].ok_or(LabelError(*l))? as u64;
                    code.push(PUSH1 + width as u8 - 1);
                    code.extend_from_slice(&value.to_be_bytes()[8 - width..]);
                }
                Item::Mark(_) => {}
            }
        }
        Ok((code, offsets))
    }

    /// The assembled code (label addresses as PUSH2, or PUSH3 when the code is 64 KiB or more)
    /// and the offset of every label.
    pub(crate) fn assemble(&self) -> Result<(Vec<u8>, Vec<Option<usize>>), LabelError> {
        let (code, offsets) = self.layout(2)?;
        // Label values stay below the code size.
        if code.len() < 1 << 16 { Ok((code, offsets)) } else { self.layout(3) }
    }
}
