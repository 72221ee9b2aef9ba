//! The transpiler, tested by differential execution: every contract of the corpus in
//! `tests/data/transpiler/` (solc-js 0.5.16 to 0.8.26, optimizer off and on) is transpiled, and
//! every scripted scenario runs twice: the original natively on our EVM, the transpiled code under
//! the execution manager. Each step must give the same success, return or revert data, logs and
//! created addresses, and each scenario the same storage and nonces at its end. The native run
//! is also checked against the results recorded when the corpus was built (on ethereumjs).
//!
//! Every output the transpiler produces must pass the purity checker; every refusal must name a
//! pc. The 2021 OVM's own contracts (`tests/data/ovm-artifacts/evm`) are run through it too and
//! the verdicts printed (`cargo test --test transpiler -- --nocapture`).

#[path = "support/artifacts.rs"]
mod artifacts;
#[path = "support/link.rs"]
mod link;
#[path = "support/ovm_world.rs"]
mod ovm_world;

use std::collections::BTreeMap;

use bytes::Bytes;
use ovm::primitives::{Address, U256, decode_hex, encode_hex};
use ovm::state::Log;
use ovm::transpile::{Input, Options, TranspileError, transpile};
use ovm::{CodeCache, Evm, Fork};
use ovm_world::*;
use serde_json::Value;

fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/transpiler")
}

fn load(name: &str) -> Value {
    let path = data_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn hex(value: &Value) -> Vec<u8> {
    decode_hex(value.as_str().expect("hex string")).expect("valid hex")
}

fn address(value: &Value) -> Address {
    Address::from_hex(value.as_str().expect("address")).expect("address hex")
}

/// A corpus entry's creation code with its library placeholders linked.
fn linked_creation(entry: &Value, link: &BTreeMap<String, Address>) -> Vec<u8> {
    let text = entry["creation"].as_str().expect("creation");
    let mut chars: Vec<u8> = text.trim_start_matches("0x").as_bytes().to_vec();
    if let Some(refs) = entry["linkReferences"].as_object() {
        for (file, libs) in refs {
            for (lib, places) in libs.as_object().expect("libraries") {
                let target =
                    link.get(&format!("{file}:{lib}")).unwrap_or_else(|| panic!("no link for {file}:{lib}"));
                let hex = encode_hex(&target.0);
                let hex = hex.trim_start_matches("0x").as_bytes();
                for place in places.as_array().expect("places") {
                    let start = place["start"].as_u64().expect("start") as usize * 2;
                    chars[start..start + 40].copy_from_slice(hex);
                }
            }
        }
    }
    decode_hex(std::str::from_utf8(&chars).expect("ascii")).expect("linked hex")
}

/// What one step did, in either world.
#[derive(Debug, PartialEq, Eq)]
struct StepResult {
    success: bool,
    output: Vec<u8>,
    logs: Vec<Log>,
    /// For deployments: the new address (zero when it failed).
    deployed: Option<Address>,
}

struct Native {
    db: ovm::InMemoryDb,
}

impl Native {
    fn new() -> Self {
        let mut world = EvmWorld::new();
        // Users are plain accounts natively.
        for user in [ALICE, BOB, CAROL] {
            world.db.insert_account(user, ovm::AccountInfo::new(U256::ZERO, 0, Bytes::new()), []);
        }
        Native { db: world.db }
    }

    fn deploy(&mut self, initcode: Vec<u8>, nonce: u64) -> StepResult {
        let mut cache = CodeCache::new(Fork::Istanbul);
        let mut evm = Evm::new(&mut self.db, EvmWorld::env(), &mut cache);
        let tx = ovm::Transaction {
            caller: DEPLOYER,
            nonce,
            gas_limit: 9_000_000,
            data: Bytes::from(initcode),
            ..ovm::Transaction::default()
        };
        let result = evm.transact(&tx).expect("valid creation transaction");
        let changes = evm.finalize();
        self.db.commit(changes);
        StepResult {
            success: result.is_success(),
            output: if result.is_success() { Vec::new() } else { result.output.to_vec() },
            logs: result.logs,
            deployed: Some(result.created.unwrap_or(Address::ZERO)),
        }
    }

    fn call(&mut self, from: Address, to: Address, data: Vec<u8>) -> StepResult {
        let mut cache = CodeCache::new(Fork::Istanbul);
        let mut evm = Evm::new(&mut self.db, EvmWorld::env(), &mut cache);
        let result = evm.call(from, to, U256::ZERO, Bytes::from(data), 9_000_000).expect("state");
        let changes = evm.finalize();
        self.db.commit(changes);
        StepResult {
            success: result.is_success(),
            output: result.output.to_vec(),
            logs: result.logs,
            deployed: None,
        }
    }

    fn account(&self, a: &Address) -> (u64, Vec<(U256, U256)>) {
        match self.db.get(a) {
            Some(acc) => {
                let mut s: Vec<_> =
                    acc.storage.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (*k, *v)).collect();
                s.sort();
                (acc.info.nonce, s)
            }
            None => (0, Vec::new()),
        }
    }
}

struct Ovm {
    world: OvmWorld,
}

impl Ovm {
    /// A creation through the deployer; also returns the other contracts it created.
    fn deploy(&mut self, initcode: Vec<u8>) -> (StepResult, Vec<Address>) {
        let result = self.world.transaction(DEPLOYER, initcode);
        assert!(result.is_success(), "the deployer itself failed: {:?}", result.status);
        let deployed = Address::from_word(U256::from_be_slice(&result.return_data[..32]));
        let success = deployed != Address::ZERO;
        // The deployer returns the creation's revert data after the address.
        let output = result.return_data[32..].to_vec();
        let others = result.created.iter().copied().filter(|a| *a != deployed).collect();
        (StepResult { success, output, logs: result.logs, deployed: Some(deployed) }, others)
    }

    /// A call through the user's forwarder; also returns the contracts it created.
    fn call(&mut self, from: Address, to: Address, data: Vec<u8>) -> (StepResult, Vec<Address>) {
        let mut input = to.to_word().to_be_bytes::<32>().to_vec();
        input.extend_from_slice(&data);
        let result = self.world.transaction(from, input);
        assert!(result.is_success(), "forwarder: {:?}", result.status);
        let out = &result.return_data;
        let success = U256::from_be_slice(&out[..32]) == U256::from(1);
        let len = U256::from_be_slice(&out[64..96]).to::<usize>();
        let step =
            StepResult { success, output: out[96..96 + len].to_vec(), logs: result.logs, deployed: None };
        (step, result.created)
    }

    fn account(&self, a: &Address) -> (u64, Vec<(U256, U256)>) {
        match self.world.em.database().get(a) {
            Some(acc) => {
                let mut s: Vec<_> =
                    acc.storage.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (*k, *v)).collect();
                s.sort();
                (acc.info.nonce, s)
            }
            None => (0, Vec::new()),
        }
    }
}

fn logs_of(step: &Value) -> Vec<Log> {
    step["logs"]
        .as_array()
        .expect("logs")
        .iter()
        .map(|l| Log {
            address: address(&l["address"]),
            topics: l["topics"]
                .as_array()
                .expect("topics")
                .iter()
                .map(|t| ovm::B256(hex(t).try_into().expect("32-byte topic")))
                .collect(),
            data: Bytes::from(hex(&l["data"])),
        })
        .collect()
}

/// CREATE2 addresses commit to the initcode's hash (spec 2.5), and a transpiled factory deploys
/// transpiled initcode: the same child gets another address in the OVM. The test pairs each
/// native CREATE2 address with the OVM one (from the step's recorded `created` list and the
/// manager's) and translates addresses between the worlds before comparing. CREATE addresses
/// depend only on the creator and its nonce and must be equal.
#[derive(Default)]
struct AddressMap {
    /// (native, OVM) pairs.
    pairs: Vec<(Address, Address)>,
}

impl AddressMap {
    fn replace(bytes: &[u8], from: &Address, to: &Address) -> Vec<u8> {
        let mut out = bytes.to_vec();
        let mut i = 0;
        while i + 20 <= out.len() {
            if out[i..i + 20] == from.0 {
                out[i..i + 20].copy_from_slice(&to.0);
                i += 20;
            } else {
                i += 1;
            }
        }
        out
    }

    fn to_ovm_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        self.pairs.iter().fold(bytes.to_vec(), |b, (native, ovm)| Self::replace(&b, native, ovm))
    }

    fn to_native_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        self.pairs.iter().fold(bytes.to_vec(), |b, (native, ovm)| Self::replace(&b, ovm, native))
    }

    fn to_ovm(&self, a: Address) -> Address {
        self.pairs.iter().find(|(n, _)| *n == a).map_or(a, |(_, o)| *o)
    }

    fn to_native(&self, a: Address) -> Address {
        self.pairs.iter().find(|(_, o)| *o == a).map_or(a, |(n, _)| *n)
    }

    /// OVM storage keys that hash a CREATE2 address (`mapping(address => ..)` at slots below 32,
    /// one or two levels deep, the other key one of `known`), with their native counterparts.
    fn key_table(&self, known: &[Address]) -> BTreeMap<U256, U256> {
        let hash = |a: &Address, slot: U256| {
            let mut b = a.to_word().to_be_bytes::<32>().to_vec();
            b.extend_from_slice(&slot.to_be_bytes::<32>());
            U256::from_be_bytes(ovm::primitives::keccak256(&b).0)
        };
        let mut table = BTreeMap::new();
        for (native, ovm) in &self.pairs {
            for slot in (0u64..32).map(U256::from) {
                let (inner_o, inner_n) = (hash(ovm, slot), hash(native, slot));
                table.insert(inner_o, inner_n);
                for a in known {
                    let (a_o, a_n) = (self.to_ovm(*a), self.to_native(*a));
                    table.insert(hash(&a_o, inner_o), hash(&a_n, inner_n));
                    table.insert(hash(ovm, hash(&a_o, slot)), hash(native, hash(&a_n, slot)));
                }
            }
        }
        table
    }

    /// An OVM result in native addresses.
    fn to_native_result(&self, r: StepResult) -> StepResult {
        StepResult {
            success: r.success,
            output: self.to_native_bytes(&r.output),
            logs: r
                .logs
                .into_iter()
                .map(|l| Log {
                    address: self.to_native(l.address),
                    topics: l
                        .topics
                        .iter()
                        .map(|t| ovm::B256(self.to_native_bytes(&t.0).try_into().expect("32 bytes")))
                        .collect(),
                    data: Bytes::from(self.to_native_bytes(&l.data)),
                })
                .collect(),
            deployed: r.deployed.map(|a| self.to_native(a)),
        }
    }

    /// Pairs the CREATE2 children a step recorded natively with those the manager reports.
    fn learn(&mut self, at: &str, recorded: &Value, ovm_created: &[Address]) -> Result<(), String> {
        let recorded = recorded.as_array().map(Vec::as_slice).unwrap_or_default();
        let mut ovm_rest: Vec<Address> = ovm_created.to_vec();
        let mut native2 = Vec::new();
        for c in recorded {
            let native = address(&c["address"]);
            if c["via"] == "CREATE2" {
                native2.push(native);
            } else if let Some(i) = ovm_rest.iter().position(|a| *a == native) {
                ovm_rest.remove(i);
            } else {
                return Err(format!(
                    "{at}: CREATE child {native} was not created in the OVM ({ovm_created:?})"
                ));
            }
        }
        if native2.len() != ovm_rest.len() {
            return Err(format!("{at}: CREATE2 children differ: native {native2:?}, OVM {ovm_rest:?}"));
        }
        self.pairs.extend(native2.into_iter().zip(ovm_rest));
        Ok(())
    }
}

/// Transpiles every corpus entry once (linking needs addresses, so linked entries are
/// transpiled per scenario).
struct Transpiler {
    cache: BTreeMap<Vec<u8>, Result<Vec<u8>, TranspileError>>,
    /// Transpile with [`Options::code_end_marker`] (for a manager with the data section).
    marker: bool,
}

impl Transpiler {
    fn creation(&mut self, code: &[u8]) -> Result<Vec<u8>, TranspileError> {
        if let Some(r) = self.cache.get(code) {
            return r.clone();
        }
        let options = Options { input: Input::Creation, code_end_marker: self.marker };
        let result = transpile(code, &options).map(|t| t.code);
        if let Ok(out) = &result {
            let report = ovm::purity::check(out);
            assert!(report.is_pure(), "transpiled code is not pure: {:?}", report.first_violation());
        }
        self.cache.insert(code.to_vec(), result.clone());
        result
    }
}

/// How a scenario ended when nothing differed.
enum Verdict {
    /// Every step agreed (the number of steps).
    Agree(usize),
    /// The transpiler refused a contract the scenario deploys.
    Refused(String),
    /// A deployment's constructor arguments are unsafe code to the OVM's safety checker.
    UnsafeArguments(String),
}

/// Runs one scenario in both worlds; returns the first difference as an error.
fn run_scenario(
    scenario: &Value,
    corpus: &BTreeMap<String, Value>,
    t: &mut Transpiler,
) -> Result<Verdict, String> {
    let name = scenario["name"].as_str().expect("name");
    let mut native = Native::new();
    let config = ovm::manager::ManagerConfig {
        chain_id: CHAIN_ID,
        initcode_data_section: t.marker,
        ..ovm::manager::ManagerConfig::default()
    };
    let mut ovm = Ovm { world: OvmWorld::with_config(&[ALICE, BOB, CAROL], config) };
    let mut labels: BTreeMap<String, Address> = BTreeMap::new();
    for (label, a) in scenario["labels"].as_object().expect("labels") {
        labels.insert(label.clone(), address(a));
    }
    let steps = scenario["steps"].as_array().expect("steps");
    let mut map = AddressMap::default();
    for (n, step) in steps.iter().enumerate() {
        let at = format!("{name} step {n}");
        let (ours, theirs) = match step["op"].as_str().expect("op") {
            "deploy" => {
                let entry = &corpus[step["entry"].as_str().expect("entry")];
                let mut link = BTreeMap::new();
                for (placeholder, label) in step["link"].as_object().expect("link") {
                    link.insert(placeholder.clone(), labels[label.as_str().expect("label")]);
                }
                let creation = linked_creation(entry, &link);
                let args = hex(&step["args"]);
                let transpiled = match t.creation(&creation) {
                    Ok(code) => code,
                    Err(e) => {
                        return Ok(Verdict::Refused(format!(
                            "{}: {e}",
                            entry["name"].as_str().expect("name")
                        )));
                    }
                };
                let mut native_code = creation.clone();
                native_code.extend_from_slice(&args);
                let transpiled_len = transpiled.len();
                let mut ovm_code = transpiled;
                ovm_code.extend_from_slice(&map.to_ovm_bytes(&args));
                let theirs = native.deploy(native_code, step["nonce"].as_u64().expect("nonce"));
                let (ours, created) = ovm.deploy(ovm_code.clone());
                // The manager checks initcode *with* its appended constructor arguments (spec 3,
                // the 2021 EM's "pass an unsafe constructor argument"): argument bytes that read
                // as a JUMPDEST followed by banned opcodes make any creation code unsafe. No
                // rewrite of the code can change that, so such a deployment is a limit of the
                // dialect, told apart here by the first violation lying in the arguments.
                if theirs.success && !ours.success {
                    let report = ovm::purity::check(&ovm_code);
                    if let Some(v) = report.first_violation().filter(|v| v.pc >= transpiled_len) {
                        return Ok(Verdict::UnsafeArguments(format!(
                            "{at}: constructor argument byte at {} reads as {:#04x} ({:?})",
                            v.pc - transpiled_len,
                            v.opcode,
                            v.rule
                        )));
                    }
                }
                if ours.success {
                    map.learn(&at, &step["created"], &created)?;
                }
                let ours = map.to_native_result(ours);
                let expected = address(&step["address"]);
                let expect_success = step["expect"] == "success";
                if theirs.success != expect_success || (expect_success && theirs.deployed != Some(expected)) {
                    return Err(format!("{at}: native deploy differs from the recorded result: {theirs:?}"));
                }
                (ours, theirs)
            }
            "call" => {
                let from = address(&step["from"]);
                let to = labels[step["to"].as_str().expect("to")];
                let data = hex(&step["data"]);
                let theirs = native.call(from, to, data.clone());
                let (ours, created) = ovm.call(from, map.to_ovm(to), map.to_ovm_bytes(&data));
                map.learn(&at, &step["created"], &created)?;
                let ours = map.to_native_result(ours);
                let expect_success = step["expect"] == "success";
                let returns = step.get("returns").map(hex).unwrap_or_default();
                if theirs.success != expect_success
                    || theirs.output != returns
                    || theirs.logs != logs_of(step)
                {
                    return Err(format!(
                        "{at} ({}): native run differs from the recorded result: success {} output {}",
                        step["function"],
                        theirs.success,
                        encode_hex(&theirs.output)
                    ));
                }
                (ours, theirs)
            }
            other => panic!("unknown step {other}"),
        };
        if ours != theirs {
            return Err(format!(
                "{at} ({}): transpiled differs from native:\n  ovm:    success {} output {} logs {} deployed {:?}\n  native: success {} output {} logs {} deployed {:?}",
                step.get("function").or(step.get("entry")).unwrap_or(&Value::Null),
                ours.success,
                encode_hex(&ours.output),
                ours.logs.len(),
                ours.deployed,
                theirs.success,
                encode_hex(&theirs.output),
                theirs.logs.len(),
                theirs.deployed,
            ));
        }
    }
    let known: Vec<Address> = labels.values().copied().collect();
    let keys = map.key_table(&known);
    for (label, a) in &labels {
        let (nonce, storage) = ovm.account(&map.to_ovm(*a));
        let mut storage: Vec<(U256, U256)> = storage
            .into_iter()
            .map(|(k, v)| {
                let v = map.to_native_bytes(&v.to_be_bytes::<32>());
                (keys.get(&k).copied().unwrap_or(k), U256::from_be_slice(&v))
            })
            .collect();
        storage.sort();
        let (ours, theirs) = ((nonce, storage), native.account(a));
        if ours != theirs {
            return Err(format!(
                "{name}: account {label} ({a}) differs at the end:\n  ovm:    {ours:?}\n  native: {theirs:?}"
            ));
        }
    }
    Ok(Verdict::Agree(steps.len()))
}

#[test]
fn every_scenario_runs_the_same_transpiled() {
    run_every_scenario(false);
}

/// The same with the opt-in initcode data section (`ManagerConfig::initcode_data_section`)
/// and the transpiler's code-end marker: constructor arguments are data, so no deployment is
/// stopped by them.
#[test]
fn every_scenario_runs_the_same_with_the_initcode_data_section() {
    run_every_scenario(true);
}

fn run_every_scenario(data_section: bool) {
    let corpus: BTreeMap<String, Value> = load("corpus.json")
        .as_array()
        .expect("corpus")
        .iter()
        .map(|e| (e["name"].as_str().expect("name").to_string(), e.clone()))
        .collect();
    let scenarios = load("scenarios.json");
    let filter = std::env::var("OVM_SCENARIO").ok();
    let mut t = Transpiler { cache: BTreeMap::new(), marker: data_section };
    let (mut failures, mut refused, mut unsafe_arguments) = (Vec::new(), Vec::new(), Vec::new());
    let (mut passed, mut steps) = (0, 0);
    for scenario in scenarios["scenarios"].as_array().expect("scenarios") {
        let name = scenario["name"].as_str().expect("name");
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        match run_scenario(scenario, &corpus, &mut t) {
            Ok(Verdict::Agree(n)) => {
                passed += 1;
                steps += n;
            }
            Ok(Verdict::Refused(why)) => {
                if known_refusal(&why).is_none() {
                    failures.push(format!("{name}: unexpected refusal: {why}"));
                }
                refused.push(format!("{name}: {why}"));
            }
            Ok(Verdict::UnsafeArguments(why)) if data_section => failures
                .push(format!("{name}: stopped by its constructor arguments with the data section: {why}")),
            Ok(Verdict::UnsafeArguments(why)) => unsafe_arguments.push(why),
            Err(e) => failures.push(e),
        }
    }
    let mode = if data_section { "with the initcode data section" } else { "contracts-v2 rules" };
    println!(
        "{mode}: {passed} scenarios ({steps} steps) agree; {} refused by the transpiler; {} stopped by unsafe constructor arguments; {} differ",
        refused.len(),
        unsafe_arguments.len(),
        failures.len()
    );
    for line in refused.iter().chain(&unsafe_arguments).chain(&failures) {
        println!("  {line}");
    }
    assert!(failures.is_empty(), "{} scenarios differ (first: {})", failures.len(), failures[0]);
}

/// Contracts the transpiler refuses today, with the reason it gives. A scenario that deploys one
/// is reported, not compared; any other refusal fails the test, and so does an entry here that
/// no input matches any more.
const KNOWN_REFUSALS: &[(&str, &str)] = &[
    // Reads its own code at offsets computed from call data: no layout can keep those bytes
    // where they were (refusal by design).
    ("CodeReader@", "CODECOPY reads from an offset computed at run time"),
];

/// The entry of [`KNOWN_REFUSALS`] that explains `why`, if any.
fn known_refusal(why: &str) -> Option<usize> {
    KNOWN_REFUSALS.iter().position(|(contract, reason)| why.starts_with(contract) && why.contains(reason))
}

#[test]
fn every_corpus_contract_transpiles_to_pure_code() {
    let corpus = load("corpus.json");
    let mut refused = Vec::new();
    let mut used = vec![false; KNOWN_REFUSALS.len()];
    let mut growth: BTreeMap<&str, Vec<(f64, String)>> = BTreeMap::new();
    for entry in corpus.as_array().expect("corpus") {
        let name = entry["name"].as_str().expect("name");
        for (field, input) in [("creation", Input::Creation), ("runtime", Input::Runtime)] {
            // Unlinked library placeholders are not hex; link them to a fixed address.
            let text = entry[field].as_str().expect("code");
            let text = link::link_placeholders(text);
            let code = decode_hex(&text).expect("hex");
            match transpile(&code, &Options { input, ..Options::default() }) {
                Ok(out) => {
                    let report = ovm::purity::check(&out.code);
                    assert!(report.is_pure(), "{name} {field}: {:?}", report.first_violation());
                    growth.entry(field).or_default().push((out.report.growth(), name.to_string()));
                }
                Err(e) => {
                    let why = format!("{name}: {e}");
                    assert!(e.pc().is_some() || matches!(e, TranspileError::TooLarge { .. }), "{why}: no pc");
                    match known_refusal(&why) {
                        Some(k) => used[k] = true,
                        None => refused.push(format!("{name} {field}: {e}")),
                    }
                }
            }
        }
    }
    // Size growth (output bytes / input bytes) over the accepted inputs, for BENCHMARKS.md.
    for (field, ratios) in &mut growth {
        ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
        let median = ratios[ratios.len() / 2].0;
        let (worst, worst_name) = ratios.last().expect("some accepted");
        println!(
            "{field}: {} transpiled; size growth median {:+.1}%, worst {:+.1}% ({worst_name}), best {:+.1}%",
            ratios.len(),
            (median - 1.0) * 100.0,
            (worst - 1.0) * 100.0,
            (ratios[0].0 - 1.0) * 100.0
        );
    }
    assert!(refused.is_empty(), "unexpected refusals:\n{}", refused.join("\n"));
    let stale: Vec<_> = KNOWN_REFUSALS.iter().zip(&used).filter(|(_, u)| !**u).map(|(k, _)| k).collect();
    assert!(stale.is_empty(), "known refusals that no input gives any more: {stale:?}");
}

#[test]
fn the_2021_contracts_transpile_or_are_refused_with_a_pc() {
    let mut accepted = 0;
    let mut refusals: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let all = artifacts::all(artifacts::Build::Evm);
    for a in &all {
        if a.creation.is_empty() {
            continue;
        }
        match transpile(&a.creation, &Options::default()) {
            Ok(out) => {
                let report = ovm::purity::check(&out.code);
                assert!(report.is_pure(), "{}: {:?}", a.name, report.first_violation());
                accepted += 1;
            }
            Err(e) => {
                assert!(
                    e.pc().is_some() || matches!(e, TranspileError::TooLarge { .. }),
                    "{}: a refusal without a pc: {e}",
                    a.name
                );
                let reason = match &e {
                    TranspileError::Unsupported { name, .. } => format!("uses {name}"),
                    TranspileError::Embedded { error, .. } => format!("embedded: {error}"),
                    other => {
                        let text = other.to_string();
                        match text.split_once(": ") {
                            Some((_, rest)) if text.starts_with("pc ") => rest.to_string(),
                            _ => text,
                        }
                    }
                };
                refusals.entry(reason).or_default().push(a.name.clone());
            }
        }
    }
    let with_code = all.iter().filter(|a| !a.creation.is_empty()).count();
    println!("{accepted} of {with_code} evm/ artifacts with creation code transpile");
    for (reason, names) in &refusals {
        println!("  refused, {reason}: {}", names.join(", "));
    }
}
