//! The `purity` body: the native purity verdict on any bytes equals `isBytecodeSafe` of the
//! on-chain `OVM_SafetyChecker` (contracts 0.3.5) run on this crate's interpreter, and the report's
//! other views (the verdict-only walk, the OVM-dialect decoding) agree with it.

use std::sync::{Mutex, OnceLock};

use bytes::Bytes;
use ovm::decode::Dialect;
use ovm::primitives::keccak256;
use ovm::purity;
use ovm::{AccountInfo, Address, CodeCache, DecodedCode, Env, Evm, Fork, InMemoryDb, U256};

/// `isBytecodeSafe(bytes)`.
const IS_BYTECODE_SAFE: [u8; 4] = [0xa4, 0x4e, 0xb5, 0x9a];
const CHECKER: Address = Address([0x0c; 20]);
const SENDER: Address = Address([0x5e; 20]);
/// The contract's loop costs a few hundred gas per byte; this covers the largest input below.
const ORACLE_GAS: u64 = 2_000_000_000;
/// Longer inputs are skipped: EIP-170 caps deployed code at 24 KiB.
const MAX_CODE: usize = 24 * 1024;
/// The artifact's JSON (npm `@eth-optimism/contracts` 0.3.5, plain solc 0.7.6 build).
const ARTIFACT: &str = include_str!("../../tests/data/ovm-artifacts/evm/OVM_SafetyChecker.json");

/// The contract deployed in a state of its own, with its decoded code cached.
struct Oracle {
    db: InMemoryDb,
    cache: CodeCache,
}

fn oracle() -> &'static Mutex<Oracle> {
    static ORACLE: OnceLock<Mutex<Oracle>> = OnceLock::new();
    ORACLE.get_or_init(|| {
        let json: serde_json::Value = serde_json::from_str(ARTIFACT).expect("the artifact is JSON");
        let hex = json["deployedBytecode"].as_str().expect("the artifact has deployedBytecode");
        let runtime = ovm::primitives::decode_hex(hex).expect("deployedBytecode is hex");
        let mut db = InMemoryDb::new();
        db.insert_account(CHECKER, AccountInfo::new(U256::ZERO, 1, Bytes::from(runtime)), []);
        // The contract is solc 0.7.6 output, deployed on an Istanbul-era chain.
        Mutex::new(Oracle { db, cache: CodeCache::new(Fork::Istanbul) })
    })
}

/// `isBytecodeSafe(code)` run on our interpreter.
fn is_bytecode_safe(code: &[u8]) -> bool {
    let mut input = IS_BYTECODE_SAFE.to_vec();
    input.extend_from_slice(&U256::from(0x20).to_be_bytes::<32>());
    input.extend_from_slice(&U256::from(code.len()).to_be_bytes::<32>());
    input.extend_from_slice(code);
    input.resize(4 + 64 + code.len().div_ceil(32) * 32, 0);
    // A panic in an earlier input poisons the lock; the state inside is never changed by a call.
    let mut oracle = oracle().lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let Oracle { db, cache } = &mut *oracle;
    let result = Evm::new(db, Env::default(), cache)
        .call(SENDER, CHECKER, U256::ZERO, Bytes::from(input), ORACLE_GAS)
        .expect("in-memory state never fails");
    assert!(result.is_success(), "isBytecodeSafe failed on our interpreter: {:?}", result.reason);
    let word: [u8; 32] = result.output[..].try_into().expect("isBytecodeSafe returns one word");
    assert!(word[..31].iter().all(|&b| b == 0) && word[31] <= 1, "isBytecodeSafe returned a non-bool");
    word[31] == 1
}

/// Runs the body on one input.
pub(crate) fn run(data: &[u8]) {
    if data.len() > MAX_CODE {
        return;
    }
    let report = purity::check(data);
    let decoded = purity::decode(data);
    assert_eq!(purity::first_violation(&decoded).as_ref(), report.first_violation(), "verdict-only walk");
    assert_eq!(purity::is_pure(&decoded), report.is_pure());
    // The execution manager's decoding (OVM dialect, Istanbul) gives the same report.
    let ovm_decoded = DecodedCode::with_dialect(
        Bytes::copy_from_slice(data),
        keccak256(data),
        Fork::Istanbul,
        Dialect::Ovm,
    );
    assert_eq!(purity::check_decoded(&ovm_decoded), report, "OVM-dialect decoding");
    assert_eq!(report.code_size, data.len());

    let oracle = is_bytecode_safe(data);
    assert_eq!(
        report.is_pure(),
        oracle,
        "native says {:?}, isBytecodeSafe says {oracle}",
        report.first_violation()
    );
}
