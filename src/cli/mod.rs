//! The `ovm` command: argument parsing, input reading and the subcommands. Bad input exits with
//! code 2 and a one-line message; nothing here panics on input.

mod check;
mod exec;
mod input;
mod pipeline;
mod run;
mod statetest;
mod transpile;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use exec::{parse_context, parse_transaction};
pub use input::{InputError, read_code_arg};

/// Exit code for malformed input or usage.
pub const EXIT_BAD_INPUT: u8 = 2;

/// `ovm`: an EVM interpreter specialised for the Optimistic Virtual Machine.
#[derive(Debug, Parser)]
#[command(name = "ovm", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Disassemble bytecode: one `{pc:08x}: OP [0xIMMEDIATE]` line per instruction.
    Disasm {
        /// Bytecode: hex (with or without 0x), a file holding hex, or `-` for standard input.
        code: String,
    },
    /// Check bytecode against the OVM purity rules: exit 0 when pure, 1 when impure, 2 on bad input.
    Check(check::CheckArgs),
    /// Run bytecode in one message call and print output, gas used and status as JSON.
    Run(run::RunArgs),
    /// Execute one OVM transaction under the execution manager from JSON files.
    Exec(exec::ExecArgs),
    /// Run ethereum/tests state tests (files or directories).
    Statetest(statetest::StatetestArgs),
    /// The whole OVM path for one contract: check, transpile, check, deploy and run under the
    /// execution manager, with native results beside each step.
    Pipeline(pipeline::PipelineArgs),
    /// Transpile EVM bytecode to OVM bytecode: exit 0 when transpiled, 1 when refused, 2 on bad input.
    Transpile(transpile::TranspileArgs),
}

/// Runs the command line `args` (including the program name) and returns the exit code.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Disasm { code } => read_code_arg(&code).map(|bytes| {
            print!("{}", crate::asm::disassemble(&bytes));
            ExitCode::SUCCESS
        }),
        Command::Check(args) => check::run(args),
        Command::Run(args) => run::run(args),
        Command::Exec(args) => exec::run(args),
        Command::Statetest(args) => statetest::run(args),
        Command::Transpile(args) => transpile::run(args),
        Command::Pipeline(args) => pipeline::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
