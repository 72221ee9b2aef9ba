//! The shared stubs transpiled code calls instead of stateful opcodes: each is emitted once per
//! contract, entered with `PUSH ret PUSH stub JUMP` and left with `JUMP` to `ret`, and does its
//! manager call through the kall sequence.
//!
//! Memory stays as the contract would see it natively. Fixed-size calls save the low memory words
//! they use on the stack and restore them. Calls whose calldata has a `bytes` argument (CALL,
//! CREATE, ...) build it in a scratch area at the top of memory: the top of memory when it is all
//! zero (so repeated calls reuse the same area), else just above it; the area is zeroed again after
//! the call, so only MSIZE and gas can tell (the transpiler refuses code that reads MSIZE).
//! The return-data buffer holds the manager's ABI-wrapped result after a CALL or CREATE stub; the
//! RETURNDATASIZE and RETURNDATACOPY stubs read the inner data from it.
//!
//! The stubs are written against a named model of their own part of the stack ([`Stack`]), so
//! every DUP and SWAP index is computed from names, not counted by hand.

use alloc::vec::Vec;

use super::emit::{Emitter, Label, ToWord};
use crate::manager::Method;
use crate::opcode::*;
use crate::primitives::U256;

/// The most stack items a stub holds (its inputs included); the transpiler refuses call sites
/// where the original stack is too deep to leave that much room.
pub(crate) const STUB_STACK: usize = 32;

/// A named model of the stub's part of the stack (bottom first); emits DUP/SWAP by name.
struct Stack<'e> {
    e: &'e mut Emitter,
    names: Vec<&'static str>,
}

impl<'e> Stack<'e> {
    fn new(e: &'e mut Emitter, names: &[&'static str]) -> Self {
        Stack { e, names: names.to_vec() }
    }

    fn depth_of(&self, name: &str) -> usize {
        let at = self.names.iter().rposition(|n| *n == name);
        let at = at.unwrap_or_else(|| panic!("stub stack {:?} has no {name}", self.names));
        self.names.len() - at
    }

    /// DUPs `name` to the top, naming the copy `as_name`.
    fn dup_as(&mut self, name: &str, as_name: &'static str) -> &mut Self {
        let depth = self.depth_of(name);
        assert!((1..=16).contains(&depth), "DUP{depth} of {name} in {:?}", self.names);
        self.e.op(DUP1 + depth as u8 - 1);
        self.names.push(as_name);
        self.check_depth();
        self
    }

    fn dup(&mut self, name: &'static str) -> &mut Self {
        self.dup_as(name, name)
    }

    fn push(&mut self, value: impl ToWord, name: &'static str) -> &mut Self {
        self.e.push(value);
        self.names.push(name);
        self.check_depth();
        self
    }

    /// Stubs stay within [`STUB_STACK`] items of their own, so call sites only need that much
    /// room above the original stack.
    fn check_depth(&self) {
        assert!(self.names.len() <= STUB_STACK, "stub stack grew past {STUB_STACK}: {:?}", self.names);
    }

    /// An opcode consuming `inputs` items and leaving `output`, if any.
    fn op(&mut self, op: u8, inputs: usize, output: Option<&'static str>) -> &mut Self {
        self.e.op(op);
        for _ in 0..inputs {
            self.names.pop();
        }
        if let Some(o) = output {
            self.names.push(o);
        }
        self
    }

    /// Swaps the top with the item `depth` below it.
    fn swap(&mut self, depth: usize) -> &mut Self {
        assert!((1..=16).contains(&depth), "SWAP{depth} in {:?}", self.names);
        self.e.op(SWAP1 + depth as u8 - 1);
        let top = self.names.len() - 1;
        self.names.swap(top, top - depth);
        self
    }

    fn pop(&mut self) -> &mut Self {
        self.e.op(POP);
        self.names.pop();
        self
    }

    /// Returns from the stub: the stack must hold `ret` and at most one output, in either order.
    fn leave(&mut self) {
        match self.names.as_slice() {
            ["ret"] | [_, "ret"] => {}
            ["ret", _] => {
                self.swap(1);
            }
            other => panic!("stub leaves {other:?}"),
        }
        self.e.op(JUMP);
    }

    /// Removes `name` from wherever it is (the top item takes its place).
    fn drop(&mut self, name: &str) -> &mut Self {
        let depth = self.depth_of(name);
        if depth > 1 {
            self.swap(depth - 1);
        }
        self.pop()
    }

    /// Renames the item `from` (the topmost of that name).
    fn rename(&mut self, from: &str, to: &'static str) -> &mut Self {
        let at = self.names.len() - self.depth_of(from);
        self.names[at] = to;
        self
    }

    /// A second view of the same stack at a branch target (the emitter is shared).
    fn names(&self) -> Vec<&'static str> {
        self.names.clone()
    }

    /// Adds a signed constant to the top.
    fn add(&mut self, delta: i64) -> &mut Self {
        if delta > 0 {
            self.e.push(delta as u64).op(ADD);
        } else if delta < 0 {
            self.e.push((-delta) as u64).op(SWAP1).op(SUB);
        }
        self
    }

    /// Pushes `base + delta` named `name`.
    fn offset(&mut self, base: &str, delta: i64, name: &'static str) -> &mut Self {
        self.dup_as(base, name).add(delta)
    }

    /// Pushes `MLOAD(base + delta)` named `name`.
    fn mload(&mut self, base: &str, delta: i64, name: &'static str) -> &mut Self {
        self.offset(base, delta, "addr").op(MLOAD, 1, Some(name))
    }

    /// `MSTORE(base + delta, value)`; `value` stays.
    fn mstore(&mut self, base: &str, delta: i64, value: &str) -> &mut Self {
        self.dup_as(value, "v").offset(base, delta, "addr").op(MSTORE, 2, None)
    }

    /// `MSTORE(constant, value)` consuming the top item.
    fn mstore_top_at(&mut self, address: u64) -> &mut Self {
        self.push(address, "addr").op(MSTORE, 2, None)
    }

    /// Jumps to `label` when the top is non-zero (consumes it).
    fn jumpi(&mut self, label: Label) -> &mut Self {
        self.e.push_label(label).op(JUMPI);
        self.names.pop();
        self
    }

    /// The kall with its four arguments taken from names.
    fn kall(&mut self, args_offset: &str, args_len: &str, ret_offset: &str, ret_len: &str) -> &mut Self {
        self.dup_as(ret_len, "k").dup_as(ret_offset, "k").dup_as(args_len, "k").dup_as(args_offset, "k");
        self.e.ops(&sequences::KALL);
        self.names.truncate(self.names.len() - 4);
        self
    }

    /// kopy: the identity precompile copies `memory[src..src+len]` to `memory[dst..dst+len]`.
    fn kopy(&mut self, src: &str, dst: &str, len: &str) -> &mut Self {
        self.dup_as(len, "k").dup_as(dst, "k").dup_as(len, "k").dup_as(src, "k");
        self.e.ops(&sequences::KOPY);
        self.names.truncate(self.names.len() - 4);
        self.names.push("ok");
        self.pop()
    }
}

/// Which stub an instruction uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum StubKind {
    /// A method without arguments returning a word (ADDRESS, CALLER, TIMESTAMP, ...).
    Get0(Method),
    /// A method taking one word and returning one (SLOAD).
    Call1(Method),
    /// A method taking an address and returning a word (EXTCODESIZE, EXTCODEHASH).
    Call1Address(Method),
    /// SSTORE.
    Store2,
    /// REVERT.
    Revert,
    /// CALL, STATICCALL, DELEGATECALL.
    Call(Method),
    /// CREATE.
    Create,
    /// CREATE2.
    Create2,
    /// RETURNDATASIZE.
    ReturnDataSize,
    /// RETURNDATACOPY.
    ReturnDataCopy,
    /// CODECOPY of stored constants.
    CodeCopy,
    /// EXTCODECOPY.
    ExtCodeCopy,
}

impl StubKind {
    /// A name for reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            StubKind::Get0(m) | StubKind::Call1(m) | StubKind::Call1Address(m) | StubKind::Call(m) => {
                m.signature()
            }
            StubKind::Store2 => Method::Sstore.signature(),
            StubKind::Revert => Method::Revert.signature(),
            StubKind::Create => Method::Create.signature(),
            StubKind::Create2 => Method::Create2.signature(),
            StubKind::ReturnDataSize => "RETURNDATASIZE",
            StubKind::ReturnDataCopy => "RETURNDATACOPY",
            StubKind::CodeCopy => "CODECOPY of stored constants",
            StubKind::ExtCodeCopy => Method::ExtCodeCopy.signature(),
        }
    }
}

/// The stubs a contract uses, each with its label.
#[derive(Debug, Default)]
pub(crate) struct Stubs {
    used: Vec<(StubKind, Label)>,
}

impl Stubs {
    /// The label of `kind`'s stub, allocating it on first use.
    pub(crate) fn label(&mut self, e: &mut Emitter, kind: StubKind) -> Label {
        if let Some((_, l)) = self.used.iter().find(|(k, _)| *k == kind) {
            return *l;
        }
        let l = e.label();
        self.used.push((kind, l));
        l
    }

    /// The stubs used, for the report.
    pub(crate) fn kinds(&self) -> Vec<StubKind> {
        let mut kinds: Vec<StubKind> = self.used.iter().map(|(k, _)| *k).collect();
        kinds.sort();
        kinds
    }

    /// Emits every stub used.
    pub(crate) fn emit(&self, e: &mut Emitter) {
        let mut used = self.used.clone();
        used.sort_by_key(|(k, _)| *k);
        for (kind, at) in used {
            match kind {
                StubKind::Get0(m) => get0(e, at, m),
                StubKind::Call1(m) => call1(e, at, m, false),
                StubKind::Call1Address(m) => call1(e, at, m, true),
                StubKind::Store2 => store2(e, at),
                StubKind::Revert => revert(e, at),
                StubKind::Call(m) => call(e, at, m),
                StubKind::Create => create(e, at, false),
                StubKind::Create2 => create(e, at, true),
                StubKind::ReturnDataSize => returndatasize(e, at),
                StubKind::ReturnDataCopy => returndatacopy(e, at),
                StubKind::CodeCopy => codecopy(e, at),
                StubKind::ExtCodeCopy => extcodecopy(e, at),
            }
        }
    }
}

/// Pushes a method's selector word.
fn push_selector(e: &mut Emitter, method: Method) {
    e.push(u32::from_be_bytes(method.selector())).push(224u8).op(SHL);
}

/// Pushes the selector word of `method`, named `sel`.
fn selector(s: &mut Stack<'_>, method: Method) {
    s.push(u32::from_be_bytes(method.selector()), "sel").push(224u8, "n").op(SHL, 2, Some("sel"));
}

/// `[.. ret] -> [.. value]`.
fn get0(e: &mut Emitter, at: Label, method: Method) {
    e.jumpdest(at);
    let mut s = Stack::new(e, &["ret"]);
    selector(&mut s, method);
    s.push(0u8, "a").op(MLOAD, 1, Some("w0"));
    s.dup("sel").mstore_top_at(0);
    s.push(32u8, "rl").push(0u8, "ro").push(4u8, "al").push(0u8, "ao");
    s.kall("ao", "al", "ro", "rl");
    s.pop().pop().pop().pop();
    s.push(0u8, "a").op(MLOAD, 1, Some("value"));
    s.swap(1).mstore_top_at(0); // w0 back
    s.drop("sel");
    s.leave();
}

/// `[.. x ret] -> [.. value]`; `x` is masked to an address first when `address` is set (the
/// opcodes read only its low 20 bytes, the manager's ABI decoder insists on clean ones).
fn call1(e: &mut Emitter, at: Label, method: Method, address: bool) {
    e.jumpdest(at);
    let mut s = Stack::new(e, &["x", "ret"]);
    selector(&mut s, method);
    s.push(0u8, "a").op(MLOAD, 1, Some("w0"));
    s.push(32u8, "a").op(MLOAD, 1, Some("w1"));
    s.dup("sel").mstore_top_at(0);
    s.dup("x");
    if address {
        mask_address(&mut s);
    }
    s.mstore_top_at(4);
    s.push(32u8, "rl").push(0u8, "ro").push(36u8, "al").push(0u8, "ao");
    s.kall("ao", "al", "ro", "rl");
    s.pop().pop().pop().pop();
    s.push(0u8, "a").op(MLOAD, 1, Some("value"));
    s.swap(1).mstore_top_at(32); // w1 back
    s.swap(1).mstore_top_at(0); // w0 back
    s.drop("x").drop("sel");
    s.leave();
}

/// `[.. b a ret] -> [..]` (SSTORE: `a` is the key, on top).
fn store2(e: &mut Emitter, at: Label) {
    e.jumpdest(at);
    let mut s = Stack::new(e, &["b", "a", "ret"]);
    selector(&mut s, Method::Sstore);
    s.push(0u8, "p").op(MLOAD, 1, Some("w0"));
    s.push(32u8, "p").op(MLOAD, 1, Some("w1"));
    s.push(64u8, "p").op(MLOAD, 1, Some("w2"));
    s.dup("sel").mstore_top_at(0);
    s.dup("a").mstore_top_at(4);
    s.dup("b").mstore_top_at(36);
    s.push(0u8, "rl").push(0u8, "ro").push(68u8, "al").push(0u8, "ao");
    s.kall("ao", "al", "ro", "rl");
    s.pop().pop().pop().pop();
    s.mstore_top_at(64); // w2 back
    s.mstore_top_at(32); // w1 back
    s.mstore_top_at(0); // w0 back
    s.drop("b").drop("a").drop("sel");
    s.leave();
}

/// `[.. len off] ->` (never returns): ovmREVERT with `memory[off..off+len]`. The 68-byte header
/// goes right below the data (data starting below 68 is first copied up with kopy; a reverting
/// frame's memory does not matter).
fn revert(e: &mut Emitter, at: Label) {
    let (zero, low, build) = (e.label(), e.label(), e.label());
    e.jumpdest(at);
    let mut s = Stack::new(e, &["len", "off"]);
    s.dup("len").op(ISZERO, 1, Some("c")).jumpi(zero);
    s.push(68u8, "n").dup("off").op(LT, 2, Some("c")).jumpi(low);
    s.e.jump_to(build);
    s.e.jumpdest(zero);
    s.pop().push(68u8, "off");
    s.e.jump_to(build);
    s.e.jumpdest(low);
    s.push(68u8, "dst").kopy("off", "dst", "len").pop();
    s.pop().push(68u8, "off");
    s.e.jumpdest(build);
    push_selector(s.e, Method::Revert);
    s.names.push("sel");
    s.offset("off", -68, "addr").op(MSTORE, 2, None);
    s.push(32u8, "n").offset("off", -64, "addr").op(MSTORE, 2, None);
    s.mstore("off", -32, "len");
    s.push(0u8, "rl").push(0u8, "ro");
    s.offset("len", 68, "al").offset("off", -68, "ao");
    s.kall("ao", "al", "ro", "rl");
    s.e.op(INVALID);
}

/// Finds the scratch area for `size` bytes (a multiple of 32, named `size` on the stack) and
/// pushes its start `x`: the top `size` bytes of memory when they are all zero, else the area
/// just above the top of memory.
fn scratch_begin(s: &mut Stack<'_>, e_labels: [Label; 4]) {
    let [above, check, scanned, done] = e_labels;
    s.op(MSIZE, 0, Some("top"));
    s.dup("size").dup("top").op(LT, 2, Some("c")).jumpi(above);
    s.dup("size").dup("top").op(SUB, 2, Some("x"));
    // OR together the words of [x, top).
    s.push(0u8, "acc").dup_as("x", "p");
    s.e.jumpdest(check);
    s.dup("top").dup("p").op(LT, 2, Some("c")).op(ISZERO, 1, Some("c")).jumpi(scanned);
    s.dup("p").op(MLOAD, 1, Some("w")).dup("acc").op(OR, 2, Some("acc2"));
    // [.. acc p acc2] -> [.. acc2 p]
    s.swap(2).pop();
    s.rename("acc2", "acc");
    s.add(32);
    s.e.jump_to(check);
    s.e.jumpdest(scanned);
    s.pop(); // p
    s.op(ISZERO, 1, Some("c")).jumpi(done);
    s.pop(); // x: the area is in use
    s.e.jumpdest(above);
    s.dup_as("top", "x");
    s.e.jumpdest(done);
    s.drop("top");
}

/// Empties the return-data buffer the way a call that fails before it starts does: kopy of no
/// bytes (the identity precompile returns nothing).
fn clear_return_data(s: &mut Stack<'_>) {
    s.push(0u8, "z");
    s.kopy("z", "z", "z");
    s.pop();
}

/// Masks the top to an address, as the CALL family reads its address operand.
fn mask_address(s: &mut Stack<'_>) {
    s.e.push(U256::MAX >> 96).op(AND);
}

/// `[.. retlen retoff len off value addr gas ret] -> [.. success]`: CALL, STATICCALL and
/// DELEGATECALL (their call sites push a zero value for the last two).
///
/// The OVM has no native ether: every balance is zero, so a call sending value fails before it
/// starts, as it would natively for lack of funds (result 0, empty return data).
fn call(e: &mut Emitter, at: Label, method: Method) {
    let scratch = [e.label(), e.label(), e.label(), e.label()];
    let (no_funds, small, copied) = (e.label(), e.label(), e.label());
    e.jumpdest(at);
    let mut s = Stack::new(e, &["retlen", "retoff", "len", "off", "value", "addr", "gas", "ret"]);
    s.dup("value").jumpi(no_funds);
    let funded = s.names();
    s.drop("value");
    selector(&mut s, method);
    // Header (selector, gas, address, bytes offset, length: 132 bytes) and data, rounded up to
    // words; the 96-byte result is written over the header.
    s.offset("len", 132 + 31, "size").push(31u8, "m").op(NOT, 1, Some("m")).op(AND, 2, Some("size"));
    scratch_begin(&mut s, scratch);
    s.dup("len").op(ISZERO, 1, Some("c")).jumpi(copied);
    s.offset("x", 132, "dst").kopy("off", "dst", "len").pop();
    s.e.jumpdest(copied);
    s.dup("sel").offset("x", 0, "addr").op(MSTORE, 2, None);
    s.mstore("x", 4, "gas");
    s.dup("addr");
    mask_address(&mut s);
    s.offset("x", 36, "a").op(MSTORE, 2, None);
    s.push(96u8, "ofs").offset("x", 68, "a").op(MSTORE, 2, None);
    s.mstore("x", 100, "len");
    s.push(96u8, "rl").offset("len", 132, "al");
    s.kall("x", "al", "x", "rl");
    s.pop().pop();
    s.mload("x", 0, "success");
    s.mload("x", 64, "rlen");
    // Zero the scratch area again: CALLDATACOPY from the end of the call data copies zeros.
    s.dup("size").op(CALLDATASIZE, 0, Some("cds")).dup("x").op(CALLDATACOPY, 3, None);
    // RETURNDATACOPY(retoff, 96, min(rlen, retlen)).
    s.dup("retlen").dup("rlen").op(LT, 2, Some("c")).jumpi(small);
    s.pop().dup_as("retlen", "rlen");
    s.e.jumpdest(small);
    s.push(96u8, "src").dup("retoff").op(RETURNDATACOPY, 3, None);
    for name in ["x", "size", "sel", "gas", "addr", "off", "len", "retoff", "retlen"] {
        s.drop(name);
    }
    s.leave();
    // Value sent: fail before starting.
    s.e.jumpdest(no_funds);
    let mut s = Stack::new(s.e, &funded);
    clear_return_data(&mut s);
    for name in ["value", "gas", "addr", "off", "len", "retoff", "retlen"] {
        s.drop(name);
    }
    s.push(0u8, "success");
    s.leave();
}

/// `[.. len off value ret] -> [.. address]` (CREATE), or with `salt` below `len` (CREATE2).
/// Value sent fails before anything starts (no ether in the OVM; natively: lack of funds, so no
/// nonce change either).
fn create(e: &mut Emitter, at: Label, salted: bool) {
    let scratch = [e.label(), e.label(), e.label(), e.label()];
    let (no_funds, copied) = (e.label(), e.label());
    e.jumpdest(at);
    let entry: &[&'static str] =
        if salted { &["salt", "len", "off", "value", "ret"] } else { &["len", "off", "value", "ret"] };
    let mut s = Stack::new(e, entry);
    s.dup("value").jumpi(no_funds);
    let funded = s.names();
    s.drop("value");
    // Header: selector, bytes offset, (salt), length.
    let header: i64 = if salted { 100 } else { 68 };
    // Room for the header and data, and at least for the collision message read back below.
    s.offset("len", header + 31 + 160, "size").push(31u8, "m").op(NOT, 1, Some("m")).op(AND, 2, Some("size"));
    scratch_begin(&mut s, scratch);
    s.dup("len").op(ISZERO, 1, Some("c")).jumpi(copied);
    s.offset("x", header, "dst").kopy("off", "dst", "len").pop();
    s.e.jumpdest(copied);
    push_selector(s.e, if salted { Method::Create2 } else { Method::Create });
    s.names.push("sel");
    s.offset("x", 0, "a").op(MSTORE, 2, None);
    s.push(if salted { 64u8 } else { 32u8 }, "ofs").offset("x", 4, "a").op(MSTORE, 2, None);
    if salted {
        s.mstore("x", 36, "salt");
    }
    s.mstore("x", header - 32, "len");
    s.push(96u8, "rl").offset("len", header, "al");
    s.kall("x", "al", "x", "rl");
    s.pop().pop();
    s.mload("x", 0, "address");
    // A collision fails natively before anything runs, with empty return data; the manager
    // returns its message instead (spec 2.5), which is recognised and cleared.
    let collision = crate::manager::abi::encode_revert_string(crate::manager::abi::COLLISION_MESSAGE);
    let keep = s.e.label();
    s.dup("address").jumpi(keep);
    s.push(32u8, "l").push(64u8, "src").dup("x").op(RETURNDATACOPY, 3, None);
    s.mload("x", 0, "ilen")
        .push(collision.len() as u64, "k")
        .op(EQ, 2, Some("c"))
        .op(ISZERO, 1, Some("c"))
        .jumpi(keep);
    s.push(collision.len() as u64, "l").push(96u8, "src").dup("x").op(RETURNDATACOPY, 3, None);
    s.push(collision.len() as u64, "l").dup("x").op(KECCAK256, 2, Some("h"));
    s.push(U256::from_be_bytes(crate::primitives::keccak256(&collision).0), "k");
    s.op(EQ, 2, Some("c")).op(ISZERO, 1, Some("c")).jumpi(keep);
    clear_return_data(&mut s);
    s.e.jumpdest(keep);
    s.dup("size").op(CALLDATASIZE, 0, Some("cds")).dup("x").op(CALLDATACOPY, 3, None);
    let mut drops: Vec<&str> = alloc::vec!["x", "size", "off", "len"];
    if salted {
        drops.push("salt");
    }
    for name in drops {
        s.drop(name);
    }
    s.leave();
    s.e.jumpdest(no_funds);
    let mut s = Stack::new(s.e, &funded);
    clear_return_data(&mut s);
    let mut drops: Vec<&str> = alloc::vec!["value", "off", "len"];
    if salted {
        drops.push("salt");
    }
    for name in drops {
        s.drop(name);
    }
    s.push(0u8, "address");
    s.leave();
}

/// `[.. ret] -> [.. size]`: the size of the return data a native contract would see. The buffer
/// is empty (no call yet) or the manager's wrapped `(word, bytes)` result, whose inner length is
/// at 64.
fn returndatasize(e: &mut Emitter, at: Label) {
    let empty = e.label();
    e.jumpdest(at);
    let mut s = Stack::new(e, &["ret"]);
    s.op(RETURNDATASIZE, 0, Some("n")).op(ISZERO, 1, Some("c")).jumpi(empty);
    s.push(0u8, "a").op(MLOAD, 1, Some("w0"));
    s.push(32u8, "len").push(64u8, "src").push(0u8, "dst").op(RETURNDATACOPY, 3, None);
    s.push(0u8, "a").op(MLOAD, 1, Some("size"));
    s.swap(1).mstore_top_at(0);
    s.leave();
    s.e.jumpdest(empty);
    let mut s = Stack::new(s.e, &["ret"]);
    s.push(0u8, "size");
    s.leave();
}

/// `[.. len off dest ret] -> [..]`: RETURNDATACOPY of the inner data; reading past its end halts
/// (EIP-211).
fn returndatacopy(e: &mut Emitter, at: Label) {
    let (empty, fail, size_known) = (e.label(), e.label(), e.label());
    e.jumpdest(at);
    let mut s = Stack::new(e, &["len", "off", "dest", "ret"]);
    s.op(RETURNDATASIZE, 0, Some("n")).op(ISZERO, 1, Some("c")).jumpi(empty);
    s.push(0u8, "a").op(MLOAD, 1, Some("w0"));
    s.push(32u8, "l").push(64u8, "src").push(0u8, "dst").op(RETURNDATACOPY, 3, None);
    s.push(0u8, "a").op(MLOAD, 1, Some("size"));
    s.swap(1).mstore_top_at(0);
    s.e.jump_to(size_known);
    s.e.jumpdest(empty);
    let mut s = Stack::new(s.e, &["len", "off", "dest", "ret"]);
    s.push(0u8, "size");
    s.e.jumpdest(size_known);
    // end = off + len; fail on overflow or end > size.
    s.dup("off").dup("len").op(ADD, 2, Some("end"));
    s.dup("off").dup("end").op(LT, 2, Some("c")).jumpi(fail);
    s.dup("size").dup("end").op(GT, 2, Some("c")).jumpi(fail);
    s.pop().pop();
    s.dup("len").offset("off", 96, "src").dup("dest").op(RETURNDATACOPY, 3, None);
    s.drop("len").drop("off").drop("dest");
    s.leave();
    s.e.jumpdest(fail);
    s.e.op(INVALID);
}

/// `[.. len p dest ret] -> [..]`: copies `len` bytes of constant data stored in 33-byte chunks
/// (`PUSH32` and 32 bytes, so the purity checker never reads data as code) starting at code
/// offset `p` (the first chunk's opcode byte).
fn codecopy(e: &mut Emitter, at: Label) {
    let (top, done, full) = (e.label(), e.label(), e.label());
    e.jumpdest(at);
    let mut s = Stack::new(e, &["len", "p", "dest", "ret"]);
    s.push(0u8, "k");
    s.e.jumpdest(top);
    s.dup("len").dup("k").op(LT, 2, Some("c")).op(ISZERO, 1, Some("c")).jumpi(done);
    // n = min(32, len - k)
    s.dup("k").dup("len").op(SUB, 2, Some("n"));
    s.push(32u8, "m").dup("n").op(GT, 2, Some("c")).op(ISZERO, 1, Some("c")).jumpi(full); // n <= 32
    s.pop().push(32u8, "n");
    s.e.jumpdest(full);
    // CODECOPY(dest + k, p + 1 + k + k / 32, n)
    s.dup("n");
    s.push(32u8, "d").dup("k").op(DIV, 2, Some("q")).dup("k").op(ADD, 2, Some("src")).add(1);
    s.dup("p").op(ADD, 2, Some("src"));
    s.dup("k").dup("dest").op(ADD, 2, Some("dst"));
    s.op(CODECOPY, 3, None);
    s.pop(); // n
    s.add(32);
    s.e.jump_to(top);
    s.e.jumpdest(done);
    s.pop();
    s.drop("len").drop("p").drop("dest");
    s.leave();
}

/// `[.. len off dest addr ret] -> [..]`: EXTCODECOPY through ovmEXTCODECOPY; the code comes back
/// in the return data and is copied to `dest` from there.
fn extcodecopy(e: &mut Emitter, at: Label) {
    e.jumpdest(at);
    let mut s = Stack::new(e, &["len", "off", "dest", "addr", "ret"]);
    for (name, a) in [("w0", 0u8), ("w1", 32), ("w2", 64), ("w3", 96)] {
        s.push(a, "a").op(MLOAD, 1, Some(name));
    }
    push_selector(s.e, Method::ExtCodeCopy);
    s.names.push("sel");
    s.mstore_top_at(0);
    s.dup("addr");
    mask_address(&mut s);
    s.mstore_top_at(4);
    s.dup("off").mstore_top_at(36);
    s.dup("len").mstore_top_at(68);
    s.push(0u8, "rl").push(0u8, "ro").push(100u8, "al").push(0u8, "ao");
    s.kall("ao", "al", "ro", "rl");
    s.pop().pop().pop().pop();
    for a in [96u64, 64, 32, 0] {
        s.mstore_top_at(a);
    }
    s.dup("len").push(64u8, "src").dup("dest").op(RETURNDATACOPY, 3, None);
    s.drop("len").drop("off").drop("dest").drop("addr");
    s.leave();
}

/// Creation code embedded in a contract, for [`substitute_children`].
pub(crate) struct ChildCode {
    /// Length of the original creation code.
    pub(crate) len: usize,
    /// Its hash.
    pub(crate) hash: crate::primitives::B256,
    /// Where its transpiled form is stored in this contract's code.
    pub(crate) code: Label,
    /// Length of the transpiled form.
    pub(crate) code_len: usize,
}

/// The CREATE (or CREATE2) entry of a contract that embeds creation code: `[.. (salt) len off
/// value ret] -> [.. address]`. When memory `[off, off+len)` starts with one child's original
/// creation code, creates from the child's transpiled code followed by the rest of the memory
/// (the constructor arguments) instead; otherwise from memory as it is. The substituted code is
/// built in a scratch area that is zeroed again afterwards.
pub(crate) fn substitute_children(
    e: &mut Emitter,
    at: Label,
    generic: Label,
    children: &[ChildCode],
    salted: bool,
) {
    e.jumpdest(at);
    let entry: &[&'static str] =
        if salted { &["salt", "len", "off", "value", "ret"] } else { &["len", "off", "value", "ret"] };
    for child in children {
        let (next, scratch) = (e.label(), [e.label(), e.label(), e.label(), e.label()]);
        let mut s = Stack::new(e, entry);
        // len >= child.len and keccak(memory[off..off+child.len]) == child.hash
        s.push(child.len as u64, "n").dup("len").op(LT, 2, Some("c")).jumpi(next);
        s.push(child.len as u64, "n").dup("off").op(KECCAK256, 2, Some("h"));
        s.push(U256::from_be_bytes(child.hash.0), "k")
            .op(EQ, 2, Some("c"))
            .op(ISZERO, 1, Some("c"))
            .jumpi(next);
        // nlen = code_len + len - child.len; size = ceil32(nlen)
        s.offset("len", child.code_len as i64 - child.len as i64, "nlen");
        s.offset("nlen", 31, "size").push(31u8, "m").op(NOT, 1, Some("m")).op(AND, 2, Some("size"));
        scratch_begin(&mut s, scratch);
        s.push(child.code_len as u64, "n");
        s.e.push_label(child.code);
        s.names.push("src");
        s.dup("x").op(CODECOPY, 3, None);
        // The constructor arguments after the original code.
        s.offset("len", -(child.len as i64), "alen");
        s.offset("off", child.len as i64, "asrc");
        s.offset("x", child.code_len as i64, "adst");
        s.kopy("asrc", "adst", "alen");
        s.pop().pop().pop();
        if salted {
            s.dup_as("salt", "csalt");
        }
        s.dup_as("nlen", "clen").dup_as("x", "coff").dup_as("value", "cvalue");
        s.e.call_stub(generic);
        s.names.truncate(s.names.len() - if salted { 4 } else { 3 });
        s.names.push("address");
        s.dup("size").op(CALLDATASIZE, 0, Some("cds")).dup("x").op(CALLDATACOPY, 3, None);
        let mut drops: Vec<&str> = alloc::vec!["x", "size", "nlen", "len", "off", "value"];
        if salted {
            drops.push("salt");
        }
        for name in drops {
            s.drop(name);
        }
        s.leave();
        s.e.jumpdest(next);
    }
    // No child matches: create from memory as it is.
    e.jump_to(generic);
}
