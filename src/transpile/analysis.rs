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
//! Jumps whose destination is not such a PUSH are *dynamic*: the transpiled code maps their
//! destination at run time. The analysis follows them to the JUMPDESTs a program can name: the
//! destination's constant when it has one, else every *address-taken* JUMPDEST (one whose pc
//! appears as some PUSH value), which is where compilers' function pointers point.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;

use smallvec::SmallVec;

use crate::decode::DecodedCode;
use crate::fork::Fork;
use crate::opcode::{self, *};
use crate::primitives::U256;

/// The EVM rules the input is read with: the last fork the OVM dialect accepts opcodes from.
pub(crate) const INPUT_FORK: Fork = Fork::Istanbul;

/// Distinct contexts one block may be analysed in before the code counts as too complex.
const MAX_CONTEXTS_PER_BLOCK: usize = 1024;

/// Block entry states the whole analysis may hold before the code counts as too complex.
const MAX_STATES: usize = 1 << 14;

/// Stack slots (the sum of the entry states' heights) the analysis may hold: bounds its memory
/// (72 bytes a slot) and time on adversarial code; real contracts need a few tens of thousands.
const MAX_SLOTS: usize = 1 << 20;

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

/// What a stack value may be: the PUSH instructions it may come from (by instruction index),
/// whether it may also come from anything else, and its constant if every source agrees on one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Val {
    pub(crate) origins: SmallVec<[u32; 2]>,
    pub(crate) unknown: bool,
    pub(crate) constant: Option<U256>,
}

impl Val {
    fn unknown() -> Val {
        Val { origins: SmallVec::new(), unknown: true, constant: None }
    }

    /// A value computed from constants: known, but from no PUSH.
    fn computed(value: U256) -> Val {
        Val { origins: SmallVec::new(), unknown: true, constant: Some(value) }
    }

    fn push(index: u32, value: U256) -> Val {
        let mut origins = SmallVec::new();
        origins.push(index);
        Val { origins, unknown: false, constant: Some(value) }
    }

    /// The union of two possibilities.
    fn merge(&self, other: &Val) -> Val {
        let mut origins = self.origins.clone();
        for o in &other.origins {
            if let Err(at) = origins.binary_search(o) {
                origins.insert(at, *o);
            }
        }
        let constant = match (self.constant, other.constant) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        };
        Val { origins, unknown: self.unknown || other.unknown, constant }
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

/// The abstract state at a block entry, for one stack height.
#[derive(Clone, Debug, PartialEq, Eq)]
struct State {
    stack: Vec<Val>,
    return_data: ReturnData,
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

/// Operands recorded for the instructions the transpiler treats specially.
#[derive(Clone, Debug, Default)]
pub(crate) struct Operands {
    /// The popped values, top of the stack first (merged over all paths).
    pub(crate) inputs: Vec<Val>,
    /// The return-data state before the instruction.
    pub(crate) return_data: Option<ReturnData>,
}

impl Operands {
    /// The constant of input `n` (0 = top), if every path agrees on one.
    pub(crate) fn constant(&self, n: usize) -> Option<U256> {
        self.inputs.get(n).and_then(|v| v.constant)
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
    /// Operands of every reachable instruction that is not pure stack shuffling.
    pub(crate) operands: Vec<Option<Operands>>,
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
}

/// Instructions whose operands the transpiler needs.
fn records_operands(op: u8) -> bool {
    !matches!(op, 0x60..=0x7f | 0x80..=0x9f | POP | JUMPDEST)
}

/// `true` for instructions that leave the manager's wrapped CALL or CREATE result in the
/// return-data buffer of transpiled code.
fn sets_call_return_data(op: u8) -> bool {
    matches!(op, CALL | CALLCODE | DELEGATECALL | STATICCALL | CREATE | CREATE2)
}

/// `true` for instructions whose transpiled form is another manager call, which overwrites the
/// return-data buffer with a result native code would not see.
fn clobbers_return_data(op: u8) -> bool {
    matches!(opcode::info(op).map(|i| i.ovm), Some(OvmClass::Manager(_)))
        && !sets_call_return_data(op)
        && op != REVERT
}

/// Constant folding for the few operations compilers apply to code offsets.
fn fold(op: u8, inputs: &[Val]) -> Option<U256> {
    let a = inputs.first()?.constant?;
    let b = inputs.get(1).and_then(|v| v.constant);
    Some(match op {
        ADD => a.wrapping_add(b?),
        SUB => a.wrapping_sub(b?),
        MUL => a.wrapping_mul(b?),
        AND => a & b?,
        OR => a | b?,
        SHL => {
            let shift = usize::try_from(a).ok().filter(|s| *s < 256)?;
            b? << shift
        }
        SHR => {
            let shift = usize::try_from(a).ok().filter(|s| *s < 256)?;
            b? >> shift
        }
        _ => return None,
    })
}

/// Everything the fixpoint accumulates besides block entry states.
struct Facts {
    reachable: Vec<bool>,
    data_use: Vec<bool>,
    jump_use: Vec<bool>,
    jump_dest: Vec<Option<Val>>,
    operands: Vec<Option<Operands>>,
    max_height: Vec<u16>,
}

/// Runs the analysis over `code`. For runtime code (`runtime`), CODESIZE is a constant: nothing is
/// ever appended to deployed code.
pub(crate) fn analyze(code: &[u8], runtime: bool) -> Analysis {
    let decoded = DecodedCode::new(bytes::Bytes::copy_from_slice(code), INPUT_FORK);
    let instrs: Vec<Ins> = decoded
        .instructions()
        .map(|i| {
            let width = opcode::immediate_size(i.opcode);
            let mut word = [0u8; 32];
            word[32 - width..32 - width + i.immediate.len()].copy_from_slice(i.immediate);
            Ins { pc: i.pc, op: i.opcode, value: U256::from_be_bytes(word), width }
        })
        .collect();
    let n = instrs.len();
    let mut index_of_pc = alloc::vec![u32::MAX; code.len() + 1];
    for (i, ins) in instrs.iter().enumerate() {
        index_of_pc[ins.pc] = i as u32;
    }
    let jumpdest_index = |target: &U256| -> Option<usize> {
        let pc = usize::try_from(*target).ok()?;
        let i = *index_of_pc.get(pc)?;
        (i != u32::MAX && instrs[i as usize].op == JUMPDEST).then_some(i as usize)
    };
    // Address-taken JUMPDESTs: those some PUSH names.
    let address_taken: BTreeSet<usize> = instrs
        .iter()
        .filter(|ins| (PUSH1..=PUSH32).contains(&ins.op))
        .filter_map(|ins| jumpdest_index(&ins.value))
        .collect();
    let defined = |op: u8| opcode::info_in(op, INPUT_FORK);
    let ends_block = |op: u8| defined(op).is_none_or(|info| info.terminates() || op == JUMPI);
    let mut block_start = alloc::vec![false; n];
    if n > 0 {
        block_start[0] = true;
    }
    for i in 0..n {
        if instrs[i].op == JUMPDEST {
            block_start[i] = true;
        }
        if ends_block(instrs[i].op) && i + 1 < n {
            block_start[i + 1] = true;
        }
    }

    // Entry states, found by (block, context); the worklist holds state indexes.
    let mut states: Vec<(usize, State)> = Vec::new();
    let mut state_of: hashbrown::HashMap<(u32, u16, u64), usize, crate::primitives::FixedHasher> =
        hashbrown::HashMap::default();
    let mut contexts_per_block: Vec<u16> = alloc::vec![0; n];
    let mut facts = Facts {
        reachable: alloc::vec![false; n],
        data_use: alloc::vec![false; n],
        jump_use: alloc::vec![false; n],
        jump_dest: alloc::vec![None; n],
        operands: alloc::vec![None; n],
        max_height: alloc::vec![0; n],
    };
    let mut issues: Vec<AnalysisIssue> = Vec::new();
    let mut worklist: Vec<usize> = Vec::new();
    let mut slots = 0usize;
    let mut queued: Vec<bool> = Vec::new();

    // Merges `state` into the entry of block `at` in its context, queueing it when it changed.
    let mut enter = |at: usize,
                     state: State,
                     states: &mut Vec<(usize, State)>,
                     queued: &mut Vec<bool>,
                     worklist: &mut Vec<usize>,
                     issues: &mut Vec<AnalysisIssue>,
                     slots: &mut usize| {
        // The context, hashed: the slots holding code addresses and those addresses. Two
        // contexts sharing a hash would only be merged, which is sound (values only grow).
        let mut h = crate::primitives::FxHasher::default();
        for (slot, v) in state.stack.iter().enumerate() {
            if let (false, Some(c)) = (v.unknown, v.constant)
                && jumpdest_index(&c).is_some()
            {
                core::hash::Hasher::write_u64(&mut h, ((slot as u64) << 32) | c.as_limbs()[0]);
            }
        }
        let key = (at as u32, state.stack.len() as u16, core::hash::Hasher::finish(&h));
        match state_of.get(&key) {
            None => {
                if contexts_per_block[at] as usize >= MAX_CONTEXTS_PER_BLOCK
                    || states.len() >= MAX_STATES
                    || *slots + state.stack.len() > MAX_SLOTS
                {
                    let issue = AnalysisIssue::TooManyContexts { pc: instrs[at].pc };
                    if !issues.contains(&issue) {
                        issues.push(issue);
                    }
                    return;
                }
                contexts_per_block[at] += 1;
                *slots += state.stack.len();
                state_of.insert(key, states.len());
                worklist.push(states.len());
                queued.push(true);
                states.push((at, state));
            }
            Some(&index) => {
                let existing = &mut states[index].1;
                let mut changed = false;
                for (a, b) in existing.stack.iter_mut().zip(&state.stack) {
                    if a != b {
                        let m = a.merge(b);
                        if m != *a {
                            *a = m;
                            changed = true;
                        }
                    }
                }
                let rd = existing.return_data.merge(state.return_data);
                if rd != existing.return_data {
                    existing.return_data = rd;
                    changed = true;
                }
                if changed && !queued[index] {
                    queued[index] = true;
                    worklist.push(index);
                }
            }
        }
    };

    if n > 0 {
        enter(
            0,
            State { stack: Vec::new(), return_data: ReturnData::Empty },
            &mut states,
            &mut queued,
            &mut worklist,
            &mut issues,
            &mut slots,
        );
    }
    while let Some(index) = worklist.pop() {
        queued[index] = false;
        if !issues.is_empty() {
            break;
        }
        let (start, state) = (states[index].0, states[index].1.clone());
        let mut stack = state.stack;
        let mut return_data = state.return_data;
        let mut i = start;
        loop {
            let ins = &instrs[i];
            facts.reachable[i] = true;
            facts.max_height[i] = facts.max_height[i].max(stack.len() as u16);
            let op = ins.op;
            let Some(info) = defined(op) else { break };
            // Underflow and overflow halt the frame: nothing follows on this path.
            if stack.len() < info.inputs as usize
                || stack.len() - info.inputs as usize + info.outputs as usize
                    > crate::interpreter::STACK_LIMIT
            {
                break;
            }
            match op {
                PUSH1..=PUSH32 => stack.push(Val::push(i as u32, ins.value)),
                DUP1..=DUP16 => {
                    let v = stack[stack.len() - (op - DUP1 + 1) as usize].clone();
                    stack.push(v);
                }
                SWAP1..=SWAP16 => {
                    let top = stack.len() - 1;
                    stack.swap(top, top - (op - SWAP1 + 1) as usize);
                }
                POP => {
                    stack.pop();
                }
                JUMP | JUMPI => {
                    let dest = stack.pop().expect("checked");
                    if op == JUMPI {
                        let cond = stack.pop().expect("checked");
                        for o in &cond.origins {
                            facts.data_use[*o as usize] = true;
                        }
                    }
                    for o in &dest.origins {
                        facts.jump_use[*o as usize] = true;
                    }
                    let mut targets: BTreeSet<usize> = dest
                        .origins
                        .iter()
                        .filter_map(|o| jumpdest_index(&instrs[*o as usize].value))
                        .collect();
                    if dest.unknown {
                        match dest.constant {
                            Some(c) => targets.extend(jumpdest_index(&c)),
                            None => targets.extend(address_taken.iter().copied()),
                        }
                    }
                    let (dest_unknown, dest_constant) = (dest.unknown, dest.constant);
                    facts.jump_dest[i] = Some(match &facts.jump_dest[i] {
                        Some(old) => old.merge(&dest),
                        None => dest,
                    });
                    // A jump to anywhere: following it with the stack as it is would mix every
                    // layout into every address-taken block. Its values *escape* instead: their
                    // PUSHes count as data (never rewritten; jumps using them are mapped at run
                    // time) and the targets are entered with nothing known but the height.
                    let escaped = dest_unknown && dest_constant.is_none();
                    let target_stack = if escaped {
                        for v in &stack {
                            for o in &v.origins {
                                facts.data_use[*o as usize] = true;
                            }
                        }
                        alloc::vec![Val::unknown(); stack.len()]
                    } else {
                        stack.clone()
                    };
                    for target in targets {
                        let state = State { stack: target_stack.clone(), return_data };
                        enter(
                            target,
                            state,
                            &mut states,
                            &mut queued,
                            &mut worklist,
                            &mut issues,
                            &mut slots,
                        );
                    }
                    if op == JUMPI && i + 1 < n {
                        enter(
                            i + 1,
                            State { stack, return_data },
                            &mut states,
                            &mut queued,
                            &mut worklist,
                            &mut issues,
                            &mut slots,
                        );
                    }
                    break;
                }
                _ => {
                    let mut inputs = Vec::with_capacity(info.inputs as usize);
                    for _ in 0..info.inputs {
                        let v = stack.pop().expect("checked");
                        for o in &v.origins {
                            facts.data_use[*o as usize] = true;
                        }
                        inputs.push(v);
                    }
                    let folded = if op == CODESIZE && runtime {
                        Some(U256::from(code.len()))
                    } else {
                        fold(op, &inputs)
                    };
                    let output = folded.map(Val::computed).unwrap_or_else(Val::unknown);
                    if records_operands(op) {
                        let slot = facts.operands[i].get_or_insert_with(Operands::default);
                        slot.inputs = if slot.inputs.is_empty() {
                            inputs
                        } else {
                            slot.inputs.iter().zip(&inputs).map(|(a, b)| a.merge(b)).collect()
                        };
                        slot.return_data =
                            Some(slot.return_data.map_or(return_data, |old| old.merge(return_data)));
                    }
                    for _ in 0..info.outputs {
                        stack.push(output.clone());
                    }
                    if sets_call_return_data(op) {
                        return_data = ReturnData::Call;
                    } else if clobbers_return_data(op) {
                        return_data = ReturnData::Clobbered;
                    }
                }
            }
            if info.terminates() {
                break;
            }
            i += 1;
            if i >= n {
                break;
            }
            if block_start[i] {
                enter(
                    i,
                    State { stack, return_data },
                    &mut states,
                    &mut queued,
                    &mut worklist,
                    &mut issues,
                    &mut slots,
                );
                break;
            }
        }
    }

    // A PUSH is rewritten only if its value is used as a jump destination and nothing else; a
    // jump is static only if all its destinations come from such PUSHes. A dynamic jump's
    // PUSHes keep their original values (the run-time map expects them).
    let mut jump_only: Vec<bool> = (0..n).map(|i| facts.jump_use[i] && !facts.data_use[i]).collect();
    let is_static = |dest: &Val, jump_only: &[bool]| {
        !dest.unknown && !dest.origins.is_empty() && dest.origins.iter().all(|o| jump_only[*o as usize])
    };
    loop {
        let mut changed = false;
        for dest in facts.jump_dest.iter().flatten() {
            if !is_static(dest, &jump_only) {
                for o in &dest.origins {
                    changed |= core::mem::replace(&mut jump_only[*o as usize], false);
                }
            }
        }
        if !changed {
            break;
        }
    }
    let jumps: Vec<Option<JumpKind>> = facts
        .jump_dest
        .iter()
        .map(|d| {
            d.as_ref()
                .map(|dest| if is_static(dest, &jump_only) { JumpKind::Static } else { JumpKind::Dynamic })
        })
        .collect();
    // The run-time map covers every JUMPDEST a dynamic jump may take: those its PUSHes name,
    // its constant, or (when unknown) every address-taken one.
    let mut dynamic_targets: BTreeSet<usize> = BTreeSet::new();
    for dest in facts.jump_dest.iter().flatten().filter(|d| !is_static(d, &jump_only)) {
        for o in &dest.origins {
            dynamic_targets.extend(jumpdest_index(&instrs[*o as usize].value).map(|t| instrs[t].pc));
        }
        if dest.unknown {
            match dest.constant {
                Some(c) => dynamic_targets.extend(jumpdest_index(&c).map(|t| instrs[t].pc)),
                None => dynamic_targets.extend(address_taken.iter().map(|t| instrs[*t].pc)),
            }
        }
    }
    issues.sort_by_key(|i| match i {
        AnalysisIssue::TooManyContexts { pc } => *pc,
    });
    Analysis {
        instrs,
        index_of_pc,
        reachable: facts.reachable,
        jump_only,
        jumps,
        dynamic_targets: dynamic_targets.into_iter().collect(),
        operands: facts.operands,
        max_height: facts.max_height,
        issues,
    }
}
