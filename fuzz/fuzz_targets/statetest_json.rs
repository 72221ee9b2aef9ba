//! Fuzz target `statetest_json`: the body in `bodies/statetest_json.rs`, whose invariant `README.md` states.
#![no_main]

#[path = "../bodies/statetest_json.rs"]
mod statetest_json;

libfuzzer_sys::fuzz_target!(|data: &[u8]| statetest_json::run(data));
