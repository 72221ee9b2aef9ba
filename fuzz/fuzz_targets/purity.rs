//! Fuzz target `purity`: the body in `bodies/purity.rs`, whose invariant `README.md` states.
#![no_main]

#[path = "../bodies/purity.rs"]
mod purity;

libfuzzer_sys::fuzz_target!(|data: &[u8]| purity::run(data));
