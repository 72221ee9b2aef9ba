//! Fuzz target `transpile`: the body in `bodies/transpile.rs`, whose invariant `README.md` states.
#![no_main]

#[path = "../bodies/transpile.rs"]
mod transpile;

libfuzzer_sys::fuzz_target!(|data: &[u8]| transpile::run(data));
