//! Static analysis of EVM code for the transpiler: basic blocks over the decoded instruction
//! stream and an abstract interpretation of the stack that records, for every value, the PUSH
//! instructions it may come from and its constant if it has one.
//!
//! Block entry states are kept per *context*: the stack height and the code addresses (pushed
//! JUMPDEST pcs) on the stack. A subroutine entered from several call sites (every Solidity
//! internal function, whose return address sits on the stack) is so analysed once per call
//! site, and its return jump goes back to that site only instead of to every caller: without
//! this, values from all callers mix and the analysis both loses precision and takes quadratic
//! time on large contracts. Recursion could make contexts unbounded; a budget on the number of
//! states turns that into a refusal. Within one context, values only ever grow (more origins,
//! constants forgotten), so the fixpoint over-approximates every run: a PUSH never seen flowing
//! into anything but jumps really is used only as a jump destination, and may be rewritten to
//! the new layout.
//!
//! Branches are followed only where they can go: a JUMPI whose condition is a known constant
//! has one successor, and a value tested by a JUMPI (directly or through ISZERO) is known to be
//! zero on the side where the test says so. This is what keeps Solidity's `try`/`catch` apart:
//! the call's success flag is tested, the failure side carries a zero, and the join after both
//! branches has one successor per side (without it, the failure side would also run the success
//! code, with a stack one item shorter).
//!
//! Jumps whose destination is not such a PUSH are *dynamic*: the transpiled code maps their
//! destination at run time. The analysis follows them to the JUMPDESTs a program can name: the
//! destination's constant when it has one, else every *address-taken* JUMPDEST (one whose pc
//! appears as some PUSH value), which is where compilers' function pointers point.
//!
//! Abstract values are 4 bytes ([`V`]): a PUSH, a computed constant, an interned union of
//! those, or unknown; entry states live in one arena, so following a block copies a few words
//! per stack item.

use alloc::vec::Vec;

use smallvec::SmallVec;

use crate::decode::DecodedCode;
use crate::fork::Fork;
use crate::opcode::{self, *};
use crate::primitives::{FxHasher, Map, U256};

/// The EVM rules the input is read with: the last fork the OVM dialect accepts opcodes from.
pub(crate) const INPUT_FORK: Fork = Fork::Istanbul;

/// Distinct contexts one block may be analysed in before the code counts as too complex.
const MAX_CONTEXTS_PER_BLOCK: u16 = 1024;

/// Block entry states the whole analysis may hold before the code counts as too complex.
const MAX_STATES: usize = 1 << 14;

/// Stack slots (the sum of the entry states' heights) the analysis may hold: bounds its memory
/// and time on adversarial code; real contracts need a few tens of thousands.
const MAX_SLOTS: usize = 1 << 20;

/// "No such index".
const NONE: u32 = u32::MAX;

/// One instruction of the input.
#[derive(Clone, Debug)]
pub(crate) struct Ins {
    /// Its pc.
    pub(crate) pc: usize,
    /// The opcode byte.
    pub(crate) op: u8,
    /// The immediate value (PUSH only; zero-padded when truncated).
    pub(crate) value: U256,
    /// Number of immediate bytes the opcode takes (the code may hold fewer at its end).
    pub(crate) width: usize,
}

/// An abstract stack value: a tag in the top three bits and an index below them.
///
/// - `UNKNOWN`: anything, from no PUSH;
/// - `PUSH(i)`: exactly the value pushed by instruction `i`;
/// - `COMPUTED(k)`: the constant `k` of [`Values`], computed from constants (from no PUSH);
/// - `JOINED(j)`: the union `j` of [`Values`] (several origins, or origins and unknowns);
/// - `FRESH(i)`: an unknown value produced by instruction `i` in the block being followed. Its
///   identity lets a JUMPI's test refine every copy of it; outside that block it is `UNKNOWN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct V(u32);

impl V {
    const SHIFT: u32 = 29;
    const UNKNOWN: V = V(0);
    const PUSH: u32 = 1;
    const COMPUTED: u32 = 2;
    const JOINED: u32 = 3;
    const FRESH: u32 = 4;
    /// Indexes stay below this.
    const LIMIT: usize = 1 << V::SHIFT;

    fn new(tag: u32, index: u32) -> V {
        V(tag << V::SHIFT | index)
    }

    fn tag(self) -> u32 {
        self.0 >> V::SHIFT
    }

    fn index(self) -> u32 {
        self.0 & ((1 << V::SHIFT) - 1)
    }

    /// The value as a block entry state keeps it.
    fn settled(self) -> V {
        if self.tag() == V::FRESH { V::UNKNOWN } else { self }
    }
}

/// A union of values: its PUSH origins (sorted, in `Values::join_origins`), whether it may also
/// come from elsewhere, and its constant if every possibility agrees on one.
#[derive(Clone, Copy, Debug)]
struct Join {
    start: u32,
    len: u32,
    unknown: bool,
    /// Index into `Values::consts`, or [`NONE`].
    constant: u32,
}

/// The tables behind [`V`]: constants and unions, both interned, so equal contents are equal
/// values (which is what makes the fixpoint stop).
#[derive(Default)]
struct Values {
    consts: Vec<U256>,
    const_ids: Map<U256, u32>,
    joins: Vec<Join>,
    join_origins: Vec<u32>,
    join_ids: Map<u64, SmallVec<[u32; 1]>>,
    merges: Map<(u32, u32), V>,
}

impl Values {
    fn computed(&mut self, value: U256) -> V {
        V::new(V::COMPUTED, self.const_id(value))
    }

    fn const_id(&mut self, value: U256) -> u32 {
        let next = self.consts.len() as u32;
        let id = *self.const_ids.entry(value).or_insert(next);
        if id == next {
            self.consts.push(value);
        }
        id
    }

    /// The constant of `v`, if it has one.
    fn constant(&self, v: V, instrs: &[Ins]) -> Option<U256> {
        match v.tag() {
            V::PUSH => Some(instrs[v.index() as usize].value),
            V::COMPUTED => Some(self.consts[v.index() as usize]),
            V::JOINED => {
                let j = self.joins[v.index() as usize];
                (j.constant != NONE).then(|| self.consts[j.constant as usize])
            }
            _ => None,
        }
    }

    /// `true` when `v` may come from something other than a PUSH.
    fn unknown(&self, v: V) -> bool {
        match v.tag() {
            V::PUSH => false,
            V::JOINED => self.joins[v.index() as usize].unknown,
            _ => true,
        }
    }

    /// The PUSH instructions `v` may come from: at most one, or a sorted list.
    fn origins(&self, v: V) -> (Option<u32>, &[u32]) {
        match v.tag() {
            V::PUSH => (Some(v.index()), &[]),
            V::JOINED => {
                let j = self.joins[v.index() as usize];
                (None, &self.join_origins[j.start as usize..(j.start + j.len) as usize])
            }
            _ => (None, &[]),
        }
    }

    fn each_origin(&self, v: V, mut f: impl FnMut(u32)) {
        let (one, many) = self.origins(v);
        if let Some(o) = one {
            f(o);
        }
        for &o in many {
            f(o);
        }
    }

    /// The union of two settled values.
    fn merge(&mut self, a: V, b: V, instrs: &[Ins]) -> V {
        if a == b {
            return a;
        }
        let key = (a.0.min(b.0), a.0.max(b.0));
        if let Some(v) = self.merges.get(&key) {
            return *v;
        }
        let mut origins: SmallVec<[u32; 8]> = SmallVec::new();
        {
            let (one_a, many_a) = self.origins(a);
            let (one_b, many_b) = self.origins(b);
            origins.extend(one_a.into_iter().chain(many_a.iter().copied()));
            for o in one_b.into_iter().chain(many_b.iter().copied()) {
                if let Err(at) = origins.binary_search(&o) {
                    origins.insert(at, o);
                }
            }
        }
        let unknown = self.unknown(a) || self.unknown(b);
        let constant = match (self.constant(a, instrs), self.constant(b, instrs)) {
            (Some(x), Some(y)) if x == y => Some(x),
            _ => None,
        };
        let v = self.make(&origins, unknown, constant);
        self.merges.insert(key, v);
        v
    }

    /// The canonical value with these contents.
    fn make(&mut self, origins: &[u32], unknown: bool, constant: Option<U256>) -> V {
        if origins.is_empty() {
            return constant.map_or(V::UNKNOWN, |c| self.computed(c));
        }
        if origins.len() == 1 && !unknown {
            return V::new(V::PUSH, origins[0]);
        }
        let constant = constant.map_or(NONE, |c| self.const_id(c));
        let mut h = FxHasher::default();
        for o in origins {
            core::hash::Hasher::write_u32(&mut h, *o);
        }
        core::hash::Hasher::write_u64(&mut h, u64::from(constant) << 1 | u64::from(unknown));
        let hash = core::hash::Hasher::finish(&h);
        if let Some(ids) = self.join_ids.get(&hash) {
            for &id in ids {
                let j = self.joins[id as usize];
                if j.unknown == unknown
                    && j.constant == constant
                    && self.join_origins[j.start as usize..(j.start + j.len) as usize] == *origins
                {
                    return V::new(V::JOINED, id);
                }
            }
        }
        let id = self.joins.len() as u32;
        self.joins.push(Join {
            start: self.join_origins.len() as u32,
            len: origins.len() as u32,
            unknown,
            constant,
        });
        self.join_origins.extend_from_slice(origins);
        self.join_ids.entry(hash).or_default().push(id);
        V::new(V::JOINED, id)
    }
}

/// What the return-data buffer of transpiled code holds when an instruction runs: nothing since
/// the frame began, the manager's wrapped result of a CALL or CREATE replacement (which the
/// RETURNDATA stubs unwrap), or the result of some other manager call, which native code would
/// not have seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReturnData {
    /// No call since the frame began.
    Empty,
    /// The last call was a CALL-family or CREATE-family replacement.
    Call,
    /// Empty or Call, depending on the path.
    EmptyOrCall,
    /// Another manager call came after the last CALL (SLOAD, ...): native return data is gone.
    Clobbered,
}

impl ReturnData {
    fn merge(self, other: ReturnData) -> ReturnData {
        use ReturnData::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Clobbered, _) | (_, Clobbered) => Clobbered,
            _ => EmptyOrCall,
        }
    }
}

/// Why the analysis could not model the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AnalysisIssue {
    /// One block is reached in more contexts (stack heights and return addresses) than the
    /// analysis follows, or the whole code needs more states than it keeps.
    TooManyContexts {
        /// The block start.
        pc: usize,
    },
}

/// Operands recorded for the instructions the transpiler treats specially (CODECOPY, RETURN,
/// RETURNDATASIZE, RETURNDATACOPY).
#[derive(Clone, Debug, Default)]
pub(crate) struct Operands {
    /// The constant of each popped value, top of the stack first, where every path agrees on one.
    constants: SmallVec<[Option<U256>; 3]>,
    /// The return-data state before the instruction.
    pub(crate) return_data: Option<ReturnData>,
}

impl Operands {
    /// The constant of input `n` (0 = top), if every path agrees on one.
    pub(crate) fn constant(&self, n: usize) -> Option<U256> {
        self.constants.get(n).copied().flatten()
    }
}

/// How a jump's destination is found in transpiled code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JumpKind {
    /// Every destination comes from a PUSH rewritten to the new layout.
    Static,
    /// The destination is an original pc, mapped at run time.
    Dynamic,
}

/// The result of the analysis.
#[derive(Debug)]
pub(crate) struct Analysis {
    /// The instructions, in pc order.
    pub(crate) instrs: Vec<Ins>,
    /// The instruction index at each pc (`u32::MAX` inside immediates).
    pub(crate) index_of_pc: Vec<u32>,
    /// Whether each instruction can run.
    pub(crate) reachable: Vec<bool>,
    /// For each PUSH: its value is used only as a jump destination (so it is rewritten).
    pub(crate) jump_only: Vec<bool>,
    /// For each reachable JUMP/JUMPI: how its destination is found.
    pub(crate) jumps: Vec<Option<JumpKind>>,
    /// The JUMPDEST pcs a dynamic jump may reach (what the run-time map covers).
    pub(crate) dynamic_targets: Vec<usize>,
    /// Operands of the reachable instructions that record them, by instruction index.
    operands: Vec<(u32, Operands)>,
    /// The largest stack height before each instruction, over all paths.
    pub(crate) max_height: Vec<u16>,
    /// Problems found (the transpiler refuses code with any).
    pub(crate) issues: Vec<AnalysisIssue>,
}

impl Analysis {
    /// The index of the instruction at `pc`, if an instruction starts there.
    pub(crate) fn index_at(&self, pc: usize) -> Option<usize> {
        self.index_of_pc.get(pc).filter(|i| **i != u32::MAX).map(|i| *i as usize)
    }

    /// The operands of instruction `i` (CODECOPY, RETURN, RETURNDATASIZE and RETURNDATACOPY,
    /// when reachable).
    pub(crate) fn operands(&self, i: usize) -> Option<&Operands> {
        let at = self.operands.binary_search_by_key(&(i as u32), |(k, _)| *k).ok()?;
        Some(&self.operands[at].1)
    }
}

/// What the analysis needs to know about one opcode under [`INPUT_FORK`], in one lookup.
#[derive(Clone, Copy, Debug)]
struct OpFacts {
    /// Defined in the input's rules (undefined bytes halt).
    defined: bool,
    inputs: u8,
    outputs: u8,
    /// Execution never continues with the next instruction.
    terminates: bool,
    /// The transpiler needs the operands (CODECOPY, RETURN, RETURNDATASIZE, RETURNDATACOPY).
    records_operands: bool,
    /// Leaves the manager's wrapped CALL or CREATE result in the return-data buffer of
    /// transpiled code.
    sets_call_return_data: bool,
    /// Its transpiled form is another manager call, which overwrites the return-data buffer
    /// with a result native code would not see.
    clobbers_return_data: bool,
}

/// [`OpFacts`] of every byte, derived from the opcode table.
static OP_FACTS: [OpFacts; 256] = {
    let none = OpFacts {
        defined: false,
        inputs: 0,
        outputs: 0,
        terminates: true,
        records_operands: false,
        sets_call_return_data: false,
        clobbers_return_data: false,
    };
    let mut table = [none; 256];
    let mut b = 0;
    while b < 256 {
        let op = b as u8;
        if let Some(info) = opcode::info_in(op, INPUT_FORK) {
            let sets = matches!(op, CALL | CALLCODE | DELEGATECALL | STATICCALL | CREATE | CREATE2);
            table[b] = OpFacts {
                defined: true,
                inputs: info.inputs,
                outputs: info.outputs,
                terminates: info.terminates(),
                records_operands: matches!(op, CODECOPY | RETURN | RETURNDATASIZE | RETURNDATACOPY),
                sets_call_return_data: sets,
                clobbers_return_data: matches!(info.ovm, OvmClass::Manager(_)) && !sets && op != REVERT,
            };
        }
        b += 1;
    }
    table
};

/// Constant folding of the operations compilers apply to code offsets and branch conditions;
/// `input(n)` is the constant of input `n` (0 = top), if known.
fn fold(op: u8, input: impl Fn(usize) -> Option<U256>) -> Option<U256> {
    let a = input(0)?;
    let b = || input(1);
    let bool_word = |x: bool| U256::from(u8::from(x));
    let shift = |s: U256| usize::try_from(s).ok().filter(|s| *s < 256);
    Some(match op {
        ADD => a.wrapping_add(b()?),
        SUB => a.wrapping_sub(b()?),
        MUL => a.wrapping_mul(b()?),
        // EVM division and remainder by zero give zero.
        DIV => a.checked_div(b()?).unwrap_or(U256::ZERO),
        MOD => a.checked_rem(b()?).unwrap_or(U256::ZERO),
        AND => a & b()?,
        OR => a | b()?,
        XOR => a ^ b()?,
        NOT => !a,
        ISZERO => bool_word(a.is_zero()),
        EQ => bool_word(a == b()?),
        LT => bool_word(a < b()?),
        GT => bool_word(a > b()?),
        SHL => match shift(a) {
            Some(s) => b()? << s,
            None => U256::ZERO,
        },
        SHR => match shift(a) {
            Some(s) => b()? >> s,
            None => U256::ZERO,
        },
        _ => return None,
    })
}

/// One block entry state: its block, its stack in the arena and the return-data state.
#[derive(Clone, Copy, Debug)]
struct Header {
    block: u32,
    start: u32,
    len: u32,
    return_data: ReturnData,
}

/// The fixpoint's working state.
struct Analyzer<'a> {
    instrs: &'a [Ins],
    /// For each PUSH: the JUMPDEST instruction its value names, or [`NONE`].
    push_target: Vec<u32>,
    /// Address-taken JUMPDESTs: those some PUSH names, in order.
    address_taken: Vec<u32>,
    /// Whether each instruction starts a block (JUMPDEST, or after JUMPI or a halt).
    block_start: Vec<bool>,
    index_of_pc: &'a [u32],
    values: Values,
    headers: Vec<Header>,
    arena: Vec<V>,
    state_of: Map<(u32, u32, u64), u32>,
    contexts: Vec<u16>,
    queued: Vec<bool>,
    worklist: Vec<u32>,
    issue: Option<AnalysisIssue>,
    // Facts accumulated over every path.
    reachable: Vec<bool>,
    data_use: Vec<bool>,
    jump_use: Vec<bool>,
    jump_dest: Vec<Option<V>>,
    operands: Map<u32, (SmallVec<[V; 3]>, ReturnData)>,
    max_height: Vec<u16>,
}

impl Analyzer<'_> {
    /// The JUMPDEST instruction at `target`, if there is one.
    fn jumpdest_index(&self, target: U256) -> Option<usize> {
        let pc = usize::try_from(target).ok()?;
        let i = *self.index_of_pc.get(pc)?;
        (i != NONE && self.instrs[i as usize].op == JUMPDEST).then_some(i as usize)
    }

    /// The code address `v` certainly is, if any (a JUMPDEST, from PUSHes only), named by the
    /// JUMPDEST's instruction index: as good a key as its pc, and cheaper to find.
    fn code_address(&self, v: V) -> Option<u64> {
        match v.tag() {
            V::PUSH => {
                let target = self.push_target[v.index() as usize];
                (target != NONE).then_some(u64::from(target))
            }
            V::JOINED if !self.values.unknown(v) => {
                let c = self.values.constant(v, self.instrs)?;
                self.jumpdest_index(c).map(|t| t as u64)
            }
            _ => None,
        }
    }

    fn mark_data(&mut self, v: V) {
        let data_use = &mut self.data_use;
        self.values.each_origin(v, |o| data_use[o as usize] = true);
    }

    fn too_complex(&mut self, at: usize) {
        if self.issue.is_none() {
            self.issue = Some(AnalysisIssue::TooManyContexts { pc: self.instrs[at].pc });
        }
    }

    /// Merges `stack` into the entry of block `at` in its context, queueing it when it changed.
    fn enter(&mut self, at: usize, stack: &[V], return_data: ReturnData) {
        // The context, hashed: the slots holding code addresses and those addresses. Two
        // contexts sharing a hash would only be merged, which is sound (values only grow).
        let mut h = FxHasher::default();
        for (slot, v) in stack.iter().enumerate() {
            if let Some(c) = self.code_address(*v) {
                core::hash::Hasher::write_u64(&mut h, ((slot as u64) << 32) | c);
            }
        }
        let key = (at as u32, stack.len() as u32, core::hash::Hasher::finish(&h));
        match self.state_of.get(&key) {
            None => {
                if self.contexts[at] >= MAX_CONTEXTS_PER_BLOCK
                    || self.headers.len() >= MAX_STATES
                    || self.arena.len() + stack.len() > MAX_SLOTS
                {
                    self.too_complex(at);
                    return;
                }
                self.contexts[at] += 1;
                let index = self.headers.len() as u32;
                self.state_of.insert(key, index);
                self.headers.push(Header {
                    block: at as u32,
                    start: self.arena.len() as u32,
                    len: stack.len() as u32,
                    return_data,
                });
                self.arena.extend(stack.iter().map(|v| v.settled()));
                self.queued.push(true);
                self.worklist.push(index);
            }
            Some(&index) => {
                let header = &mut self.headers[index as usize];
                let mut changed = false;
                let rd = header.return_data.merge(return_data);
                if rd != header.return_data {
                    header.return_data = rd;
                    changed = true;
                }
                let start = header.start as usize;
                for (k, v) in stack.iter().enumerate() {
                    let (old, new) = (self.arena[start + k], v.settled());
                    if old != new {
                        let m = self.values.merge(old, new, self.instrs);
                        if m != old {
                            self.arena[start + k] = m;
                            changed = true;
                        }
                    }
                }
                if changed && !self.queued[index as usize] {
                    self.queued[index as usize] = true;
                    self.worklist.push(index);
                }
            }
        }
    }

    /// `stack` with every copy of the fresh value `def` known to be zero.
    fn with_zero(&mut self, stack: &[V], def: Option<V>, out: &mut Vec<V>) {
        out.clear();
        out.extend_from_slice(stack);
        if let Some(def) = def {
            let zero = self.values.computed(U256::ZERO);
            for v in out.iter_mut().filter(|v| **v == def) {
                *v = zero;
            }
        }
    }

    /// Follows one entry state to the end of its block.
    fn run(&mut self, index: u32, runtime: bool, code_len: usize, stack: &mut Vec<V>, scratch: &mut Vec<V>) {
        let n = self.instrs.len();
        let header = self.headers[index as usize];
        stack.clear();
        stack.extend_from_slice(&self.arena[header.start as usize..(header.start + header.len) as usize]);
        let mut return_data = header.return_data;
        // The ISZERO results of this block: (its instruction, the fresh value it tests, whether
        // it is non-zero exactly when that value is zero).
        let mut tests: SmallVec<[(u32, V, bool); 4]> = SmallVec::new();
        let mut i = header.block as usize;
        loop {
            let ins = &self.instrs[i];
            let op = ins.op;
            self.reachable[i] = true;
            self.max_height[i] = self.max_height[i].max(stack.len() as u16);
            let info = OP_FACTS[op as usize];
            if !info.defined {
                return;
            }
            let (inputs, outputs) = (usize::from(info.inputs), usize::from(info.outputs));
            // Underflow and overflow halt the frame: nothing follows on this path.
            if stack.len() < inputs || stack.len() - inputs + outputs > crate::interpreter::STACK_LIMIT {
                return;
            }
            match op {
                PUSH1..=PUSH32 => stack.push(V::new(V::PUSH, i as u32)),
                DUP1..=DUP16 => stack.push(stack[stack.len() - usize::from(op - DUP1 + 1)]),
                SWAP1..=SWAP16 => {
                    let top = stack.len() - 1;
                    stack.swap(top, top - usize::from(op - SWAP1 + 1));
                }
                POP => {
                    stack.pop();
                }
                JUMP | JUMPI => {
                    self.jump(i, stack, scratch, &tests, return_data);
                    return;
                }
                _ => {
                    let base = stack.len() - inputs;
                    for v in &stack[base..] {
                        self.mark_data(*v);
                    }
                    let folded = if op == CODESIZE && runtime {
                        Some(U256::from(code_len))
                    } else {
                        let (values, instrs) = (&self.values, self.instrs);
                        fold(op, |n| {
                            stack
                                .get(stack.len().wrapping_sub(n + 1))
                                .and_then(|v| values.constant(*v, instrs))
                        })
                    };
                    if info.records_operands {
                        let settled: SmallVec<[V; 3]> =
                            stack[base..].iter().rev().map(|v| v.settled()).collect();
                        match self.operands.get_mut(&(i as u32)) {
                            None => {
                                self.operands.insert(i as u32, (settled, return_data));
                            }
                            Some((old, rd)) => {
                                for (a, b) in old.iter_mut().zip(&settled) {
                                    *a = self.values.merge(*a, *b, self.instrs);
                                }
                                *rd = rd.merge(return_data);
                            }
                        }
                    }
                    let output = match folded {
                        Some(c) => self.values.computed(c),
                        None => V::new(V::FRESH, i as u32),
                    };
                    if op == ISZERO && stack[base].tag() == V::FRESH {
                        let tested = stack[base];
                        let (def, inverted) = tests
                            .iter()
                            .find(|(at, _, _)| V::new(V::FRESH, *at) == tested)
                            .map_or((tested, false), |(_, def, inverted)| (*def, *inverted));
                        tests.push((i as u32, def, !inverted));
                    }
                    stack.truncate(base);
                    for _ in 0..outputs {
                        stack.push(output);
                    }
                    if info.sets_call_return_data {
                        return_data = ReturnData::Call;
                    } else if info.clobbers_return_data {
                        return_data = ReturnData::Clobbered;
                    }
                }
            }
            if info.terminates {
                return;
            }
            i += 1;
            if i >= n {
                return;
            }
            if self.block_start[i] {
                self.enter(i, stack, return_data);
                return;
            }
        }
    }

    /// A JUMP or JUMPI at instruction `i`, the stack before it in `stack`.
    fn jump(
        &mut self,
        i: usize,
        stack: &mut Vec<V>,
        scratch: &mut Vec<V>,
        tests: &[(u32, V, bool)],
        rd: ReturnData,
    ) {
        let is_jumpi = self.instrs[i].op == JUMPI;
        let dest = stack.pop().expect("checked").settled();
        // For a JUMPI: whether each side can be taken, and the fresh value a side knows is zero.
        let (mut taken, mut falls) = (true, false);
        let (mut zero_if_taken, mut zero_if_falls) = (None, None);
        if is_jumpi {
            let cond = stack.pop().expect("checked");
            self.mark_data(cond);
            match self.values.constant(cond, self.instrs) {
                Some(c) => (taken, falls) = (!c.is_zero(), c.is_zero()),
                None => falls = true,
            }
            if cond.tag() == V::FRESH {
                let (def, inverted) = tests
                    .iter()
                    .find(|(at, _, _)| V::new(V::FRESH, *at) == cond)
                    .map_or((cond, false), |(_, def, inverted)| (*def, *inverted));
                // Taken: the condition is non-zero; through ISZERO, the tested value is zero.
                if inverted {
                    zero_if_taken = Some(def);
                } else {
                    zero_if_falls = Some(def);
                }
            }
        }
        let jump_use = &mut self.jump_use;
        self.values.each_origin(dest, |o| jump_use[o as usize] = true);
        self.jump_dest[i] = Some(match self.jump_dest[i] {
            Some(old) => self.values.merge(old, dest, self.instrs),
            None => dest,
        });
        if taken {
            let mut targets: SmallVec<[u32; 4]> = SmallVec::new();
            let push_target = &self.push_target;
            self.values.each_origin(dest, |o| {
                if push_target[o as usize] != NONE {
                    targets.push(push_target[o as usize]);
                }
            });
            let unknown = self.values.unknown(dest);
            let constant = self.values.constant(dest, self.instrs);
            // A jump to anywhere: following it with the stack as it is would mix every layout
            // into every address-taken block. Its values *escape* instead: their PUSHes count as
            // data (never rewritten; jumps using them are mapped at run time) and the targets
            // are entered with nothing known but the height.
            let escaped = unknown && constant.is_none();
            if unknown && let Some(c) = constant {
                targets.extend(self.jumpdest_index(c).map(|t| t as u32));
            }
            if escaped {
                for v in stack.iter() {
                    self.mark_data(*v);
                }
                scratch.clear();
                scratch.resize(stack.len(), V::UNKNOWN);
                for k in 0..self.address_taken.len() {
                    self.enter(self.address_taken[k] as usize, scratch, rd);
                }
            } else {
                self.with_zero(stack, zero_if_taken, scratch);
                targets.sort_unstable();
                targets.dedup();
                for target in targets {
                    self.enter(target as usize, scratch, rd);
                }
            }
        }
        if is_jumpi && falls && i + 1 < self.instrs.len() {
            self.with_zero(stack, zero_if_falls, scratch);
            self.enter(i + 1, scratch, rd);
        }
    }
}

/// Runs the analysis over `code`. For runtime code (`runtime`), CODESIZE is a constant: nothing is
/// ever appended to deployed code.
pub(crate) fn analyze(code: &[u8], runtime: bool) -> Analysis {
    let decoded = DecodedCode::new(bytes::Bytes::copy_from_slice(code), INPUT_FORK);
    // The instructions as written: the decoded stream without its internal markers and final
    // STOP, with the code's bytes (undefined ones included) as opcodes.
    let instrs: Vec<Ins> = decoded
        .instrs()
        .iter()
        .enumerate()
        .filter(|(k, instr)| instr.op != crate::decode::BEGIN_BLOCK && decoded.pc(*k) < code.len())
        .map(|(k, instr)| {
            let op = instr.raw;
            let width = opcode::immediate_size(op);
            let value = match width {
                0 => U256::ZERO,
                1..=4 => U256::from(instr.arg),
                _ => *decoded.wide_push_value(instr.arg),
            };
            Ins { pc: decoded.pc(k), op, value, width }
        })
        .collect();
    let n = instrs.len();
    let mut index_of_pc = alloc::vec![NONE; code.len() + 1];
    for (i, ins) in instrs.iter().enumerate() {
        index_of_pc[ins.pc] = i as u32;
    }
    let jumpdest_at = |target: &U256| -> u32 {
        let Ok(pc) = usize::try_from(*target) else { return NONE };
        match index_of_pc.get(pc) {
            Some(&i) if i != NONE && instrs[i as usize].op == JUMPDEST => i,
            _ => NONE,
        }
    };
    let push_target: Vec<u32> = instrs
        .iter()
        .map(|ins| if (PUSH1..=PUSH32).contains(&ins.op) { jumpdest_at(&ins.value) } else { NONE })
        .collect();

    let mut address_taken: Vec<u32> = push_target.iter().copied().filter(|t| *t != NONE).collect();
    address_taken.sort_unstable();
    address_taken.dedup();
    let block_start: Vec<bool> = (0..n)
        .map(|i| {
            instrs[i].op == JUMPDEST
                || i.checked_sub(1)
                    .is_some_and(|p| instrs[p].op == JUMPI || OP_FACTS[instrs[p].op as usize].terminates)
        })
        .collect();
    let mut a = Analyzer {
        instrs: &instrs,
        block_start,
        push_target,
        address_taken,
        index_of_pc: &index_of_pc,
        values: Values::default(),
        headers: Vec::new(),
        arena: Vec::new(),
        state_of: Map::default(),
        contexts: alloc::vec![0; n],
        queued: Vec::new(),
        worklist: Vec::new(),
        issue: None,
        reachable: alloc::vec![false; n],
        data_use: alloc::vec![false; n],
        jump_use: alloc::vec![false; n],
        jump_dest: alloc::vec![None; n],
        operands: Map::default(),
        max_height: alloc::vec![0; n],
    };
    if n >= V::LIMIT {
        a.issue = Some(AnalysisIssue::TooManyContexts { pc: 0 });
    } else if n > 0 {
        a.enter(0, &[], ReturnData::Empty);
    }
    let (mut stack, mut scratch) = (Vec::new(), Vec::new());
    while let Some(index) = a.worklist.pop() {
        if a.issue.is_some() {
            break;
        }
        a.queued[index as usize] = false;
        a.run(index, runtime, code.len(), &mut stack, &mut scratch);
    }

    // A PUSH is rewritten only if its value is used as a jump destination and nothing else; a
    // jump is static only if all its destinations come from such PUSHes. A dynamic jump's
    // PUSHes keep their original values (the run-time map expects them).
    let values = &a.values;
    let mut jump_only: Vec<bool> = (0..n).map(|i| a.jump_use[i] && !a.data_use[i]).collect();
    let is_static = |dest: V, jump_only: &[bool]| {
        let (one, many) = values.origins(dest);
        !values.unknown(dest)
            && (one.is_some() || !many.is_empty())
            && one.into_iter().chain(many.iter().copied()).all(|o| jump_only[o as usize])
    };
    loop {
        let mut changed = false;
        for dest in a.jump_dest.iter().flatten() {
            if !is_static(*dest, &jump_only) {
                values
                    .each_origin(*dest, |o| changed |= core::mem::replace(&mut jump_only[o as usize], false));
            }
        }
        if !changed {
            break;
        }
    }
    let jumps: Vec<Option<JumpKind>> = a
        .jump_dest
        .iter()
        .map(|d| d.map(|dest| if is_static(dest, &jump_only) { JumpKind::Static } else { JumpKind::Dynamic }))
        .collect();
    // The run-time map covers every JUMPDEST a dynamic jump may take: those its PUSHes name,
    // its constant, or (when unknown) every address-taken one.
    let mut dynamic_targets: Vec<usize> = Vec::new();
    for dest in a.jump_dest.iter().flatten().filter(|d| !is_static(**d, &jump_only)) {
        values.each_origin(*dest, |o| {
            if a.push_target[o as usize] != NONE {
                dynamic_targets.push(instrs[a.push_target[o as usize] as usize].pc);
            }
        });
        if values.unknown(*dest) {
            match values.constant(*dest, &instrs) {
                Some(c) => dynamic_targets.extend(a.jumpdest_index(c).map(|t| instrs[t].pc)),
                None => dynamic_targets.extend(a.address_taken.iter().map(|t| instrs[*t as usize].pc)),
            }
        }
    }
    dynamic_targets.sort_unstable();
    dynamic_targets.dedup();
    let mut operands: Vec<(u32, Operands)> = a
        .operands
        .iter()
        .map(|(i, (inputs, rd))| {
            let constants = inputs.iter().map(|v| values.constant(*v, &instrs)).collect();
            (*i, Operands { constants, return_data: Some(*rd) })
        })
        .collect();
    operands.sort_unstable_by_key(|(i, _)| *i);
    let issues: Vec<AnalysisIssue> = a.issue.into_iter().collect();
    let (reachable, max_height) = (a.reachable, a.max_height);
    Analysis {
        instrs,
        index_of_pc,
        reachable,
        jump_only,
        jumps,
        dynamic_targets,
        operands,
        max_height,
        issues,
    }
}
