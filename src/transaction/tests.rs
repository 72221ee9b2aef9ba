//! Tests of the transaction decoder and validator: hand-signed transactions of every type and
//! rule, the ethereum/tests `TransactionTests` fixtures for every fork, and a robustness run over
//! random and mutated inputs.

use alloc::vec;
use alloc::vec::Vec;

use k256::ecdsa::SigningKey;

use super::*;

/// The chain every test validates for (the fixtures are signed for mainnet).
const CHAIN_ID: u64 = 1;

fn key(secret: u8) -> SigningKey {
    let mut bytes = [0u8; 32];
    bytes[31] = secret;
    SigningKey::from_slice(&bytes).expect("a small non-zero scalar is a valid key")
}

fn address_of(key: &SigningKey) -> Address {
    let point = key.verifying_key().to_sec1_point(false);
    let digest = keccak256(&point.as_bytes()[1..]);
    let mut out = [0u8; 20];
    out.copy_from_slice(&digest.0[12..]);
    Address(out)
}

fn versioned_hash(n: u8) -> B256 {
    let mut hash = [n; 32];
    hash[0] = VERSIONED_HASH_VERSION_KZG;
    B256(hash)
}

/// A transaction of `tx_type` with every field of that type set.
fn sample(tx_type: u8) -> Transaction {
    let typed = tx_type != LEGACY_TX_TYPE;
    Transaction {
        tx_type,
        caller: Address::ZERO,
        nonce: 7,
        gas_limit: 100_000,
        max_fee_per_gas: U256::from(30_000_000_000u64),
        max_priority_fee_per_gas: (tx_type >= DYNAMIC_FEE_TX_TYPE).then(|| U256::from(2_000_000_000u64)),
        to: Some(Address::from_low_u64(0xbeef)),
        value: U256::from(1000),
        data: Bytes::from_static(&[0, 1, 2, 0]),
        access_list: if typed {
            vec![(Address::from_low_u64(0xaa), vec![U256::from(1), U256::MAX])]
        } else {
            Vec::new()
        },
        blob_hashes: if tx_type == BLOB_TX_TYPE { vec![versioned_hash(9)] } else { Vec::new() },
        max_fee_per_blob_gas: (tx_type == BLOB_TX_TYPE).then(|| U256::from(5)),
    }
}

/// The unsigned fields of `tx`, encoded in the order of its EIP (written out here rather than
/// taken from the decoder's layout table, so the two are checked against each other).
fn unsigned_fields(tx: &Transaction, chain_id: u64) -> Vec<u8> {
    let mut out = Vec::new();
    if tx.tx_type != LEGACY_TX_TYPE {
        rlp::encode_u64(&mut out, chain_id);
    }
    rlp::encode_u64(&mut out, tx.nonce);
    if let Some(priority_fee) = tx.max_priority_fee_per_gas {
        rlp::encode_u256(&mut out, priority_fee);
    }
    rlp::encode_u256(&mut out, tx.max_fee_per_gas);
    rlp::encode_u64(&mut out, tx.gas_limit);
    match &tx.to {
        Some(to) => rlp::encode_address(&mut out, to),
        None => rlp::encode_bytes(&mut out, &[]),
    }
    rlp::encode_u256(&mut out, tx.value);
    rlp::encode_bytes(&mut out, &tx.data);
    if tx.tx_type != LEGACY_TX_TYPE {
        rlp::encode_list_with(&mut out, |out| {
            for (address, keys) in &tx.access_list {
                rlp::encode_list_with(out, |out| {
                    rlp::encode_address(out, address);
                    rlp::encode_list_with(out, |out| {
                        for key in keys {
                            rlp::encode_b256(out, &B256::from_u256(*key));
                        }
                    });
                });
            }
        });
    }
    if tx.tx_type == BLOB_TX_TYPE {
        rlp::encode_u256(&mut out, tx.max_fee_per_blob_gas.unwrap_or_default());
        rlp::encode_list_with(&mut out, |out| {
            for hash in &tx.blob_hashes {
                rlp::encode_b256(out, hash);
            }
        });
    }
    out
}

/// The hash a signer signs: legacy with `chain_id` `None` is pre-EIP-155.
fn signing_preimage(tx: &Transaction, chain_id: Option<u64>) -> Vec<u8> {
    let unsigned = unsigned_fields(tx, chain_id.unwrap_or(CHAIN_ID));
    let mut preimage = Vec::new();
    match (tx.tx_type, chain_id) {
        (LEGACY_TX_TYPE, None) => rlp::encode_list(&mut preimage, &unsigned),
        (LEGACY_TX_TYPE, Some(id)) => rlp::encode_list_with(&mut preimage, |out| {
            out.extend_from_slice(&unsigned);
            rlp::encode_u64(out, id);
            rlp::encode_u64(out, 0);
            rlp::encode_u64(out, 0);
        }),
        (tx_type, _) => {
            preimage.push(tx_type);
            rlp::encode_list(&mut preimage, &unsigned);
        }
    }
    preimage
}

/// `tx` encoded with the given signature values.
fn assemble(tx: &Transaction, chain_id: Option<u64>, v: U256, r: U256, s: U256) -> Vec<u8> {
    let mut payload = unsigned_fields(tx, chain_id.unwrap_or(CHAIN_ID));
    rlp::encode_u256(&mut payload, v);
    rlp::encode_u256(&mut payload, r);
    rlp::encode_u256(&mut payload, s);
    let mut out = Vec::new();
    if tx.tx_type != LEGACY_TX_TYPE {
        out.push(tx.tx_type);
    }
    rlp::encode_list(&mut out, &payload);
    out
}

/// The signature values `key` gives `tx`: (v or y parity, r, s).
fn signature(tx: &Transaction, chain_id: Option<u64>, key: &SigningKey) -> (U256, U256, U256) {
    let hash = keccak256(&signing_preimage(tx, chain_id));
    let (sig, recovery_id) = key.sign_prehash_recoverable(&hash.0);
    let parity = u64::from(recovery_id.is_y_odd());
    let v = match (tx.tx_type, chain_id) {
        (LEGACY_TX_TYPE, None) => 27 + parity,
        (LEGACY_TX_TYPE, Some(id)) => id * 2 + 35 + parity,
        _ => parity,
    };
    let bytes = sig.to_bytes();
    (U256::from(v), U256::from_be_slice(&bytes[..32]), U256::from_be_slice(&bytes[32..]))
}

/// `tx` signed by `key`; a legacy `tx` with `chain_id` `None` is signed without EIP-155.
fn sign(tx: &Transaction, chain_id: Option<u64>, key: &SigningKey) -> Vec<u8> {
    let (v, r, s) = signature(tx, chain_id, key);
    assemble(tx, chain_id, v, r, s)
}

/// One signed transaction of each kind: pre-EIP-155, EIP-155, and types 1, 2, 3.
fn signed_samples() -> Vec<(Transaction, Vec<u8>)> {
    let key = key(0x42);
    let mut out = Vec::new();
    for (tx_type, chain_id) in [(0, None), (0, Some(CHAIN_ID)), (1, None), (2, None), (3, None)] {
        let tx = sample(tx_type);
        let bytes = sign(&tx, chain_id, &key);
        out.push((tx, bytes));
    }
    out
}

fn validate(bytes: &[u8], fork: Fork) -> Result<ValidTransaction, TxValidationError> {
    decode_transaction(bytes).expect("well-formed transaction").validate(fork, CHAIN_ID)
}

#[test]
fn every_type_round_trips_and_recovers_the_signer() {
    let signer = address_of(&key(0x42));
    for (tx, bytes) in signed_samples() {
        let decoded = decode_transaction(&bytes).expect("decodes");
        assert_eq!(decoded.transaction(), &tx, "type {}", tx.tx_type);
        assert_eq!(decoded.hash(), keccak256(&bytes));
        assert_eq!(
            decoded.chain_id().is_some(),
            decoded.v() != U256::from(27) && decoded.v() != U256::from(28)
        );
        let valid = decoded.validate(Fork::Cancun, CHAIN_ID).expect("valid in Cancun");
        assert_eq!(valid.sender, signer, "type {}", tx.tx_type);
        assert_eq!(valid.transaction.caller, signer);
        assert_eq!(valid.hash, keccak256(&bytes));
        // Two zero and two non-zero data bytes (EIP-2028), plus EIP-2930 one address, two keys.
        let access_list = if tx.tx_type == LEGACY_TX_TYPE { 0 } else { 2400 + 2 * 1900 };
        assert_eq!(valid.intrinsic_gas, 21000 + 2 * 4 + 2 * 16 + access_list);
    }
}

#[test]
fn signing_hashes_follow_each_scheme() {
    for (tx, bytes) in signed_samples() {
        let decoded = decode_transaction(&bytes).expect("decodes");
        let chain_id = (tx.tx_type == LEGACY_TX_TYPE).then_some(decoded.chain_id()).flatten();
        assert_eq!(decoded.signing_hash(), Some(keccak256(&signing_preimage(&tx, chain_id))));
    }
    // EIP-155's example: nonce 9, gas price 20 gwei, gas 21000, to 0x3535..., value 1 ether.
    let tx = Transaction {
        nonce: 9,
        max_fee_per_gas: U256::from(20_000_000_000u64),
        gas_limit: 21000,
        to: Some(Address([0x35; 20])),
        value: U256::from(1_000_000_000_000_000_000u64),
        ..Transaction::default()
    };
    let preimage = signing_preimage(&tx, Some(1));
    let expected =
        "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080";
    assert_eq!(Ok(preimage.clone()), crate::primitives::decode_hex(expected));
    assert_eq!(
        keccak256(&preimage),
        B256::from_hex("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53").expect("hex")
    );
}

#[test]
fn types_activate_with_their_forks() {
    let samples = signed_samples();
    let [pre155, eip155, access_list, dynamic_fee, blob] = &samples[..] else {
        panic!("five samples");
    };
    let cases: [(&[u8], Fork); 5] = [
        (&pre155.1, Fork::Frontier),
        (&eip155.1, Fork::SpuriousDragon),
        (&access_list.1, Fork::Berlin),
        (&dynamic_fee.1, Fork::London),
        (&blob.1, Fork::Cancun),
    ];
    for (bytes, first) in cases {
        for fork in Fork::ALL {
            let result = validate(bytes, fork);
            assert_eq!(result.is_ok(), fork >= first, "{fork} accepts a tx active from {first}: {result:?}");
        }
    }
    assert_eq!(
        validate(&eip155.1, Fork::TangerineWhistle),
        Err(TxValidationError::ReplayProtectionNotActive)
    );
    assert_eq!(
        validate(&blob.1, Fork::Shanghai),
        Err(TxValidationError::TypeNotActive { tx_type: 3, fork: Fork::Shanghai })
    );
}

#[test]
fn chain_id_must_be_the_chains() {
    let key = key(7);
    for tx_type in [LEGACY_TX_TYPE, ACCESS_LIST_TX_TYPE, DYNAMIC_FEE_TX_TYPE, BLOB_TX_TYPE] {
        let tx = sample(tx_type);
        let bytes =
            if tx_type == LEGACY_TX_TYPE { sign(&tx, Some(5), &key) } else { sign_for_chain(&tx, 5, &key) };
        let decoded = decode_transaction(&bytes).expect("decodes");
        assert_eq!(decoded.chain_id(), Some(5));
        assert_eq!(
            decoded.validate(Fork::Cancun, CHAIN_ID),
            Err(TxValidationError::WrongChainId { expected: 1, got: 5 })
        );
        assert_eq!(decoded.validate(Fork::Cancun, 5).map(|v| v.sender), Ok(address_of(&key)));
    }
}

/// A typed transaction signed for chain `chain_id`.
fn sign_for_chain(tx: &Transaction, chain_id: u64, key: &SigningKey) -> Vec<u8> {
    let mut preimage = vec![tx.tx_type];
    rlp::encode_list(&mut preimage, &unsigned_fields(tx, chain_id));
    let (sig, recovery_id) = key.sign_prehash_recoverable(&keccak256(&preimage).0);
    let bytes = sig.to_bytes();
    let mut payload = unsigned_fields(tx, chain_id);
    rlp::encode_u64(&mut payload, u64::from(recovery_id.is_y_odd()));
    rlp::encode_u256(&mut payload, U256::from_be_slice(&bytes[..32]));
    rlp::encode_u256(&mut payload, U256::from_be_slice(&bytes[32..]));
    let mut out = vec![tx.tx_type];
    rlp::encode_list(&mut out, &payload);
    out
}

#[test]
fn signature_values_are_checked() {
    let key = key(0x42);
    let signer = address_of(&key);
    let tx = sample(LEGACY_TX_TYPE);
    let (v, r, s) = signature(&tx, None, &key);
    // (r, n - s) with the other parity is the same signature; EIP-2 rejects it from Homestead.
    let flipped = U256::from(55) - v;
    let high_s = assemble(&tx, None, flipped, r, SECP256K1_N - s);
    assert_eq!(validate(&high_s, Fork::Frontier).map(|v| v.sender), Ok(signer));
    assert_eq!(validate(&high_s, Fork::Homestead), Err(TxValidationError::HighS));
    let cases = [
        (U256::ZERO, s, TxValidationError::InvalidR),
        (SECP256K1_N, s, TxValidationError::InvalidR),
        (r, U256::ZERO, TxValidationError::InvalidS),
        (r, SECP256K1_N, TxValidationError::InvalidS),
    ];
    for (r, s, error) in cases {
        assert_eq!(validate(&assemble(&tx, None, v, r, s), Fork::Frontier), Err(error));
    }
    for bad_v in [0u64, 1, 26, 29, 34] {
        let bytes = assemble(&tx, None, U256::from(bad_v), r, s);
        assert_eq!(decode_transaction(&bytes).map(|tx| tx.signing_hash()), Ok(None));
        assert_eq!(validate(&bytes, Fork::Cancun), Err(TxValidationError::InvalidV));
    }
    // A chain id that does not fit in 64 bits cannot be the chain's.
    let huge_v = (U256::from(1) << 80) + U256::from(35);
    assert_eq!(validate(&assemble(&tx, None, huge_v, r, s), Fork::Cancun), Err(TxValidationError::InvalidV));
    let typed = sample(DYNAMIC_FEE_TX_TYPE);
    let (_, r, s) = signature(&typed, None, &key);
    let bytes = assemble(&typed, None, U256::from(2), r, s);
    assert_eq!(validate(&bytes, Fork::Cancun), Err(TxValidationError::InvalidYParity));
    // An r that is not the x of a curve point (x = 5: 5^3 + 7 = 132 is not a square mod p).
    let bytes = assemble(&tx, None, v, U256::from(5), s);
    assert_eq!(validate(&bytes, Fork::Cancun), Err(TxValidationError::RecoveryFailed));
}

#[test]
fn nonce_fee_and_gas_rules() {
    let key = key(3);
    let check = |tx: &Transaction, fork: Fork| validate(&sign(tx, None, &key), fork);
    let mut tx = sample(DYNAMIC_FEE_TX_TYPE);
    tx.nonce = u64::MAX;
    assert_eq!(check(&tx, Fork::Cancun), Err(TxValidationError::NonceTooHigh));
    tx.nonce = u64::MAX - 1;
    assert!(check(&tx, Fork::Cancun).is_ok());

    let mut tx = sample(DYNAMIC_FEE_TX_TYPE);
    tx.max_priority_fee_per_gas = Some(tx.max_fee_per_gas + U256::from(1));
    assert_eq!(check(&tx, Fork::London), Err(TxValidationError::PriorityFeeAboveMaxFee));

    let mut tx = sample(LEGACY_TX_TYPE);
    tx.max_fee_per_gas = U256::MAX / U256::from(tx.gas_limit) + U256::from(1);
    assert_eq!(check(&tx, Fork::London), Err(TxValidationError::FeeOverflow));
    tx.max_fee_per_gas -= U256::from(1);
    assert!(check(&tx, Fork::London).is_ok());

    let mut tx = sample(BLOB_TX_TYPE);
    tx.max_fee_per_blob_gas = Some(U256::MAX);
    assert_eq!(check(&tx, Fork::Cancun), Err(TxValidationError::FeeOverflow));

    let mut tx = sample(LEGACY_TX_TYPE);
    tx.gas_limit = 21000 + 2 * 4 + 2 * 16 - 1;
    assert_eq!(
        check(&tx, Fork::Istanbul),
        Err(TxValidationError::IntrinsicGasTooLow { gas_limit: 21039, intrinsic: 21040 })
    );
    // Before EIP-2028 a non-zero byte cost 68.
    tx.gas_limit = 21000 + 2 * 4 + 2 * 68;
    assert!(check(&tx, Fork::Petersburg).is_ok());

    // EIP-3860: initcode of 49153 bytes is too large from Shanghai; below the limit it pays
    // two gas per word.
    let mut tx = sample(LEGACY_TX_TYPE);
    tx.to = None;
    tx.data = Bytes::from(vec![1u8; 49153]);
    tx.gas_limit = 10_000_000;
    assert!(check(&tx, Fork::Paris).is_ok());
    assert_eq!(
        check(&tx, Fork::Shanghai),
        Err(TxValidationError::InitcodeTooLarge { size: 49153, limit: 49152 })
    );
    tx.data = Bytes::from(vec![1u8; 49152]);
    let valid = check(&tx, Fork::Shanghai).expect("at the limit");
    assert_eq!(valid.intrinsic_gas, 53000 + 49152 * 16 + 2 * (49152 / 32));
}

#[test]
fn blob_transaction_rules() {
    let key = key(9);
    let check = |tx: &Transaction| validate(&sign(tx, None, &key), Fork::Cancun);
    let mut tx = sample(BLOB_TX_TYPE);
    tx.blob_hashes.clear();
    assert_eq!(check(&tx), Err(TxValidationError::NoBlobs));
    tx.blob_hashes = (0..7).map(versioned_hash).collect();
    assert_eq!(check(&tx), Err(TxValidationError::TooManyBlobs { count: 7 }));
    tx.blob_hashes.truncate(6);
    assert!(check(&tx).is_ok());
    tx.blob_hashes[4].0[0] = 0x02;
    assert_eq!(check(&tx), Err(TxValidationError::BlobHashVersion { index: 4 }));

    let mut tx = sample(BLOB_TX_TYPE);
    tx.to = None;
    assert_eq!(decode_transaction(&sign(&tx, None, &key)), Err(TxDecodeError::BlobCreation));

    // EIP-4844 network form: 0x03 ‖ rlp([payload, blobs, commitments, proofs]).
    let canonical = sign(&sample(BLOB_TX_TYPE), None, &key);
    let mut outer = Vec::new();
    rlp::encode_list_with(&mut outer, |out| {
        out.extend_from_slice(&canonical[1..]);
        for _ in 0..3 {
            rlp::encode_list(out, &[]);
        }
    });
    let mut network = vec![BLOB_TX_TYPE];
    network.extend_from_slice(&outer);
    assert_eq!(decode_transaction(&network), Err(TxDecodeError::BlobSidecar));
}

#[test]
fn decoding_is_strict() {
    let tx = sample(DYNAMIC_FEE_TX_TYPE);
    let good = sign(&tx, None, &key(1));
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(decode_transaction(&trailing), Err(TxDecodeError::Rlp(RlpError::TrailingBytes)));
    assert_eq!(decode_transaction(&good[..good.len() - 1]), Err(TxDecodeError::Rlp(RlpError::InputTooShort)));

    // Rebuild the list with one field replaced, removed or added.
    let fields = |bytes: &[u8]| -> Vec<Vec<u8>> {
        let (Raw::List(payload), _) = rlp::split_first(&bytes[1..]).expect("list") else {
            panic!("not a list");
        };
        let mut out = Vec::new();
        let mut rest = payload;
        while !rest.is_empty() {
            let after = rlp::split_first(rest).expect("item").1;
            out.push(rest[..rest.len() - after.len()].to_vec());
            rest = after;
        }
        out
    };
    let rebuild = |items: &[Vec<u8>]| -> Vec<u8> {
        let mut out = vec![DYNAMIC_FEE_TX_TYPE];
        rlp::encode_list(&mut out, &items.concat());
        out
    };
    let items = fields(&good);
    assert_eq!(items.len(), 12);
    assert_eq!(decode_transaction(&rebuild(&items)).map(|t| t.hash()), Ok(keccak256(&good)));
    assert_eq!(
        decode_transaction(&rebuild(&items[..11])),
        Err(TxDecodeError::FieldCount { tx_type: 2, expected: 12, got: 11 })
    );
    let mut extra = items.clone();
    extra.push(vec![0x80]);
    extra.push(vec![0xc0]);
    assert_eq!(
        decode_transaction(&rebuild(&extra)),
        Err(TxDecodeError::FieldCount { tx_type: 2, expected: 12, got: 14 })
    );
    let replaced = |index: usize, item: &[u8]| {
        let mut items = items.clone();
        items[index] = item.to_vec();
        decode_transaction(&rebuild(&items))
    };
    let field = |field, error| Err(TxDecodeError::Field { field, error });
    assert_eq!(replaced(1, &[0x82, 0x00, 0x07]), field(TxField::Nonce, RlpError::LeadingZeroInteger));
    assert_eq!(replaced(1, &[0x81, 0x07]), field(TxField::Nonce, RlpError::NonCanonicalSingleByte));
    assert_eq!(
        replaced(1, &[0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
        field(TxField::Nonce, RlpError::IntegerOverflow)
    );
    assert_eq!(replaced(0, &[0xc0]), field(TxField::ChainId, RlpError::ExpectedBytes));
    assert_eq!(replaced(4, &[0xc1, 0x01]), field(TxField::GasLimit, RlpError::ExpectedBytes));
    let mut short_to = vec![0x93];
    short_to.extend_from_slice(&[0x11; 19]);
    assert_eq!(replaced(5, &short_to), field(TxField::To, RlpError::WrongLength { expected: 20, got: 19 }));
    let mut long_to = vec![0x95, 0x00];
    long_to.extend_from_slice(&[0x11; 20]);
    assert_eq!(replaced(5, &long_to), field(TxField::To, RlpError::WrongLength { expected: 20, got: 21 }));
    assert_eq!(replaced(7, &[0xc0]), field(TxField::Data, RlpError::ExpectedBytes));
    assert_eq!(replaced(8, &[0x80]), field(TxField::AccessList, RlpError::ExpectedList));
    // [[address]] and [[address, [], 0]] are not access-list entries.
    let mut address = vec![0x94];
    address.extend_from_slice(&[0x22; 20]);
    let entry = |extra: &[u8]| {
        let mut inner = Vec::new();
        rlp::encode_list(&mut inner, &[&address[..], extra].concat());
        let mut list = Vec::new();
        rlp::encode_list(&mut list, &inner);
        list
    };
    assert_eq!(replaced(8, &entry(&[])), Err(TxDecodeError::AccessListEntry));
    assert_eq!(replaced(8, &entry(&[0xc0, 0x80])), Err(TxDecodeError::AccessListEntry));
    assert!(replaced(8, &entry(&[0xc0])).is_ok());
    let mut short_key = vec![0xe0];
    short_key.push(0x9f);
    short_key.extend_from_slice(&[0x33; 31]);
    assert_eq!(
        replaced(8, &entry(&short_key)),
        field(TxField::AccessList, RlpError::WrongLength { expected: 32, got: 31 })
    );
    assert_eq!(
        replaced(10, &[0xa1, 1].iter().chain(&[0; 32]).copied().collect::<Vec<_>>()),
        field(TxField::R, RlpError::IntegerOverflow)
    );

    for byte in [0x00u8, 0x04, 0x7f] {
        assert_eq!(decode_transaction(&[byte, 0xc0]), Err(TxDecodeError::UnsupportedType(byte)));
    }
    assert_eq!(decode_transaction(&[0x80]), Err(TxDecodeError::NotAList));
    assert_eq!(decode_transaction(&[0xb8, 0x38]), Err(TxDecodeError::NotAList));
    assert_eq!(decode_transaction(&[]), Err(TxDecodeError::Empty));
    assert_eq!(decode_transaction(&[0x02]), Err(TxDecodeError::Rlp(RlpError::InputTooShort)));
    assert_eq!(decode_transaction(&[0x02, 0x80]), Err(TxDecodeError::Rlp(RlpError::ExpectedList)));
    assert_eq!(
        decode_transaction(&[0xc0]),
        Err(TxDecodeError::FieldCount { tx_type: 0, expected: 9, got: 0 })
    );
}

/// A small deterministic generator (xorshift64*) so the robustness test needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Bytes that often change an RLP header's meaning.
const INTERESTING: [u8; 10] = [0x00, 0x01, 0x03, 0x7f, 0x80, 0x81, 0xb8, 0xc0, 0xf8, 0xff];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    for _ in 0..1 + rng.below(3) {
        match rng.below(7) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] ^= 1 << rng.below(8);
            }
            1 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => {
                let i = rng.below(input.len() + 1);
                input.insert(i, rng.next() as u8);
            }
            3 if !input.is_empty() => {
                let i = rng.below(input.len());
                input.remove(i);
            }
            4 => {
                let n = rng.below(input.len() + 1);
                input.truncate(n);
            }
            5 => {
                // Splice the tail of another seed onto a prefix of this one.
                let other = &seeds[rng.below(seeds.len())];
                let (cut, from) = (rng.below(input.len() + 1), rng.below(other.len() + 1));
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
            _ if !input.is_empty() => {
                // Duplicate a short run of bytes in place.
                let start = rng.below(input.len());
                let end = (start + 1 + rng.below(8)).min(input.len());
                let run = input[start..end].to_vec();
                input.splice(start..start, run);
            }
            _ => input.push(rng.next() as u8),
        }
    }
}

/// Replaces one field of an enveloped or legacy transaction with another well-formed RLP item,
/// keeping the list canonical so that the input reaches the field checks and the validator.
fn mutate_field(rng: &mut Rng, input: &[u8]) -> Option<Vec<u8>> {
    let (prefix, list) = match input.first()? {
        0x00..=0x7f => input.split_at(1),
        _ => input.split_at(0),
    };
    let Ok((Raw::List(payload), _)) = rlp::split_first(list) else {
        return None;
    };
    let mut items = Vec::new();
    let mut rest = payload;
    while !rest.is_empty() {
        let after = rlp::split_first(rest).ok()?.1;
        items.push(rest[..rest.len() - after.len()].to_vec());
        rest = after;
    }
    if items.is_empty() {
        return None;
    }
    let index = rng.below(items.len());
    let mut item = Vec::new();
    match rng.below(6) {
        0 => rlp::encode_u64(&mut item, rng.next() >> rng.below(64)),
        1 => rlp::encode_u256(
            &mut item,
            U256::from_limbs([rng.next(), rng.next(), rng.next(), rng.next()]) >> rng.below(256),
        ),
        2 => {
            let bytes: Vec<u8> = (0..rng.below(40)).map(|_| rng.next() as u8).collect();
            rlp::encode_bytes(&mut item, &bytes);
        }
        3 => rlp::encode_list(&mut item, &[]),
        4 => item = items[rng.below(items.len())].clone(),
        _ => rlp::encode_u64(&mut item, [0, 1, 27, 28, 35, 36, 37, 38][rng.below(8)]),
    }
    items[index] = item;
    let mut out = prefix.to_vec();
    rlp::encode_list(&mut out, &items.concat());
    Some(out)
}

/// Random and mutated inputs never make decoding or validation panic.
#[test]
fn random_and_mutated_inputs_never_panic() {
    // Real transactions to mutate: the fixtures' (all but the two 49 KB initcode ones, to keep
    // the run short) and one hand-signed transaction of each kind.
    #[cfg(feature = "std")]
    let fixture_seeds = fixtures::all_txbytes();
    #[cfg(not(feature = "std"))]
    let fixture_seeds: Vec<Vec<u8>> = Vec::new();
    let seeds: Vec<Vec<u8>> = signed_samples()
        .into_iter()
        .map(|(_, bytes)| bytes)
        .chain(fixture_seeds.into_iter().filter(|bytes| bytes.len() < 4096))
        .collect();
    let forks =
        [Fork::Frontier, Fork::Homestead, Fork::SpuriousDragon, Fork::Berlin, Fork::London, Fork::Cancun];
    let mut rng = Rng(0x5eed_7a11_c0ff_ee01);
    let (mut decoded, mut valid) = (0usize, 0usize);
    let rounds = 20_000;
    for round in 0..rounds {
        let input = if round % 5 == 1 {
            let seed = &seeds[rng.below(seeds.len())];
            mutate_field(&mut rng, seed).unwrap_or_else(|| seed.clone())
        } else if round % 5 == 0 {
            let len = rng.below(160);
            let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            if let Some(first) = bytes.first_mut() {
                *first = [0x01, 0x02, 0x03, 0xc0 | *first, *first][rng.below(5)];
            }
            bytes
        } else {
            let mut bytes = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, &mut bytes, &seeds);
            bytes
        };
        let Ok(tx) = decode_transaction(&input) else {
            continue;
        };
        decoded += 1;
        assert_eq!(tx.hash(), keccak256(&input));
        if tx.validate(forks[rng.below(forks.len())], CHAIN_ID).is_ok() {
            valid += 1;
        }
    }
    // The mutations must keep reaching the validator, not only the RLP checks.
    #[cfg(feature = "std")]
    std::println!("{rounds} inputs: {decoded} decoded, {valid} valid");
    assert!(decoded > rounds / 10, "only {decoded} of {rounds} inputs decoded");
    assert!(valid > 0, "no mutated input validated");
}

#[cfg(feature = "std")]
mod fixtures {
    //! The ethereum/tests `TransactionTests`: every file, test and fork.

    use std::collections::BTreeMap;
    use std::format;
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::string::{String, ToString};
    use std::vec::Vec;
    use std::{eprintln, println};

    use serde_json::Value;

    use super::super::*;
    use super::CHAIN_ID;
    use crate::primitives::decode_hex;
    use crate::statetest::runner::fixtures_dir;

    /// Cases that cannot pass, as (test name, fork as the fixture spells it, reason). Every
    /// entry is reported when the test runs. Empty: every case passes.
    const SKIPS: &[(&str, &str, &str)] = &[];

    fn transaction_tests_dir() -> PathBuf {
        let root = fixtures_dir()
            .unwrap_or_else(|| panic!("ethereum/tests fixtures not found: set OVM_ETHTESTS to the checkout"));
        let dir = root.join("TransactionTests");
        assert!(dir.is_dir(), "no TransactionTests directory in {}", root.display());
        dir
    }

    /// Every `*.json` under `dir`, sorted.
    fn json_files(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(dir) = pending.pop() {
            let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
            for entry in entries {
                let path = entry.expect("directory entry").path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|ext| ext == "json") {
                    out.push(path);
                }
            }
        }
        out.sort();
        out
    }

    /// Every (file, test name, test) in the fixtures.
    fn all_tests() -> Vec<(PathBuf, String, Value)> {
        let dir = transaction_tests_dir();
        let mut out = Vec::new();
        for path in json_files(&dir) {
            let text =
                fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let Ok(Value::Object(tests)) = serde_json::from_str(&text) else {
                panic!("{} is not a JSON object", path.display());
            };
            let relative = path.strip_prefix(&dir).unwrap_or(&path).to_path_buf();
            out.extend(tests.into_iter().map(|(name, test)| (relative.clone(), name, test)));
        }
        out
    }

    /// The `txbytes` of every fixture that has valid hex.
    pub(super) fn all_txbytes() -> Vec<Vec<u8>> {
        all_tests().iter().filter_map(|(_, _, test)| decode_hex(test["txbytes"].as_str()?).ok()).collect()
    }

    /// Runs one (test, fork) case: an `exception` requires an error, anything else requires
    /// success with the fixture's hash, sender and intrinsic gas.
    fn run_case(txbytes: &[u8], fork: Fork, expected: &Value) -> Result<(), String> {
        let outcome = decode_transaction(txbytes)
            .map_err(|e| format!("decode: {e}"))
            .and_then(|tx| tx.validate(fork, CHAIN_ID).map_err(|e| format!("validate: {e}")));
        if let Some(exception) = expected.get("exception") {
            return match outcome {
                Err(_) => Ok(()),
                Ok(valid) => Err(format!("accepted (sender {}), expected {exception}", valid.sender)),
            };
        }
        let valid = outcome?;
        let field = |name: &str| expected[name].as_str().ok_or_else(|| format!("no `{name}` in the result"));
        let hash = B256::from_hex(field("hash")?).map_err(|e| format!("bad hash: {e}"))?;
        let sender = Address::from_hex(field("sender")?).map_err(|e| format!("bad sender: {e}"))?;
        let intrinsic = field("intrinsicGas")?;
        let intrinsic = u64::from_str_radix(intrinsic.trim_start_matches("0x"), 16)
            .map_err(|e| format!("bad intrinsicGas {intrinsic}: {e}"))?;
        let got = (valid.hash, valid.sender, valid.intrinsic_gas);
        if got != (hash, sender, intrinsic) {
            return Err(format!("got {got:?}, expected {:?}", (hash, sender, intrinsic)));
        }
        Ok(())
    }

    #[test]
    fn transaction_tests() {
        let tests = all_tests();
        assert!(!tests.is_empty(), "no TransactionTests fixtures found");
        let mut per_fork: BTreeMap<Fork, (usize, usize)> = BTreeMap::new();
        let mut failures = Vec::new();
        let mut skipped = Vec::new();
        for (file, name, test) in &tests {
            let case = |fork: &str| format!("{}::{name} [{fork}]", file.display());
            let Some(results) = test["result"].as_object() else {
                failures.push(format!("{}: no `result` object", case("-")));
                continue;
            };
            let txbytes = test["txbytes"].as_str().map(decode_hex);
            for (fork_name, expected) in results {
                if let Some((_, _, reason)) = SKIPS.iter().find(|(t, f, _)| t == name && f == fork_name) {
                    skipped.push(format!("{}: {reason}", case(fork_name)));
                    continue;
                }
                let Ok(fork) = fork_name.parse::<Fork>() else {
                    failures.push(format!("{}: unknown fork", case(fork_name)));
                    continue;
                };
                let counts = per_fork.entry(fork).or_default();
                counts.1 += 1;
                let result = match &txbytes {
                    Some(Ok(bytes)) => run_case(bytes, fork, expected),
                    _ => Err("`txbytes` is missing or not hex".to_string()),
                };
                match result {
                    Ok(()) => counts.0 += 1,
                    Err(why) => failures.push(format!("{}: {why}", case(fork_name))),
                }
            }
        }
        let (passed, total) = per_fork.values().fold((0, 0), |(p, t), (fp, ft)| (p + fp, t + ft));
        for (fork, (fork_passed, fork_total)) in &per_fork {
            println!("TransactionTests {:<18} {fork_passed:>4} / {fork_total}", fork.fixture_name());
        }
        println!(
            "TransactionTests total {passed} / {total} cases, {} skipped, {} tests",
            skipped.len(),
            tests.len()
        );
        for skip in &skipped {
            eprintln!("skipped {skip}");
        }
        assert!(
            failures.is_empty(),
            "{} of {total} TransactionTests cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(total > 2000, "only {total} cases found");
    }
}
