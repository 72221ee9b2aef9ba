//! Scenario tests of the execution manager: every method, every revert flag, nested message
//! contexts, creation rules, nuisance gas and proof mode, with small OVM programs written with
//! the [`Asm`] builder (kall sequences included).

use alloc::vec::Vec;

use bytes::Bytes;

use super::abi::{self, Args};
use super::*;
use crate::asm::Asm;
use crate::evm::{create_address, create2_address};
use crate::fork::Fork;
use crate::opcode::*;
use crate::primitives::{Address, U256, keccak256};
use crate::state::{DatabaseError, InMemoryDb};

const A: Address = Address::from_low_u64(0xaaaa);
const B: Address = Address::from_low_u64(0xbbbb);
const C: Address = Address::from_low_u64(0xcccc);
const GAS: u64 = 5_000_000;

fn selector(signature: &str) -> [u8; 4] {
    let h = keccak256(signature.as_bytes());
    [h.0[0], h.0[1], h.0[2], h.0[3]]
}

/// Calldata: selector then ABI words (static arguments only).
fn calldata(signature: &str, words: &[U256]) -> Vec<u8> {
    let mut out = selector(signature).to_vec();
    for w in words {
        abi::push_word(&mut out, *w);
    }
    out
}

/// Calldata for `(uint256 gas, address target, bytes data)` methods.
fn call_calldata(signature: &str, gas: u64, target: Address, data: &[u8]) -> Vec<u8> {
    let mut out = selector(signature).to_vec();
    abi::push_word(&mut out, U256::from(gas));
    abi::push_word(&mut out, target.to_word());
    abi::push_word(&mut out, U256::from(96));
    abi::push_word(&mut out, U256::from(data.len()));
    out.extend_from_slice(data);
    out.resize(out.len() + (32 - data.len() % 32) % 32, 0);
    out
}

/// Calldata for `(bytes)` methods (and `(bytes, bytes32)` with a salt).
fn bytes_calldata(signature: &str, data: &[u8], salt: Option<U256>) -> Vec<u8> {
    let mut out = selector(signature).to_vec();
    abi::push_word(&mut out, U256::from(if salt.is_some() { 64 } else { 32 }));
    if let Some(salt) = salt {
        abi::push_word(&mut out, salt);
    }
    abi::push_word(&mut out, U256::from(data.len()));
    out.extend_from_slice(data);
    out.resize(out.len() + (32 - data.len() % 32) % 32, 0);
    out
}

/// Code that writes `data` to memory at `offset`.
fn store_bytes(mut code: Asm, offset: u64, data: &[u8]) -> Asm {
    for (i, chunk) in data.chunks(32).enumerate() {
        let mut word = [0u8; 32];
        word[..chunk.len()].copy_from_slice(chunk);
        code = code.mstore(offset + 32 * i as u64, U256::from_be_bytes(word));
    }
    code
}

/// Where results land in memory.
const RET: u64 = 0x4000;

/// Code that kalls with `data` and leaves the result at [`RET`].
fn kall_with(code: Asm, data: &[u8], ret_len: u64) -> Asm {
    store_bytes(code, 0, data).kall(0, data.len() as u64, RET, ret_len)
}

/// Code that kalls with `data` and returns `ret_len` bytes of the result.
fn kall_returning(data: &[u8], ret_len: u64) -> Asm {
    kall_with(Asm::new(), data, ret_len).ret(RET, ret_len)
}

fn manager() -> ExecutionManager {
    ExecutionManager::new(ManagerConfig::default())
}

fn tx(entrypoint: Address, data: &[u8]) -> OvmTransaction {
    OvmTransaction {
        timestamp: U256::from(1_600_000_000u64),
        block_number: U256::from(12_345),
        l1_queue_origin: 1,
        l1_tx_origin: Address::from_low_u64(0x11),
        entrypoint,
        gas_limit: GAS,
        data: Bytes::copy_from_slice(data),
    }
}

fn deploy(em: &mut ExecutionManager, address: Address, code: Asm) {
    em.set_account(address, 1, U256::ZERO, Bytes::from(code.into_bytes()));
}

fn words(data: &[u8]) -> Vec<U256> {
    data.chunks(32).map(U256::from_be_slice).collect()
}

#[test]
fn context_methods() {
    let mut em = manager();
    let cases: [(&str, U256); 8] = [
        ("ovmCALLER()", DEFAULT_ADDRESS.to_word()),
        ("ovmADDRESS()", A.to_word()),
        ("ovmTIMESTAMP()", U256::from(1_600_000_000u64)),
        ("ovmNUMBER()", U256::from(12_345)),
        ("ovmCHAINID()", U256::from(10)),
        ("ovmGASLIMIT()", U256::from(1_000_000_000_000u64)),
        ("ovmL1QUEUEORIGIN()", U256::from(1)),
        ("ovmL1TXORIGIN()", Address::from_low_u64(0x11).to_word()),
    ];
    for (signature, expected) in cases {
        deploy(&mut em, A, kall_returning(&calldata(signature, &[]), 32));
        let result = em.execute_transaction(&tx(A, &[]));
        assert!(result.is_success(), "{signature}: {:?}", result.status);
        assert_eq!(words(&result.return_data), [expected], "{signature}");
    }
}

#[test]
fn storage_and_nuisance_gas() {
    let mut em = manager();
    let store =
        kall_with(Asm::new(), &calldata("ovmSSTORE(bytes32,bytes32)", &[U256::from(7), U256::from(42)]), 0);
    let code = kall_with(store, &calldata("ovmSLOAD(bytes32)", &[U256::from(7)]), 32).ret(RET, 32);
    let size = code.len() as u64;
    deploy(&mut em, A, code);
    let result = em.execute_transaction(&tx(A, &[]));
    assert!(result.is_success(), "{:?}", result.status);
    assert_eq!(words(&result.return_data), [U256::from(42)]);
    assert_eq!(em.database().get(&A).unwrap().storage.get(&U256::from(7)), Some(&U256::from(42)));
    // The entrypoint's first load and first change (30000 + 100 per byte each), the slot's first
    // load and first change (20000 each).
    let contract = 30_000 + 100 * size;
    assert_eq!(result.nuisance_gas_used, 2 * contract + 2 * 20_000);
}

#[test]
fn intentional_revert_undoes_the_message() {
    let mut em = manager();
    let store =
        kall_with(Asm::new(), &calldata("ovmSSTORE(bytes32,bytes32)", &[U256::from(1), U256::from(1)]), 0);
    let reason = b"nope";
    let code = kall_with(store, &bytes_calldata("ovmREVERT(bytes)", reason, None), 0);
    deploy(&mut em, A, code);
    let result = em.execute_transaction(&tx(A, &[]));
    assert_eq!(result.status, Status::Failed(RevertFlag::IntentionalRevert));
    assert_eq!(&result.return_data[..], reason);
    assert!(em.database().get(&A).unwrap().storage.is_empty());
}

/// B returns (ovmCALLER, ovmADDRESS).
fn context_reporter() -> Asm {
    let code = kall_with(Asm::new(), &calldata("ovmCALLER()", &[]), 32);
    let code = store_bytes(code, 0, &calldata("ovmADDRESS()", &[])).kall(0, 4, RET + 32, 32);
    code.ret(RET, 64)
}

/// A calls `target` with `method` and returns the raw (bool, bytes) result.
fn forwarder(method: &str, target: Address, data: &[u8]) -> Asm {
    kall_returning(&call_calldata(method, 1_000_000, target, data), 32 * 6)
}

#[test]
fn nested_message_contexts() {
    let mut em = manager();
    deploy(&mut em, B, context_reporter());
    for (method, caller, address) in [
        ("ovmCALL(uint256,address,bytes)", A, B),
        ("ovmSTATICCALL(uint256,address,bytes)", A, B),
        ("ovmDELEGATECALL(uint256,address,bytes)", DEFAULT_ADDRESS, A),
    ] {
        deploy(&mut em, A, forwarder(method, B, &[]));
        let result = em.execute_transaction(&tx(A, &[]));
        assert!(result.is_success(), "{method}");
        let w = words(&result.return_data);
        assert_eq!(w[0], U256::from(1), "{method} succeeded");
        assert_eq!(w[2], U256::from(64), "{method} returned two words");
        assert_eq!((w[3], w[4]), (caller.to_word(), address.to_word()), "{method}");
    }
}

#[test]
fn static_violation() {
    let mut em = manager();
    let store =
        kall_with(Asm::new(), &calldata("ovmSSTORE(bytes32,bytes32)", &[U256::from(1), U256::from(1)]), 0);
    deploy(&mut em, B, store);
    deploy(&mut em, A, forwarder("ovmSTATICCALL(uint256,address,bytes)", B, &[]));
    let result = em.execute_transaction(&tx(A, &[]));
    assert!(result.is_success());
    assert_eq!(words(&result.return_data)[0], U256::ZERO);
    assert!(em.database().get(&B).unwrap().storage.is_empty());
    // Called directly, the same code runs fine.
    assert!(em.execute_transaction(&tx(B, &[])).is_success());
    // ovmSSTORE inside the static call is the flag of the message.
    deploy(&mut em, C, kall_returning(&calldata("ovmSSTORE(bytes32,bytes32)", &[U256::ZERO, U256::ZERO]), 0));
    deploy(&mut em, A, forwarder("ovmSTATICCALL(uint256,address,bytes)", C, &[]));
    assert_eq!(words(&em.execute_transaction(&tx(A, &[])).return_data)[0], U256::ZERO);
}

#[test]
fn delegatecall_writes_the_callers_storage() {
    let mut em = manager();
    let store =
        kall_with(Asm::new(), &calldata("ovmSSTORE(bytes32,bytes32)", &[U256::from(3), U256::from(9)]), 0);
    deploy(&mut em, B, store);
    deploy(&mut em, A, forwarder("ovmDELEGATECALL(uint256,address,bytes)", B, &[]));
    assert!(em.execute_transaction(&tx(A, &[])).is_success());
    assert_eq!(em.database().get(&A).unwrap().storage.get(&U256::from(3)), Some(&U256::from(9)));
    assert!(em.database().get(&B).unwrap().storage.is_empty());
}

/// Initcode that returns `runtime` (at most 32 bytes).
fn initcode(runtime: &[u8]) -> Vec<u8> {
    let mut word = [0u8; 32];
    word[..runtime.len()].copy_from_slice(runtime);
    Asm::new().push(U256::from_be_bytes(word)).push(0).op(MSTORE).ret(0, runtime.len() as u64).into_bytes()
}

/// A contract that creates `init` with ovmCREATE (or ovmCREATE2 with `salt`) and returns the
/// raw (address, bytes) result.
fn creator(init: &[u8], salt: Option<U256>) -> Asm {
    let signature = if salt.is_some() { "ovmCREATE2(bytes,bytes32)" } else { "ovmCREATE(bytes)" };
    kall_returning(&bytes_calldata(signature, init, salt), 32 * 12)
}

#[test]
fn create_and_create2() {
    let mut em = manager();
    let runtime = [PUSH1, 0x2a, STOP];
    deploy(&mut em, A, creator(&initcode(&runtime), None));
    let result = em.execute_transaction(&tx(A, &[]));
    assert!(result.is_success());
    let expected = create_address(&A, 1);
    assert_eq!(words(&result.return_data)[0], expected.to_word());
    assert_eq!(result.created, [expected]);
    let created = em.database().get(&expected).unwrap();
    assert_eq!((created.info.nonce, &created.info.code[..]), (1, &runtime[..]));
    assert_eq!(em.database().get(&A).unwrap().info.nonce, 2);

    let init = initcode(&runtime);
    deploy(&mut em, B, creator(&init, Some(U256::from(5))));
    let result = em.execute_transaction(&tx(B, &[]));
    let expected = create2_address(&B, U256::from(5), keccak256(&init));
    assert_eq!(words(&result.return_data)[0], expected.to_word());
    // The same CREATE2 again collides: address 0, the reason as data, and the nonce still moves.
    let nonce = em.database().get(&B).unwrap().info.nonce;
    let result = em.execute_transaction(&tx(B, &[]));
    let w = words(&result.return_data);
    assert_eq!(w[0], U256::ZERO);
    assert_eq!(em.database().get(&B).unwrap().info.nonce, nonce + 1);
    let reason = Args::new(&result.return_data).bytes(1).unwrap().to_vec();
    assert_eq!(reason, abi::encode_revert_string("A contract has already been deployed to this address"));
}

#[test]
fn unsafe_initcode_and_unsafe_runtime() {
    let mut em = manager();
    // Initcode with a reachable SSTORE.
    let bad_init = Asm::new().push(1).push(1).op(SSTORE).into_bytes();
    deploy(&mut em, A, creator(&bad_init, None));
    let result = em.execute_transaction(&tx(A, &[]));
    assert_eq!(words(&result.return_data)[0], U256::ZERO);
    let reason = Args::new(&result.return_data).bytes(1).unwrap().to_vec();
    assert!(reason.ends_with(&[]) && reason.len() > 4);
    assert!(result.created.is_empty());
    // Pure initcode that deploys a runtime with SLOAD.
    deploy(&mut em, A, creator(&initcode(&[PUSH1, 0, SLOAD]), None));
    let result = em.execute_transaction(&tx(A, &[]));
    assert_eq!(words(&result.return_data)[0], U256::ZERO);
    let reason = Args::new(&result.return_data).bytes(1).unwrap().to_vec();
    assert_eq!(reason, abi::encode_revert_string("Constructor attempted to deploy unsafe bytecode."));
}

/// Creation code `constructor ++ CODE_END ++ data`.
fn with_data(constructor: Asm, data: &[u8]) -> Vec<u8> {
    let mut code = constructor.into_bytes();
    code.extend_from_slice(&sequences::CODE_END);
    code.extend_from_slice(data);
    code
}

#[test]
fn constructor_arguments_after_the_code_end_marker_are_data_when_opted_in() {
    // The constructor deploys the first byte of its argument word (a STOP); the argument's next
    // bytes read as JUMPDEST SSTORE, which makes the whole initcode impure to contracts-v2.
    let mut argument = [0u8; 32];
    argument[..3].copy_from_slice(&[STOP, JUMPDEST, SSTORE]);
    let constructor_len = 12;
    let at = (constructor_len + sequences::CODE_END.len()) as u64;
    let constructor = Asm::new().push(32).push(at).push(0).op(CODECOPY).ret(0, 1);
    assert_eq!(constructor.clone().into_bytes().len(), constructor_len);
    let init = with_data(constructor, &argument);
    for data_section in [false, true] {
        let mut em = ExecutionManager::new(ManagerConfig {
            initcode_data_section: data_section,
            ..ManagerConfig::default()
        });
        deploy(&mut em, A, creator(&init, None));
        let result = em.execute_transaction(&tx(A, &[]));
        let created = Address::from_word(words(&result.return_data)[0]);
        if data_section {
            assert_eq!(created, create_address(&A, 1));
            assert_eq!(&em.database().get(&created).unwrap().info.code[..], &[STOP]);
        } else {
            assert_eq!(created, Address::ZERO, "contracts-v2 reads the argument as code");
        }
    }
}

#[test]
fn data_after_the_code_end_marker_never_runs() {
    // The constructor jumps to a JUMPDEST in its data, which would store: with the data section
    // the data is not checked, and the jump fails; without it the data makes the code impure.
    let constructor = Asm::new().push(0).op(JUMP);
    let mut init = with_data(constructor, &[JUMPDEST, PUSH1, 1, PUSH1, 1, SSTORE, STOP]);
    let data_at = init.len() - 7;
    init[1] = data_at as u8;
    assert_eq!(init[data_at], JUMPDEST);
    for data_section in [false, true] {
        let mut em = ExecutionManager::new(ManagerConfig {
            initcode_data_section: data_section,
            ..ManagerConfig::default()
        });
        deploy(&mut em, A, creator(&init, None));
        let result = em.execute_transaction(&tx(A, &[]));
        assert_eq!(words(&result.return_data)[0], U256::ZERO, "data section {data_section}");
        // Impure without the data section; pure with it, and the constructor's jump fails.
        let reason = Args::new(&result.return_data).bytes(1).unwrap().to_vec();
        let unsafe_reason = reason.windows(14).any(|w| w == b"unsafe opcodes");
        assert_eq!(unsafe_reason, !data_section, "{reason:02x?}");
        let target = create_address(&A, 1);
        assert!(em.database().get(&target).is_none_or(|a| a.storage.is_empty() && a.info.code.is_empty()));
    }
}

#[test]
fn creator_not_allowed() {
    let config =
        ManagerConfig { deployer_policy: DeployerPolicy::Allow(alloc::vec![B]), ..ManagerConfig::default() };
    let mut em = ExecutionManager::new(config);
    deploy(&mut em, A, creator(&initcode(&[STOP]), None));
    let result = em.execute_transaction(&tx(A, &[]));
    // The kall fails with the flag and the creator re-reverts with it.
    assert_eq!(result.status, Status::Failed(RevertFlag::CreatorNotAllowed));
}

#[test]
fn out_of_gas_and_nuisance_exhaustion() {
    let mut em = manager();
    // B loops forever: its message runs out of gas, A sees failure with empty data.
    deploy(&mut em, B, Asm::new().op(JUMPDEST).push(0).op(JUMP));
    deploy(&mut em, A, forwarder("ovmCALL(uint256,address,bytes)", B, &[]));
    let result = em.execute_transaction(&tx(A, &[]));
    assert!(result.is_success());
    let w = words(&result.return_data);
    assert_eq!((w[0], w[2]), (U256::ZERO, U256::ZERO));
    // A message's nuisance budget is its gas limit: three first loads of slots (20000 each) do
    // not fit in 50000. (The callee's own account load is charged to its caller.)
    let mut loads = Asm::new();
    for slot in 0..3u64 {
        loads = kall_with(loads, &calldata("ovmSLOAD(bytes32)", &[U256::from(slot)]), 32);
    }
    deploy(&mut em, C, loads);
    let mut t = tx(C, &[]);
    t.gas_limit = 50_000;
    assert_eq!(em.execute_transaction(&t).status, Status::Failed(RevertFlag::ExceedsNuisanceGas));
    t.gas_limit = 70_000;
    assert!(em.execute_transaction(&t).is_success());
}

/// A database that holds only the state proven for a fraud proof.
#[derive(Debug)]
struct ProofDb {
    inner: InMemoryDb,
    proven_slots: Vec<(Address, U256)>,
}

impl Database for ProofDb {
    fn account(&mut self, address: &Address) -> Result<Option<AccountInfo>, DatabaseError> {
        match self.inner.account(address)? {
            Some(account) => Ok(Some(account)),
            None => Err(DatabaseError::MissingAccount(*address)),
        }
    }
    fn storage(&mut self, address: &Address, slot: &U256) -> Result<U256, DatabaseError> {
        if self.proven_slots.contains(&(*address, *slot)) {
            self.inner.storage(address, slot)
        } else {
            Err(DatabaseError::MissingStorage { address: *address, slot: *slot })
        }
    }
    fn has_storage(&mut self, address: &Address) -> Result<bool, DatabaseError> {
        self.inner.has_storage(address)
    }
    fn block_hash(&mut self, number: u64) -> Result<crate::primitives::B256, DatabaseError> {
        self.inner.block_hash(number)
    }
}

impl DatabaseCommit for ProofDb {
    fn commit(&mut self, changes: StateChanges) {
        self.inner.commit(changes);
    }
}

#[test]
fn invalid_state_access_aborts_the_transaction() {
    let mut inner = InMemoryDb::new();
    // A stores slot 1 (proven), then calls B, which reads slot 5 (not proven).
    let store =
        kall_with(Asm::new(), &calldata("ovmSSTORE(bytes32,bytes32)", &[U256::from(1), U256::from(2)]), 0);
    let a = kall_with(store, &call_calldata("ovmCALL(uint256,address,bytes)", 1_000_000, B, &[]), 32 * 6)
        .ret(RET, 32);
    inner.insert_account(A, AccountInfo::new(U256::ZERO, 1, Bytes::from(a.into_bytes())), []);
    let b = kall_returning(&calldata("ovmSLOAD(bytes32)", &[U256::from(5)]), 32);
    inner.insert_account(B, AccountInfo::new(U256::ZERO, 1, Bytes::from(b.into_bytes())), []);
    let root = inner.state_root();
    let db = ProofDb { inner, proven_slots: alloc::vec![(A, U256::from(1))] };
    let mut em = ExecutionManager::with_database(db, ManagerConfig::default());
    let result = em.execute_transaction(&tx(A, &[]));
    assert_eq!(result.status, Status::Failed(RevertFlag::InvalidStateAccess));
    assert_eq!(em.database().inner.state_root(), root);
    // Proving the slot makes the same transaction go through.
    em.database_mut().proven_slots.push((B, U256::from(5)));
    assert!(em.execute_transaction(&tx(A, &[])).is_success());
    assert_ne!(em.database().inner.state_root(), root);
}

#[test]
fn code_queries_and_nonces() {
    let mut em = manager();
    let code = Asm::new().push(1).push(2).op(ADD).op(STOP);
    let bytes = code.clone().into_bytes();
    deploy(&mut em, B, code);
    deploy(&mut em, A, kall_returning(&calldata("ovmEXTCODESIZE(address)", &[B.to_word()]), 32));
    assert_eq!(words(&em.execute_transaction(&tx(A, &[])).return_data), [U256::from(bytes.len())]);
    deploy(&mut em, A, kall_returning(&calldata("ovmEXTCODEHASH(address)", &[B.to_word()]), 32));
    assert_eq!(words(&em.execute_transaction(&tx(A, &[])).return_data), [keccak256(&bytes).to_u256()]);
    let copy =
        calldata("ovmEXTCODECOPY(address,uint256,uint256)", &[B.to_word(), U256::from(1), U256::from(3)]);
    deploy(&mut em, A, kall_returning(&copy, 96));
    let result = em.execute_transaction(&tx(A, &[]));
    assert_eq!(Args::new(&result.return_data).bytes(0).unwrap(), &bytes[1..4]);

    let increment = kall_with(Asm::new(), &calldata("ovmINCREMENTNONCE()", &[]), 0);
    deploy(&mut em, A, kall_with(increment, &calldata("ovmGETNONCE()", &[]), 32).ret(RET, 32));
    assert_eq!(words(&em.execute_transaction(&tx(A, &[])).return_data), [U256::from(2)]);
    assert_eq!(em.database().get(&A).unwrap().info.nonce, 2);
}

#[test]
fn create_eoa_deploys_the_proxy() {
    use k256::ecdsa::SigningKey;
    let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
    let hash = keccak256(b"hello");
    let (signature, recovery) = key.sign_prehash_recoverable(&hash.0);
    let bytes = signature.to_bytes();
    let point = key.verifying_key().to_sec1_point(false);
    let eoa = Address::from_word(keccak256(&point.as_bytes()[1..]).to_u256());
    let args = [
        hash.to_u256(),
        U256::from(recovery.to_byte()),
        U256::from_be_slice(&bytes[..32]),
        U256::from_be_slice(&bytes[32..]),
    ];
    let mut em = manager();
    deploy(&mut em, A, kall_returning(&calldata("ovmCREATEEOA(bytes32,uint8,bytes32,bytes32)", &args), 0));
    let result = em.execute_transaction(&tx(A, &[]));
    assert!(result.is_success(), "{:?}", result.status);
    assert_eq!(result.created, [eoa]);
    let account = em.database().get(&eoa).unwrap();
    assert_eq!(account.info.nonce, 0);
    assert_eq!(account.info.code, em.config().proxy_eoa_code);
}

#[test]
fn precompiles_are_called_directly() {
    let mut em = manager();
    // ovmSTATICCALL to the identity precompile echoes the data.
    deploy(&mut em, A, forwarder("ovmSTATICCALL(uint256,address,bytes)", Address::from_low_u64(4), b"echo"));
    let result = em.execute_transaction(&tx(A, &[]));
    let w = words(&result.return_data);
    assert_eq!((w[0], w[2]), (U256::from(1), U256::from(4)));
    assert_eq!(&result.return_data[96..100], b"echo");
}

#[test]
fn gas_limits_outside_the_range_are_rejected() {
    let mut em = manager();
    deploy(&mut em, A, Asm::new().op(STOP));
    let root = em.state_root();
    let mut t = tx(A, &[]);
    t.gas_limit = 9_000_001;
    let result = em.execute_transaction(&t);
    assert_eq!(result.status, Status::Rejected);
    assert_eq!(em.state_root(), root);
}

#[test]
fn transaction_hash_is_the_packed_encoding() {
    let t = tx(A, b"\x01\x02");
    let mut packed = Vec::new();
    packed.extend_from_slice(&t.timestamp.to_be_bytes::<32>());
    packed.extend_from_slice(&t.block_number.to_be_bytes::<32>());
    packed.push(1);
    packed.extend_from_slice(&t.l1_tx_origin.0);
    packed.extend_from_slice(&A.0);
    packed.extend_from_slice(&U256::from(GAS).to_be_bytes::<32>());
    packed.extend_from_slice(b"\x01\x02");
    assert_eq!(t.hash(), keccak256(&packed));
}

/// The worked example of the README's "Gas in OVM mode": `ovmSLOAD(7)` with the calldata at 0 and
/// the result at 64.
fn sload_example() -> Asm {
    store_bytes(Asm::new(), 0, &calldata("ovmSLOAD(bytes32)", &[U256::from(7)])).kall(0, 36, 64, 32).op(STOP)
}

#[test]
fn a_kall_costs_the_opcode_it_stands_for() {
    // Two MSTOREs of the calldata: 2 * (PUSH32 3 + PUSH1 3 + MSTORE 3) = 18, memory to 2 words = 6.
    // The kall's four arguments: 4 PUSH1 = 12. CALLER PUSH1 SWAP1 GAS = 10. The CALL: memory to 3
    // words = 3 more, and what SLOAD costs natively. After the CALL, the success path: PC PUSH1
    // ADD JUMPI JUMPDEST RETURNDATASIZE PUSH1 EQ ISZERO PC PUSH1 ADD JUMPI JUMPDEST = 49.
    let around = 18 + 6 + 12 + 10 + 3 + 49;
    for (fork, sload) in [(Fork::Istanbul, 800), (Fork::Berlin, 2100), (Fork::Cancun, 2100)] {
        let mut em = ExecutionManager::new(ManagerConfig { fork, ..ManagerConfig::default() });
        deploy(&mut em, A, sload_example());
        let result = em.execute_transaction(&tx(A, &[]));
        assert!(result.is_success());
        assert_eq!(result.gas_used, around + sload, "{fork}");
        // Nuisance gas: the entrypoint's first load (30000 + 100 per byte of its code), the
        // slot's first load (20000).
        assert_eq!(result.nuisance_gas_used, 30_000 + 100 * sload_example().len() as u64 + 20_000, "{fork}");
    }
}

/// Records the deepest frame the manager started.
#[derive(Default)]
struct DeepestFrame(usize);

impl crate::tracer::Tracer for DeepestFrame {
    fn frame_enter(&mut self, frame: &crate::tracer::FrameStart<'_>) {
        self.0 = self.0.max(frame.depth);
    }
}

/// Runs `tx` on a 256 KiB thread (far less than a recursive interpreter would need for 1024
/// nested messages) with a gas limit big enough that the 63/64 rule, applied twice per level
/// (the kall and the message), still leaves gas at depth 1024.
fn run_deep(code: Asm) -> (TransactionResult, usize) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let gas_limit = u64::MAX;
            let config = ManagerConfig { max_transaction_gas_limit: gas_limit, ..ManagerConfig::default() };
            let mut em = ExecutionManager::new(config);
            deploy(&mut em, A, code);
            let mut t = tx(A, &[]);
            t.gas_limit = gas_limit;
            let (result, deepest) = em.execute_traced(&t, DeepestFrame::default());
            (result, deepest.0)
        })
        .expect("spawn")
        .join()
        .expect("no stack overflow")
}

#[cfg(feature = "std")]
#[test]
fn message_chain_1024_deep_on_a_small_thread_stack() {
    // A ovmCALLs itself with all the gas it may pass, until the manager refuses the message
    // beyond the EVM's depth limit.
    let (result, deepest) = run_deep(
        kall_returning(&call_calldata("ovmCALL(uint256,address,bytes)", u64::MAX, A, &[]), 32 * 6).op(STOP),
    );
    assert!(result.is_success(), "{:?}", result.status);
    assert_eq!(deepest, crate::evm::MAX_CALL_DEPTH + 2, "frames 1..=1025 plus the refused one");
}

/// Initcode that ovmCREATEs a copy of itself (its own bytes, read with CODECOPY) and stops.
fn self_creator() -> Asm {
    let mut selector_word = [0u8; 32];
    selector_word[..4].copy_from_slice(&selector("ovmCREATE(bytes)"));
    let build = |args_len: u64| {
        Asm::new()
            .mstore(0, U256::from_be_bytes(selector_word))
            .mstore(4, 32u64)
            .op(CODESIZE)
            .push(36)
            .op(MSTORE)
            .op(CODESIZE)
            .push(0)
            .push(68)
            .op(CODECOPY)
            .kall(0, args_len, RET, 64)
            .op(STOP)
    };
    // The calldata's length depends on the code's own length: iterate to the fixed point.
    let mut args_len = 0;
    loop {
        let code = build(args_len);
        let needed = 68 + code.len().div_ceil(32) as u64 * 32;
        if needed == args_len {
            return code;
        }
        args_len = needed;
    }
}

#[cfg(feature = "std")]
#[test]
fn creation_chain_as_deep_as_nuisance_gas_allows_on_a_small_thread_stack() {
    // Unlike calls, a chain of creations cannot reach depth 1024 under the manager: every created
    // account costs its creator nuisance gas, which each message passes up to its parent, and a
    // message's nuisance budget is its gas limit, which the 63/64 rule shrinks twice per level.
    // With the largest possible gas limit the chain still goes past depth 960 on a 256 KiB stack,
    // and ends in an orderly failure of the deepest creation.
    let (result, deepest) = run_deep(self_creator());
    assert!(result.is_success(), "{:?}", result.status);
    assert!((960..=crate::evm::MAX_CALL_DEPTH).contains(&deepest), "deepest frame {deepest}");
    // The creations that succeeded form a chain, each at the address its creator's nonce gives
    // (`created` lists them as they completed: the deepest first).
    assert!(result.created.len() >= 950, "{} creations", result.created.len());
    let mut creator = A;
    for (i, created) in result.created.iter().rev().enumerate() {
        assert_eq!(*created, create_address(&creator, 1), "creation {i} of {}", result.created.len());
        creator = *created;
    }
}
