//! Fuzz target `decode`: the body in `bodies/decode.rs`, whose invariant `README.md` states.
#![no_main]

#[path = "../bodies/decode.rs"]
mod decode;

libfuzzer_sys::fuzz_target!(|data: &[u8]| decode::run(data));
