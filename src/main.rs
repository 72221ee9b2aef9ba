//! The `ovm` command-line tool; everything lives in [`ovm::cli`].

fn main() -> std::process::ExitCode {
    ovm::cli::main_with_args(std::env::args_os())
}
