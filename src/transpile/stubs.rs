//! The shared stubs transpiled code calls instead of stateful opcodes: each is emitted once per
//! contract and entered with `PC PUSH stub JUMP JUMPDEST` (six bytes at the call site): the stub
//! returns to the pushed pc plus the length of `PC PUSH stub JUMP`, the JUMPDEST after it.
//!
//! Everything stubs have in common is emitted once too:
//! - one *kall routine*: the 37-byte kall sequence that every stub's manager call jumps to;
//! - one *core* per shape of fixed-size call (no argument and a word back: ADDRESS, CALLER,
//!   TIMESTAMP...; a word in and a word back: SLOAD; an address in and a word back:
//!   EXTCODESIZE, EXTCODEHASH), which takes the method's selector from the stack: each method
//!   used has a ten-byte entry that pushes it (a core used by one method only pushes it
//!   itself); likewise one core for the CALL family;
//! - one routine that finds the scratch area of the calls with a `bytes` argument.
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

    /// Returns from the stub to its call site: the stack must hold `ret` and at most one
    /// output, in either order.
    fn leave(&mut self) {
        match self.names.as_slice() {
            ["ret"] | [_, "ret"] => {}
            ["ret", _] => {
                self.swap(1);
            }
            other => panic!("stub leaves {other:?}"),
        }
        self.e.stub_return();
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

    /// Pushes `MLOAD(address)` named `name`.
    fn mload_at(&mut self, address: u64, name: &'static str) -> &mut Self {
        self.push(address, "a").op(MLOAD, 1, Some(name))
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

    /// The manager call through the kall routine `kall`, its four arguments taken from names.
    fn kall(
        &mut self,
        kall: Label,
        args_offset: &str,
        args_len: &str,
        ret_offset: &str,
        ret_len: &str,
    ) -> &mut Self {
        let back = self.e.label();
        self.e.push_label(back);
        self.names.push("back");
        self.dup_as(ret_len, "k").dup_as(ret_offset, "k").dup_as(args_len, "k").dup_as(args_offset, "k");
        self.e.jump_to(kall).jumpdest(back);
        self.names.truncate(self.names.len() - 5);
        self
    }

    /// The manager call through the kall routine `kall` with constant arguments.
    fn kall_const(
        &mut self,
        kall: Label,
        args_offset: u64,
        args_len: u64,
        ret_offset: u64,
        ret_len: u64,
    ) -> &mut Self {
        let back = self.e.label();
        self.e.push_label(back).push(ret_len).push(ret_offset).push(args_len).push(args_offset);
        self.e.jump_to(kall).jumpdest(back);
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

    /// The method a selector-taking core serves, and the core.
    fn core(self) -> Option<(Core, Method)> {
        match self {
            StubKind::Get0(m) => Some((Core::Get0, m)),
            StubKind::Call1(m) => Some((Core::Call1, m)),
            StubKind::Call1Address(m) => Some((Core::Call1Address, m)),
            StubKind::Call(m) => Some((Core::Call, m)),
            _ => None,
        }
    }
}

/// Code shared by several stubs, each emitted at most once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Core {
    /// `[.. ret sel] -> [.. value]`.
    Get0,
    /// `[.. x ret sel] -> [.. value]`.
    Call1,
    /// `[.. address ret sel] -> [.. value]`.
    Call1Address,
    /// `[.. retlen retoff len off value addr gas ret sel] -> [.. success]`.
    Call,
}

/// The stubs a contract uses, each with its label, and the shared routines they need.
#[derive(Debug, Default)]
pub(crate) struct Stubs {
    used: Vec<(StubKind, Label)>,
    /// The scratch routine, once something asked for it.
    scratch: Option<Label>,
}

/// Labels of the shared routines.
struct Shared {
    kall: Label,
    scratch: Option<Label>,
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

    /// The label of the scratch area routine (see [`scratch_routine`]), allocating it on first
    /// use.
    fn scratch_label(&mut self, e: &mut Emitter) -> Label {
        *self.scratch.get_or_insert_with(|| e.label())
    }

    /// The stubs used, for the report.
    pub(crate) fn kinds(&self) -> Vec<StubKind> {
        let mut kinds: Vec<StubKind> = self.used.iter().map(|(k, _)| *k).collect();
        kinds.sort();
        kinds
    }

    /// Emits every stub used, the cores they share and the kall routine.
    pub(crate) fn emit(mut self, e: &mut Emitter) {
        let mut used = self.used.clone();
        used.sort_by_key(|(k, _)| *k);
        if used.iter().any(|(k, _)| matches!(k, StubKind::Call(_) | StubKind::Create | StubKind::Create2)) {
            self.scratch_label(e);
        }
        let needs_kall = used.iter().any(|(k, _)| {
            !matches!(k, StubKind::ReturnDataSize | StubKind::ReturnDataCopy | StubKind::CodeCopy)
        });
        let shared = Shared { kall: e.label(), scratch: self.scratch };
        // Cores: each with the methods that use it. A core used by one method pushes its
        // selector itself and has that stub's label.
        let mut cores: Vec<(Core, Vec<(Method, Label)>)> = Vec::new();
        for (kind, label) in &used {
            if let Some((core, method)) = kind.core() {
                match cores.iter_mut().find(|(c, _)| *c == core) {
                    Some((_, methods)) => methods.push((method, *label)),
                    None => cores.push((core, alloc::vec![(method, *label)])),
                }
            }
        }
        for (core, methods) in &cores {
            let (at, own) = match methods.as_slice() {
                [(method, label)] => (*label, Some(*method)),
                _ => {
                    let at = e.label();
                    for (method, label) in methods {
                        method_entry(e, *label, *method, *core, at);
                    }
                    (at, None)
                }
            };
            match core {
                Core::Get0 => get0(e, at, own, &shared),
                Core::Call1 => call1(e, at, own, false, &shared),
                Core::Call1Address => call1(e, at, own, true, &shared),
                Core::Call => call(e, at, own, &shared),
            }
        }
        for (kind, at) in used {
            match kind {
                StubKind::Store2 => store2(e, at, &shared),
                StubKind::Revert => revert(e, at, &shared),
                StubKind::Create => create(e, at, false, &shared),
                StubKind::Create2 => create(e, at, true, &shared),
                StubKind::ReturnDataSize => returndatasize(e, at),
                StubKind::ReturnDataCopy => returndatacopy(e, at),
                StubKind::CodeCopy => codecopy(e, at),
                StubKind::ExtCodeCopy => extcodecopy(e, at, &shared),
                StubKind::Get0(_) | StubKind::Call1(_) | StubKind::Call1Address(_) | StubKind::Call(_) => {}
            }
        }
        if let Some(at) = shared.scratch {
            scratch_routine(e, at);
        }
        if needs_kall {
            // The kall routine: `[.. back retLen retOffset argsLen argsOffset] -> [..]`, then
            // JUMP back.
            e.jumpdest(shared.kall).ops(&sequences::KALL).op(JUMP);
        }
    }
}

/// A method's entry into the core it shares: `JUMPDEST PUSH4 selector PUSH core JUMP`. The
/// CALL family's STATICCALL and DELEGATECALL entries also insert the zero value the core
/// expects below `gas` and `addr` (they take no value).
fn method_entry(e: &mut Emitter, at: Label, method: Method, core: Core, core_at: Label) {
    e.jumpdest(at);
    if core == Core::Call && method != Method::Call {
        // [.. addr gas ret] -> [.. 0 addr gas ret]
        e.push(0u8).ops(&[SWAP3, SWAP2, SWAP1]);
    }
    e.push(u32::from_be_bytes(method.selector())).jump_to(core_at);
}

/// Pushes the selector of `own` (a core used by one method) named `sel`, or names the one on
/// the stack; for the CALL family, inserts the zero value first, as [`method_entry`] does.
fn own_selector(s: &mut Stack<'_>, own: Option<Method>) {
    if let Some(method) = own {
        s.names.pop();
        s.push(u32::from_be_bytes(method.selector()), "sel");
    }
}

/// Masks the top to an address, as the CALL family reads its address operand.
fn mask_address(s: &mut Stack<'_>) {
    s.push(96u8, "n").op(SHL, 2, Some("a")).push(96u8, "n").op(SHR, 2, Some("a"));
}

/// `[.. ret sel] -> [.. value]`: the selector goes in the low bytes of word 0, so the calldata
/// is `memory[28..32]`; the result comes back in word 0, which is restored after.
fn get0(e: &mut Emitter, at: Label, own: Option<Method>, shared: &Shared) {
    e.jumpdest(at);
    let mut s = Stack::new(e, &["ret", "sel"]);
    own_selector(&mut s, own);
    s.mload_at(0, "w0").swap(1).mstore_top_at(0);
    s.kall_const(shared.kall, 28, 4, 0, 32);
    s.mload_at(0, "value").swap(1).mstore_top_at(0);
    s.leave();
}

/// `[.. x ret sel] -> [.. value]`: like [`get0`] with `x` in word 1; `x` is masked to an address
/// first when `address` is set (the opcodes read only its low 20 bytes, the manager's ABI
/// decoder insists on clean ones).
fn call1(e: &mut Emitter, at: Label, own: Option<Method>, address: bool, shared: &Shared) {
    e.jumpdest(at);
    let mut s = Stack::new(e, &["x", "ret", "sel"]);
    own_selector(&mut s, own);
    s.mload_at(0, "w0").swap(1).mstore_top_at(0);
    s.mload_at(32, "w1").dup("x");
    if address {
        mask_address(&mut s);
    }
    s.mstore_top_at(32);
    s.kall_const(shared.kall, 28, 36, 0, 32);
    s.mload_at(0, "value");
    s.swap(1).mstore_top_at(32); // w1 back
    s.swap(1).mstore_top_at(0); // w0 back
    s.drop("x");
    s.leave();
}

/// `[.. b a ret] -> [..]` (SSTORE: `a` is the key, on top): selector, key and value in words 0
/// to 2, calldata `memory[28..100]`.
fn store2(e: &mut Emitter, at: Label, shared: &Shared) {
    e.jumpdest(at);
    let mut s = Stack::new(e, &["b", "a", "ret"]);
    s.mload_at(0, "w0").mload_at(32, "w1").mload_at(64, "w2");
    s.push(u32::from_be_bytes(Method::Sstore.selector()), "sel").mstore_top_at(0);
    s.dup("a").mstore_top_at(32);
    s.dup("b").mstore_top_at(64);
    s.kall_const(shared.kall, 28, 68, 0, 0);
    s.mstore_top_at(64).mstore_top_at(32).mstore_top_at(0);
    s.drop("b").drop("a");
    s.leave();
}

/// `[.. len off] ->` (never returns): ovmREVERT with `memory[off..off+len]`. A reverting
/// frame's memory does not matter, so the data is copied to 96 with kopy (which reads all of
/// its input before it writes, so the two may overlap; no bytes copy nothing and expand
/// nothing, as REVERT of no bytes) and the 68-byte header written below it: the selector
/// unshifted in word 0, so the calldata is `memory[28..96 + len]`.
fn revert(e: &mut Emitter, at: Label, shared: &Shared) {
    e.jumpdest(at);
    let mut s = Stack::new(e, &["len", "off"]);
    s.push(96u8, "dst").kopy("off", "dst", "len").pop();
    s.push(u32::from_be_bytes(Method::Revert.selector()), "sel").mstore_top_at(0);
    s.push(32u8, "n").mstore_top_at(32);
    s.dup("len").mstore_top_at(64);
    s.push(0u8, "rl").push(0u8, "ro").offset("len", 68, "al").push(28u8, "ao");
    s.kall(shared.kall, "ao", "al", "ro", "rl");
    s.e.op(INVALID);
}

/// The scratch area routine: `[.. size back] -> [.. size x]`, then JUMP back. `x` is the start
/// of the area for `size` bytes (a multiple of 32): the top `size` bytes of memory when they
/// are all zero, else the area just above the top of memory. Its callers hold at most 16 items
/// of their own when they call it, and it adds 5, within [`STUB_STACK`].
fn scratch_routine(e: &mut Emitter, at: Label) {
    let [above, check, scanned, done] = [e.label(), e.label(), e.label(), e.label()];
    e.jumpdest(at);
    let mut s = Stack::new(e, &["size", "back"]);
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
    // [.. size back x] -> [.. size x back]
    s.swap(1);
    s.e.op(JUMP);
}

/// Pushes the start `x` of the scratch area for `size` bytes (named `size` on the stack), with
/// the scratch routine at `routine`.
fn scratch_begin(s: &mut Stack<'_>, routine: Label) {
    let back = s.e.label();
    // [.. size] -> [.. size back]: the routine wants its return label on top of `size`.
    s.e.push_label(back).jump_to(routine).jumpdest(back);
    s.names.push("x");
}

/// Empties the return-data buffer the way a call that fails before it starts does: kopy of no
/// bytes (the identity precompile returns nothing).
fn clear_return_data(s: &mut Stack<'_>) {
    s.push(0u8, "z");
    s.kopy("z", "z", "z");
    s.pop();
}

/// `[.. retlen retoff len off value addr gas ret sel] -> [.. success]`: CALL, STATICCALL and
/// DELEGATECALL (their entries push a zero value for the last two).
///
/// The OVM has no native ether: every balance is zero, so a call sending value fails before it
/// starts, as it would natively for lack of funds (result 0, empty return data).
fn call(e: &mut Emitter, at: Label, own: Option<Method>, shared: &Shared) {
    let (no_funds, small, copied) = (e.label(), e.label(), e.label());
    e.jumpdest(at);
    if own.is_some_and(|m| m != Method::Call) {
        e.push(0u8).ops(&[SWAP3, SWAP2, SWAP1]);
    }
    let mut s = Stack::new(e, &["retlen", "retoff", "len", "off", "value", "addr", "gas", "ret", "sel"]);
    own_selector(&mut s, own);
    s.push(224u8, "n").op(SHL, 2, Some("sel"));
    s.dup("value").jumpi(no_funds);
    let funded = s.names();
    s.drop("value");
    // Header (selector, gas, address, bytes offset, length: 132 bytes) and data, rounded up to
    // words; the 96-byte result is written over the header.
    s.offset("len", 132 + 31, "size").push(31u8, "m").op(NOT, 1, Some("m")).op(AND, 2, Some("size"));
    scratch_begin(&mut s, shared.scratch.expect("emitted for calls and creates"));
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
    s.kall(shared.kall, "x", "al", "x", "rl");
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
    for name in ["sel", "value", "gas", "addr", "off", "len", "retoff", "retlen"] {
        s.drop(name);
    }
    s.push(0u8, "success");
    s.leave();
}

/// `[.. len off value ret] -> [.. address]` (CREATE), or with `salt` below `len` (CREATE2).
/// Value sent fails before anything starts (no ether in the OVM; natively: lack of funds, so no
/// nonce change either).
fn create(e: &mut Emitter, at: Label, salted: bool, shared: &Shared) {
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
    scratch_begin(&mut s, shared.scratch.expect("emitted for calls and creates"));
    s.dup("len").op(ISZERO, 1, Some("c")).jumpi(copied);
    s.offset("x", header, "dst").kopy("off", "dst", "len").pop();
    s.e.jumpdest(copied);
    let method = if salted { Method::Create2 } else { Method::Create };
    s.push(u32::from_be_bytes(method.selector()), "sel").push(224u8, "n").op(SHL, 2, Some("sel"));
    s.offset("x", 0, "a").op(MSTORE, 2, None);
    s.push(if salted { 64u8 } else { 32u8 }, "ofs").offset("x", 4, "a").op(MSTORE, 2, None);
    if salted {
        s.mstore("x", 36, "salt");
    }
    s.mstore("x", header - 32, "len");
    s.push(96u8, "rl").offset("len", header, "al");
    s.kall(shared.kall, "x", "al", "x", "rl");
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
    s.mload_at(0, "w0");
    s.push(32u8, "len").push(64u8, "src").push(0u8, "dst").op(RETURNDATACOPY, 3, None);
    s.mload_at(0, "size");
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
    s.mload_at(0, "w0");
    s.push(32u8, "l").push(64u8, "src").push(0u8, "dst").op(RETURNDATACOPY, 3, None);
    s.mload_at(0, "size");
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
fn extcodecopy(e: &mut Emitter, at: Label, shared: &Shared) {
    e.jumpdest(at);
    let mut s = Stack::new(e, &["len", "off", "dest", "addr", "ret"]);
    for (name, a) in [("w0", 0u64), ("w1", 32), ("w2", 64), ("w3", 96)] {
        s.mload_at(a, name);
    }
    s.push(u32::from_be_bytes(Method::ExtCodeCopy.selector()), "sel").mstore_top_at(0);
    s.dup("addr");
    mask_address(&mut s);
    s.mstore_top_at(32);
    s.dup("off").mstore_top_at(64);
    s.dup("len").mstore_top_at(96);
    s.kall_const(shared.kall, 28, 100, 0, 0);
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
    stubs: &mut Stubs,
    at: Label,
    generic: Label,
    children: &[ChildCode],
    salted: bool,
) {
    let scratch = stubs.scratch_label(e);
    e.jumpdest(at);
    let entry: &[&'static str] =
        if salted { &["salt", "len", "off", "value", "ret"] } else { &["len", "off", "value", "ret"] };
    for child in children {
        let next = e.label();
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
