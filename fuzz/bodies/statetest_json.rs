//! The `statetest_json` body: the state-test fixture parser never panics on any bytes, nor do the
//! conversions of what it accepts (pre-state, environment per fork, the transaction of each post
//! entry); a few cheap cases of an accepted fixture are also run.

use ovm::{CodeCache, Fork};

/// Cases with a larger gas limit are not run (the fuzzer would spend its time in loops).
const MAX_RUN_GAS: u64 = 1_000_000;
/// At most this many cases of one input are run.
const MAX_RUNS: usize = 4;

/// Runs the body on one input.
pub(crate) fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(tests) = ovm::statetest::parse_file(&text) else {
        return;
    };
    let mut runs = 0;
    for test in &tests {
        let _ = test.pre_state().state_root();
        for fork in Fork::ALL {
            let _ = test.env(fork);
        }
        for (fork, entries) in &test.post {
            for entry in entries {
                let Ok(Some(tx)) = test.transaction(entry.indexes) else {
                    continue;
                };
                if tx.gas_limit > MAX_RUN_GAS || runs == MAX_RUNS {
                    continue;
                }
                runs += 1;
                let mut cache = CodeCache::new(*fork);
                let _ = test.run_case(*fork, entry, &mut cache, ovm::tracer::NoTracer);
            }
        }
    }
}
