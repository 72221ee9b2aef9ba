//! EIP-3155 JSON-lines traces, as geth's `evm --json` and revm's `revme` write them (the format
//! goevmlab compares): one object per step, then a summary line.

use std::io::Write;

use super::{Step, Tracer};
use crate::interpreter::ExitReason;
use crate::opcode;
use crate::primitives::{HexSlice, U256};

/// Writes an EIP-3155 trace to `out`. Write errors are remembered, not raised mid-execution;
/// check [`Eip3155Tracer::error`] afterwards.
#[derive(Debug)]
pub struct Eip3155Tracer<W: Write> {
    out: W,
    /// The step line being built; written when the step ends.
    pending: String,
    error: Option<std::io::Error>,
    with_memory: bool,
}

impl<W: Write> Eip3155Tracer<W> {
    /// A tracer writing to `out`, without memory contents.
    pub fn new(out: W) -> Self {
        Eip3155Tracer { out, pending: String::new(), error: None, with_memory: false }
    }

    /// Includes the memory contents in every step (`"memory":"0x..."`).
    pub fn with_memory(mut self, yes: bool) -> Self {
        self.with_memory = yes;
        self
    }

    /// The first write error, if any.
    pub fn error(&self) -> Option<&std::io::Error> {
        self.error.as_ref()
    }

    /// Writes the summary line: output, gas used, pass, and the state root when known.
    pub fn summary(&mut self, output: &[u8], gas_used: u64, pass: bool, state_root: Option<crate::B256>) {
        let root = state_root.map(|r| format!("\"stateRoot\":\"{r}\",")).unwrap_or_default();
        let line = format!(
            "{{{root}\"output\":\"0x{}\",\"gasUsed\":\"{gas_used:#x}\",\"pass\":{pass}}}\n",
            HexSlice(output)
        );
        self.write(line.as_bytes());
    }

    /// Gives the writer back.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn write(&mut self, bytes: &[u8]) {
        if self.error.is_none()
            && let Err(e) = self.out.write_all(bytes)
        {
            self.error = Some(e);
        }
    }
}

fn hex_word(w: &U256) -> String {
    format!("{w:#x}")
}

impl<W: Write> Tracer for Eip3155Tracer<W> {
    fn step(&mut self, step: &Step<'_>) {
        use std::fmt::Write as _;
        let stack: Vec<String> = step.stack.iter().map(|w| format!("\"{}\"", hex_word(w))).collect();
        let name = opcode::name(step.opcode)
            .map_or_else(|| format!("opcode {:#04x} not defined", step.opcode), str::to_string);
        let line = &mut self.pending;
        line.clear();
        let _ = write!(
            line,
            "{{\"pc\":{},\"op\":{},\"gas\":\"{:#x}\",\"gasCost\":\"{{COST}}\",",
            step.pc, step.opcode, step.gas
        );
        if self.with_memory {
            let _ = write!(line, "\"memory\":\"0x{}\",", HexSlice(step.memory));
        }
        let _ = write!(
            line,
            "\"memSize\":{},\"stack\":[{}],\"depth\":{},\"returnData\":\"0x{}\",\"refund\":{},\"opName\":\"{}\"",
            step.memory.len(),
            stack.join(","),
            step.depth,
            HexSlice(step.return_data),
            step.refund,
            name
        );
    }

    fn step_end(&mut self, gas_cost: u64, error: Option<ExitReason>) {
        let mut line = std::mem::take(&mut self.pending).replacen("{COST}", &format!("{gas_cost:#x}"), 1);
        if let Some(error) = error {
            line.push_str(&format!(",\"error\":\"{}\"", error.name()));
        }
        line.push_str("}\n");
        self.write(line.as_bytes());
        self.pending = line;
        self.pending.clear();
    }
}
