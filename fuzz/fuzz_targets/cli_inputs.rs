//! Fuzz target `cli_inputs`: the body in `bodies/cli_inputs.rs`, whose invariant `README.md` states.
#![no_main]

#[path = "../bodies/cli_inputs.rs"]
mod cli_inputs;

libfuzzer_sys::fuzz_target!(|data: &[u8]| cli_inputs::run(data));
