//! The transpiler: ordinary EVM bytecode in, OVM bytecode out, that passes the purity checker and
//! does under the execution manager what the input does on Ethereum, or a typed refusal that
//! names the pc and the reason.
//!
//! It works from the decoded instruction stream and a static analysis of it ([`analysis`]):
//! - stateful and context opcodes call shared stubs ([`stubs`]), emitted once per contract, that
//!   hold the kall to the matching manager method and keep memory as the contract would see it;
//! - CALL-family results look native: the stub copies the callee's bytes out of the manager's
//!   wrapped result, and RETURNDATASIZE/RETURNDATACOPY read the inner data;
//! - PUSHes the analysis proves to be jump destinations only are rewritten to the new layout;
//!   the remaining jumps map their destination at run time through a search over the original
//!   JUMPDESTs they may name;
//! - CODESIZE and CODECOPY keep reading the original: constant regions of the original code are
//!   stored in the output (as PUSH32 chunks, so the checker never reads them as code), data
//!   appended at deploy time (constructor arguments) is found past the end of the new code;
//! - creation code: the constructor runs as written against the original runtime bytes, and its
//!   RETURN of them deploys the transpiled runtime instead, carrying over the immediates the
//!   constructor patched (immutables, a library's own address);
//! - factories: child creation code embedded in the contract is transpiled too, and a CREATE of
//!   memory that starts with a child's original bytes creates from its transpiled code, with the
//!   constructor arguments that follow.
//!
//! Every output is checked by [`crate::purity`] before it is returned.

mod analysis;
mod emit;
mod stubs;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use analysis::{Analysis, JumpKind, ReturnData};
use emit::{Emitter, Label};
use stubs::{StubKind, Stubs};

use crate::manager::Method;
use crate::opcode::{self, *};
use crate::primitives::{B256, U256, keccak256};

/// What the input is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Input {
    /// Creation code: a constructor that returns the runtime code (constants and constructor
    /// arguments may follow it).
    #[default]
    Creation,
    /// Runtime code alone.
    Runtime,
}

/// Transpiler options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// What the input is.
    pub input: Input,
    /// End the code of creation code (and of the child creation code a factory embeds) with
    /// [`crate::opcode::sequences::CODE_END`], so that a manager with
    /// `ManagerConfig::initcode_data_section` treats the constructor arguments appended to it as
    /// data (opt-in, `spec/OVM.md` section 7; without it such a manager runs the code as any
    /// other).
    pub code_end_marker: bool,
}

/// The largest runtime code the manager deploys (EIP-170).
pub const MAX_RUNTIME_SIZE: usize = 0x6000;

/// How deeply creation code embedded in creation code is followed.
const MAX_NESTING: usize = 4;

/// Why an input was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TranspileError {
    /// An opcode with no OVM equivalent.
    #[error("pc {pc:#x}: {name} has no equivalent in the OVM")]
    Unsupported {
        /// Where.
        pc: usize,
        /// The opcode's name.
        name: &'static str,
    },
    /// MSIZE would show the stubs' scratch memory.
    #[error("pc {pc:#x}: MSIZE would observe the memory the transpiled code uses")]
    Msize {
        /// Where.
        pc: usize,
    },
    /// Return data read after a manager call that native code would not have made.
    #[error("pc {pc:#x}: {name} reads return data after a state access that replaced it")]
    ReturnDataClobbered {
        /// Where.
        pc: usize,
        /// RETURNDATASIZE or RETURNDATACOPY.
        name: &'static str,
    },
    /// A CODECOPY the analysis cannot map to the original bytes.
    #[error("pc {pc:#x}: CODECOPY {reason}")]
    CodeCopy {
        /// Where.
        pc: usize,
        /// Why.
        reason: &'static str,
    },
    /// A constructor RETURN of something other than its runtime code.
    #[error("pc {pc:#x}: the constructor returns code the transpiler cannot identify ({reason})")]
    ConstructorReturn {
        /// Where.
        pc: usize,
        /// Why.
        reason: &'static str,
    },
    /// The original stack is too deep to leave room for a stub.
    #[error("pc {pc:#x}: the stack may hold {height} items, too many to leave room for a manager call")]
    StackTooDeep {
        /// Where.
        pc: usize,
        /// The deepest stack the analysis saw there.
        height: usize,
    },
    /// The analysis gave up on the control flow.
    #[error("pc {pc:#x}: control flow too complex to analyse (the block is reached in too many contexts)")]
    TooComplex {
        /// The block.
        pc: usize,
    },
    /// The transpiled runtime code would exceed the deployable size.
    #[error("transpiled runtime code is {size} bytes, over the {MAX_RUNTIME_SIZE}-byte limit")]
    TooLarge {
        /// Its size.
        size: usize,
    },
    /// Embedded creation code was refused.
    #[error("creation code embedded at {offset:#x}: {error}")]
    Embedded {
        /// Where it starts in the input.
        offset: usize,
        /// Why it was refused.
        error: Box<TranspileError>,
    },
    /// The output failed the purity checker: a transpiler bug, never a property of the input.
    #[error("internal error: the output is not pure at pc {pc:#x} ({rule})")]
    Internal {
        /// The violation's pc in the output.
        pc: usize,
        /// The rule broken.
        rule: &'static str,
    },
}

impl TranspileError {
    /// The pc in the input the refusal is about (for embedded code: its offset plus the inner pc).
    pub fn pc(&self) -> Option<usize> {
        match self {
            TranspileError::Unsupported { pc, .. }
            | TranspileError::Msize { pc }
            | TranspileError::ReturnDataClobbered { pc, .. }
            | TranspileError::CodeCopy { pc, .. }
            | TranspileError::ConstructorReturn { pc, .. }
            | TranspileError::StackTooDeep { pc, .. }
            | TranspileError::TooComplex { pc } => Some(*pc),
            TranspileError::Embedded { offset, error } => error.pc().map(|pc| offset + pc),
            TranspileError::TooLarge { .. } | TranspileError::Internal { .. } => None,
        }
    }
}

/// What the transpiler did to one piece of code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Input size in bytes.
    pub input_size: usize,
    /// Output size in bytes.
    pub output_size: usize,
    /// The shared stubs emitted.
    pub stubs: Vec<&'static str>,
    /// Instructions replaced by a stub call.
    pub manager_calls: usize,
    /// Reachable jumps whose destinations were rewritten statically.
    pub static_jumps: usize,
    /// Reachable jumps mapped at run time.
    pub dynamic_jumps: usize,
    /// Original JUMPDESTs the run-time map covers.
    pub map_entries: usize,
    /// Bytes of the original code stored for CODECOPY.
    pub stored_constants: usize,
    /// Immediates carried from the constructor's copy into the deployed runtime.
    pub carried_immediates: usize,
    /// Constructor copies of the runtime code that only the deployment reads, so that the
    /// original runtime is not stored.
    pub runtime_copies_elided: usize,
    /// For creation code: the runtime code it returns.
    pub runtime: Option<Box<Report>>,
    /// Creation code embedded in this code (factories' children), by offset in the input.
    pub children: Vec<(usize, Report)>,
}

impl Report {
    /// Output size over input size.
    pub fn growth(&self) -> f64 {
        self.output_size as f64 / self.input_size.max(1) as f64
    }
}

/// Transpiled code and its report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transpiled {
    /// The OVM code.
    pub code: Vec<u8>,
    /// What was done.
    pub report: Report,
}

/// Transpiles `code`.
pub fn transpile(code: &[u8], options: &Options) -> Result<Transpiled, TranspileError> {
    let unit = transpile_unit(code, options.input, options.code_end_marker, 0)?;
    Ok(Transpiled { code: unit.code, report: unit.report })
}

/// One transpiled piece of code.
struct Unit {
    code: Vec<u8>,
    report: Report,
    /// PUSH immediates a constructor may have patched in its copy of this (runtime) code:
    /// `(offset in the input, offset in the output, width)`.
    patchable: Vec<(usize, usize, usize)>,
}

/// A region `[offset, offset + len)` of the input that CODECOPY reads.
type Region = (usize, usize);

/// Embedded creation code and its transpiled form.
struct Child {
    len: usize,
    hash: B256,
    code: Vec<u8>,
}

fn name(op: u8) -> &'static str {
    opcode::name(op).unwrap_or("an undefined opcode")
}

/// The constant CODECOPY regions inside the input, by instruction index.
fn codecopy_regions(a: &Analysis, len: usize) -> BTreeMap<usize, Region> {
    let mut out = BTreeMap::new();
    for (i, ins) in a.instrs.iter().enumerate() {
        if ins.op != CODECOPY || !a.reachable[i] {
            continue;
        }
        let Some(ops) = a.operands(i) else { continue };
        let (Some(offset), Some(size)) = (ops.constant(1), ops.constant(2)) else { continue };
        let (Ok(offset), Ok(size)) = (usize::try_from(offset), usize::try_from(size)) else { continue };
        if offset < len && size > 0 && offset.checked_add(size).is_some_and(|end| end <= len) {
            out.insert(i, (offset, size));
        }
    }
    out
}

/// For creation code: the region its RETURNs deploy (`None` when they return nothing).
fn find_runtime(code: &[u8], a: &Analysis) -> Result<Option<Region>, TranspileError> {
    let regions = codecopy_regions(a, code.len());
    let mut found: Option<Region> = None;
    for (i, ins) in a.instrs.iter().enumerate() {
        if ins.op != RETURN || !a.reachable[i] {
            continue;
        }
        let Some(ops) = a.operands(i) else { continue };
        let refuse = |reason| TranspileError::ConstructorReturn { pc: ins.pc, reason };
        let size = ops.constant(1).ok_or_else(|| refuse("its size is computed at run time"))?;
        if size.is_zero() {
            continue;
        }
        let offset = ops.constant(0).ok_or_else(|| refuse("its memory offset is computed at run time"))?;
        let matching: Vec<Region> = regions
            .iter()
            .filter(|(ci, (_, len))| {
                U256::from(*len) == size && a.operands(**ci).and_then(|o| o.constant(0)) == Some(offset)
            })
            .map(|(_, r)| *r)
            .collect();
        let region = match matching.as_slice() {
            [] => return Err(refuse("no CODECOPY of the code fills what it returns")),
            [first, rest @ ..] if rest.iter().all(|r| r == first) => *first,
            _ => return Err(refuse("several regions of the code could be what it returns")),
        };
        if found.is_some_and(|f| f != region) {
            return Err(refuse("the constructor returns different regions on different paths"));
        }
        found = Some(region);
    }
    Ok(found)
}

/// Code emission state for one unit.
struct Writer<'a> {
    code: &'a [u8],
    a: &'a Analysis,
    e: Emitter,
    stubs: Stubs,
    /// Label of every reachable JUMPDEST, by instruction index (others: [`Label::NONE`]).
    jumpdests: Vec<Label>,
    /// The end of the output (CODESIZE and appended data are measured from it).
    end: Label,
    /// The run-time jump map, if any jump needs it.
    map: Option<Label>,
    /// Chunked copies of original regions.
    constants: BTreeMap<Region, Label>,
    /// Raw transpiled code stored for deployment.
    raw: Vec<(Label, Vec<u8>)>,
    /// Marks before PUSHes whose immediates a constructor may patch: (label, input pc, width).
    patch_marks: Vec<(Label, usize, usize)>,
    report: Report,
}

impl Writer<'_> {
    fn stub(&mut self, kind: StubKind) -> Label {
        self.stubs.label(&mut self.e, kind)
    }

    fn call_stub(&mut self, kind: StubKind) {
        let l = self.stub(kind);
        self.e.call_stub(l);
        self.report.manager_calls += 1;
    }

    fn constant(&mut self, region: Region) -> Label {
        if let Some(l) = self.constants.get(&region) {
            return *l;
        }
        let l = self.e.label();
        self.constants.insert(region, l);
        self.report.stored_constants += region.1;
        l
    }

    fn raw(&mut self, bytes: Vec<u8>) -> Label {
        let l = self.e.label();
        self.raw.push((l, bytes));
        l
    }
}

/// Transpiles one piece of code; `depth` counts enclosing creation codes, `marker` is
/// [`Options::code_end_marker`].
fn transpile_unit(code: &[u8], input: Input, marker: bool, depth: usize) -> Result<Unit, TranspileError> {
    let a = analysis::analyze(code, input == Input::Runtime);
    if let Some(analysis::AnalysisIssue::TooManyContexts { pc }) = a.issues.first() {
        return Err(TranspileError::TooComplex { pc: *pc });
    }
    // Creation code: the runtime it deploys, transpiled.
    let runtime_region = match input {
        Input::Creation => find_runtime(code, &a)?,
        Input::Runtime => None,
    };
    let runtime = match runtime_region {
        Some((offset, len)) => {
            let unit = transpile_unit(&code[offset..offset + len], Input::Runtime, marker, depth)?;
            if unit.code.len() > MAX_RUNTIME_SIZE {
                return Err(TranspileError::TooLarge { size: unit.code.len() });
            }
            Some(unit)
        }
        None => None,
    };
    // Other regions that are creation code: the children a factory deploys.
    let mut children: Vec<(usize, Child, Report)> = Vec::new();
    let has_create =
        a.instrs.iter().enumerate().any(|(i, ins)| a.reachable[i] && matches!(ins.op, CREATE | CREATE2));
    if has_create && depth < MAX_NESTING {
        for (offset, len) in codecopy_regions(&a, code.len()).into_values() {
            if Some((offset, len)) == runtime_region
                || children.iter().any(|(o, c, _)| (*o, c.len) == (offset, len))
            {
                continue;
            }
            let bytes = &code[offset..offset + len];
            let inner = analysis::analyze(bytes, false);
            if !matches!(find_runtime(bytes, &inner), Ok(Some(_))) {
                continue;
            }
            let unit = transpile_unit(bytes, Input::Creation, marker, depth + 1)
                .map_err(|error| TranspileError::Embedded { offset, error: Box::new(error) })?;
            children.push((offset, Child { len, hash: keccak256(bytes), code: unit.code }, unit.report));
        }
    }

    let mut w = Writer {
        code,
        a: &a,
        e: Emitter::default(),
        stubs: Stubs::default(),
        jumpdests: alloc::vec![Label::NONE; a.instrs.len()],
        end: Label(0),
        map: None,
        constants: BTreeMap::new(),
        raw: Vec::new(),
        patch_marks: Vec::new(),
        report: Report { input_size: code.len(), ..Report::default() },
    };
    w.end = w.e.label();
    for (i, ins) in a.instrs.iter().enumerate() {
        if ins.op == JUMPDEST && a.reachable[i] {
            w.jumpdests[i] = w.e.label();
        }
    }
    if !a.dynamic_targets.is_empty() {
        w.map = Some(w.e.label());
    }
    let subst: Option<(Label, Label)> = (!children.is_empty()).then(|| (w.e.label(), w.e.label()));
    let deployed: Option<(Label, &Unit)> = runtime.as_ref().map(|u| (w.e.label(), u));
    if let Some((l, u)) = deployed {
        w.raw.push((l, u.code.clone()));
    }
    let child_labels: Vec<Label> = children.iter().map(|(_, c, _)| w.raw(c.code.clone())).collect();

    for i in 0..a.instrs.len() {
        if a.reachable[i] {
            emit_instruction(&mut w, i, subst, deployed, runtime_region)?;
        }
    }
    // Running off the end of the original code stops.
    w.e.op(STOP);
    if let Some(map) = w.map {
        emit_map(&mut w, map);
    }
    if let Some((create, create2)) = subst {
        let generic = w.stub(StubKind::Create);
        let generic2 = w.stub(StubKind::Create2);
        let kids: Vec<stubs::ChildCode> = children
            .iter()
            .zip(&child_labels)
            .map(|((_, c, _), l)| stubs::ChildCode {
                len: c.len,
                hash: c.hash,
                code: *l,
                code_len: c.code.len(),
            })
            .collect();
        stubs::substitute_children(&mut w.e, &mut w.stubs, create, generic, &kids, false);
        stubs::substitute_children(&mut w.e, &mut w.stubs, create2, generic2, &kids, true);
    }
    let stubs = core::mem::take(&mut w.stubs);
    w.report.stubs = stubs.kinds().into_iter().map(StubKind::name).collect();
    stubs.emit(&mut w.e);
    // Data: nothing after this point runs.
    w.e.op(INVALID);
    for (l, bytes) in core::mem::take(&mut w.raw) {
        w.e.mark(l).bytes(&bytes);
    }
    for ((offset, len), l) in core::mem::take(&mut w.constants) {
        w.e.mark(l);
        for chunk in code[offset..offset + len].chunks(32) {
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            w.e.op(PUSH32).bytes(&word);
        }
    }
    if marker && input == Input::Creation {
        // Data appended at deploy time follows the marker, where `end` is.
        w.e.bytes(&crate::opcode::sequences::CODE_END);
    }
    w.e.mark(w.end);
    let (out, offsets) = w.e.assemble().map_err(|_| TranspileError::Internal { pc: 0, rule: "label" })?;
    let patchable = w
        .patch_marks
        .iter()
        .filter_map(|(l, pc, width)| offsets[l.0 as usize].map(|new| (pc + 1, new + 1, *width)))
        .collect();
    let mut report = w.report;
    report.output_size = out.len();
    report.map_entries = a.dynamic_targets.len();
    report.runtime = runtime.map(|u| Box::new(u.report));
    report.children = children.into_iter().map(|(o, _, r)| (o, r)).collect();
    if let Some(v) = crate::purity::first_violation(&crate::purity::decode(&out)) {
        return Err(TranspileError::Internal { pc: v.pc, rule: v.rule.code() });
    }
    Ok(Unit { code: out, report, patchable })
}

/// Refuses a stub call site where the original stack leaves no room for the stub.
fn need_room(a: &Analysis, i: usize) -> Result<(), TranspileError> {
    let height = a.max_height[i] as usize;
    if height + stubs::STUB_STACK > crate::interpreter::STACK_LIMIT {
        return Err(TranspileError::StackTooDeep { pc: a.instrs[i].pc, height });
    }
    Ok(())
}

fn emit_instruction(
    w: &mut Writer<'_>,
    i: usize,
    subst: Option<(Label, Label)>,
    deployed: Option<(Label, &Unit)>,
    runtime_region: Option<Region>,
) -> Result<(), TranspileError> {
    let a = w.a;
    let ins = &a.instrs[i];
    let (pc, op) = (ins.pc, ins.op);
    let Some(info) = opcode::info_in(op, analysis::INPUT_FORK) else {
        // Undefined in the input's rules: halts the same way.
        w.e.op(INVALID);
        return Ok(());
    };
    // Too few items: the instruction halts natively; the same bytes halt here (no stub, which
    // might act before it underflows).
    if a.max_height[i] < info.inputs as u16 {
        w.e.op(INVALID);
        return Ok(());
    }
    let method = match info.ovm {
        OvmClass::Manager(_) => Method::for_opcode(op),
        _ => None,
    };
    if method.is_some() || matches!(op, CODECOPY | RETURNDATASIZE | RETURNDATACOPY) {
        need_room(a, i)?;
    }
    match op {
        JUMPDEST => {
            let l = w.jumpdests[i];
            w.e.jumpdest(l);
        }
        PUSH1..=PUSH32 => {
            if a.jump_only[i] {
                match a.index_at(usize::try_from(ins.value).unwrap_or(usize::MAX)) {
                    Some(t) if a.instrs[t].op == JUMPDEST && a.reachable[t] => {
                        let l = w.jumpdests[t];
                        w.e.push_label(l);
                    }
                    // Not a JUMPDEST: the jump fails natively, and fails here.
                    _ => {
                        w.e.push(U256::from(u32::MAX));
                    }
                }
            } else {
                if ins.width >= 20 && ins.value.is_zero() {
                    let l = w.e.label();
                    w.e.mark(l);
                    w.patch_marks.push((l, pc, ins.width));
                }
                let mut bytes = alloc::vec![op];
                bytes.extend_from_slice(&ins.value.to_be_bytes::<32>()[32 - ins.width..]);
                w.e.bytes(&bytes);
            }
        }
        JUMP | JUMPI => match (a.jumps[i], w.map) {
            (Some(JumpKind::Dynamic), Some(map)) => {
                w.report.dynamic_jumps += 1;
                if op == JUMP {
                    w.e.push_label(map).op(JUMP);
                } else {
                    let skip = w.e.label();
                    w.e.ops(&[SWAP1, ISZERO])
                        .push_label(skip)
                        .op(JUMPI)
                        .push_label(map)
                        .op(JUMP)
                        .jumpdest(skip)
                        .op(POP);
                }
            }
            _ => {
                w.report.static_jumps += 1;
                w.e.op(op);
            }
        },
        PC => {
            w.e.push(U256::from(pc));
        }
        CODESIZE => {
            w.e.push(U256::from(w.code.len())).op(CODESIZE).op(ADD).push_label(w.end).ops(&[SWAP1, SUB]);
        }
        CODECOPY => emit_codecopy(w, i, runtime_region.filter(|_| deployed.is_some()))?,
        MSIZE => return Err(TranspileError::Msize { pc }),
        // No native ether in the OVM: every balance is zero.
        BALANCE => {
            w.e.op(POP).push(0u8);
        }
        SELFBALANCE => {
            w.e.push(0u8);
        }
        RETURNDATASIZE | RETURNDATACOPY => {
            if a.operands(i).and_then(|o| o.return_data) == Some(ReturnData::Clobbered) {
                return Err(TranspileError::ReturnDataClobbered { pc, name: name(op) });
            }
            w.call_stub(if op == RETURNDATASIZE {
                StubKind::ReturnDataSize
            } else {
                StubKind::ReturnDataCopy
            });
        }
        REVERT => {
            let l = w.stub(StubKind::Revert);
            w.report.manager_calls += 1;
            w.e.jump_to(l);
        }
        RETURN => match deployed {
            Some((runtime_code, unit))
                if a.operands(i).and_then(|o| o.constant(1)).is_some_and(|s| !s.is_zero()) =>
            {
                let (_, len) = runtime_region.expect("a deployed runtime has a region");
                emit_deploy(w, runtime_code, unit, len);
            }
            _ => {
                w.e.op(RETURN);
            }
        },
        CREATE | CREATE2 => {
            let salted = op == CREATE2;
            match subst {
                Some((create, create2)) => {
                    w.e.call_stub(if salted { create2 } else { create });
                    w.report.manager_calls += 1;
                }
                None => w.call_stub(if salted { StubKind::Create2 } else { StubKind::Create }),
            }
        }
        CALL => w.call_stub(StubKind::Call(Method::Call)),
        // Their stubs insert the zero value the CALL core expects below gas and address.
        STATICCALL => w.call_stub(StubKind::Call(Method::StaticCall)),
        DELEGATECALL => w.call_stub(StubKind::Call(Method::DelegateCall)),
        SLOAD => w.call_stub(StubKind::Call1(Method::Sload)),
        SSTORE => w.call_stub(StubKind::Store2),
        EXTCODESIZE | EXTCODEHASH => w.call_stub(StubKind::Call1Address(method.expect("manager opcode"))),
        EXTCODECOPY => w.call_stub(StubKind::ExtCodeCopy),
        _ => match info.ovm {
            OvmClass::Manager(_) => w.call_stub(StubKind::Get0(method.expect("manager opcode"))),
            OvmClass::Banned => return Err(TranspileError::Unsupported { pc, name: name(op) }),
            OvmClass::Pure | OvmClass::Halting => {
                w.e.op(op);
            }
        },
    }
    Ok(())
}

/// CODECOPY `[dest offset len]` (top first); `runtime` is the region of the runtime code a
/// constructor deploys.
fn emit_codecopy(w: &mut Writer<'_>, i: usize, runtime: Option<Region>) -> Result<(), TranspileError> {
    let a = w.a;
    let pc = a.instrs[i].pc;
    let refuse = |reason| TranspileError::CodeCopy { pc, reason };
    let ops = a.operands(i).ok_or_else(|| refuse("operands unknown"))?;
    let offset = ops.constant(1).ok_or_else(|| refuse("reads from an offset computed at run time"))?;
    let original = U256::from(w.code.len());
    if offset >= original {
        // Data appended at deploy time: it starts at the end of the new code.
        w.e.op(SWAP1).push(original).ops(&[SWAP1, SUB]).push_label(w.end).ops(&[ADD, SWAP1, CODECOPY]);
        return Ok(());
    }
    let len =
        ops.constant(2).ok_or_else(|| refuse("of the code itself has a length computed at run time"))?;
    if len.is_zero() {
        w.e.ops(&[POP, POP, POP]);
        return Ok(());
    }
    let (offset, len) =
        (usize::try_from(offset).expect("below the code size"), usize::try_from(len).unwrap_or(usize::MAX));
    if len > w.code.len() - offset {
        return Err(refuse("reads across the end of the code"));
    }
    if runtime == Some((offset, len)) && only_deployed(w.a, i, len) {
        // Nothing reads the copy but the deployment, which takes the transpiled runtime and
        // the immediates the constructor wrote into the copy; the other bytes of the copy are
        // never seen. Zeros (CALLDATACOPY from the end of the call data) stand in for them, as
        // the patchable immediates are zero in the original too, so the original runtime need
        // not be stored in the transpiled creation code.
        w.e.ops(&[SWAP1, POP, CALLDATASIZE, SWAP1, CALLDATACOPY]);
        w.report.runtime_copies_elided += 1;
        return Ok(());
    }
    let blob = w.constant((offset, len));
    w.e.ops(&[SWAP1, POP]).push_label(blob).op(SWAP1);
    w.call_stub(StubKind::CodeCopy);
    Ok(())
}

/// `true` when the CODECOPY at instruction `i` of the runtime code (`len` bytes) is followed,
/// in a straight line, by nothing that can read memory, call, halt or be jumped into, up to a
/// RETURN of `len` bytes: solc's constructors end so, copying the runtime, writing the
/// immutables into the copy and returning it. (A library's constructor reads its copy's first
/// byte, so it does not qualify.)
fn only_deployed(a: &Analysis, i: usize, len: usize) -> bool {
    for (j, ins) in a.instrs.iter().enumerate().skip(i + 1) {
        match ins.op {
            PUSH1..=PUSH32
            | DUP1..=DUP16
            | SWAP1..=SWAP16
            | POP
            | ADD
            | SUB
            | MUL
            | AND
            | OR
            | MSTORE
            | MSTORE8 => {}
            RETURN => {
                return a.operands(j).and_then(|o| o.constant(1)) == Some(U256::from(len));
            }
            _ => return false,
        }
    }
    false
}

/// The constructor's RETURN of its runtime copy `[offset size]` (top first): returns the
/// transpiled runtime instead, with the immediates the constructor may have patched in its copy
/// carried over.
fn emit_deploy(w: &mut Writer<'_>, runtime_code: Label, unit: &Unit, _len: usize) {
    // q = ((offset + size + 31) & ~31) + 32: past the copy, where nothing matters any more.
    w.e.ops(&[DUP2, DUP2, ADD]).push(63u8).op(ADD).push(!U256::from(31u8)).op(AND);
    // [q offset size]
    w.e.push(U256::from(unit.code.len())).push_label(runtime_code).op(DUP3).op(CODECOPY);
    for &(from, to, width) in &unit.patchable {
        let low_bits = 8 * (32 - width);
        w.e.op(DUP2).push(U256::from(from)).op(ADD).op(MLOAD);
        if width < 32 {
            let low_mask = (U256::from(1u8) << low_bits) - U256::from(1u8);
            w.e.push(!low_mask).op(AND);
            w.e.op(DUP2).push(U256::from(to)).op(ADD).op(MLOAD).push(low_mask).op(AND).op(OR);
        }
        w.e.op(DUP2).push(U256::from(to)).op(ADD).op(MSTORE);
        w.report.carried_immediates += 1;
    }
    w.e.push(U256::from(unit.code.len())).op(SWAP1).op(RETURN);
}

/// The run-time jump map: `[dest]` (an original pc) -> jumps to its new place, or halts as a
/// jump to a non-JUMPDEST does.
fn emit_map(w: &mut Writer<'_>, map: Label) {
    let targets: Vec<(usize, Label)> = w
        .a
        .dynamic_targets
        .iter()
        .filter_map(|pc| w.a.index_at(*pc).map(|i| (*pc, w.jumpdests[i])).filter(|(_, l)| *l != Label::NONE))
        .collect();
    w.e.jumpdest(map);
    let mut hits = Vec::new();
    emit_search(&mut w.e, &targets, &mut hits);
    for (hit, target) in hits {
        w.e.jumpdest(hit).op(POP).jump_to(target);
    }
}

/// A binary search over sorted `(pc, label)` pairs for the pc on top of the stack.
fn emit_search(e: &mut Emitter, targets: &[(usize, Label)], hits: &mut Vec<(Label, Label)>) {
    if targets.len() <= 3 {
        for (pc, target) in targets {
            let hit = e.label();
            e.op(DUP1).push(U256::from(*pc)).op(EQ).push_label(hit).op(JUMPI);
            hits.push((hit, *target));
        }
        e.op(INVALID);
        return;
    }
    let mid = targets.len() / 2;
    let low = e.label();
    // pivot > dest: search the lower half.
    e.op(DUP1).push(U256::from(targets[mid].0)).op(GT).push_label(low).op(JUMPI);
    emit_search(e, &targets[mid..], hits);
    e.jumpdest(low);
    emit_search(e, &targets[..mid], hits);
}

#[cfg(test)]
mod tests;
