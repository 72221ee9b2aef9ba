//! Fuzz target `execute_diff`: the body in `bodies/execute_diff.rs`, whose invariant `README.md` states.
#![no_main]

#[path = "../bodies/execute_diff.rs"]
mod execute_diff;

libfuzzer_sys::fuzz_target!(|data: &[u8]| execute_diff::run(data));
