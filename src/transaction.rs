//! Signed transactions: the EIP-2718 envelope decoder and the fork-dependent validity rules
//! that need no state (type activation, signature, sender recovery, nonce, fee and gas limits).
//!
//! [`decode_transaction`] accepts the four consensus encodings: legacy `rlp([nonce, gasPrice,
//! gas, to, value, data, v, r, s])` and the typed `type ‖ rlp(payload)` forms of EIP-2930 (1),
//! EIP-1559 (2) and EIP-4844 (3, the canonical payload without the blob sidecar). Decoding is
//! strict: canonical RLP only, the exact field count, 20-byte addresses, and nothing after the
//! transaction. [`SignedTransaction::validate`] then applies the rules of one fork and chain and
//! recovers the sender, giving the [`Transaction`] the executor runs.
//!
//! Sources: execution-specs `src/ethereum/cancun/transactions.py` (field layouts, signing hashes,
//! `validate_transaction`, `recover_sender`) and geth `core/types/transaction*.go`.

use alloc::vec::Vec;

use bytes::Bytes;
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

use crate::evm::Transaction;
use crate::fork::Fork;
use crate::gas::{self, GasSchedule};
use crate::primitives::{Address, B256, U256, keccak256};
use crate::rlp::{self, Raw, RlpError};

/// The type byte of a legacy transaction (which has no envelope).
pub const LEGACY_TX_TYPE: u8 = 0;
/// EIP-2930: the type byte of an access-list transaction.
pub const ACCESS_LIST_TX_TYPE: u8 = 1;
/// EIP-1559: the type byte of a dynamic-fee transaction.
pub const DYNAMIC_FEE_TX_TYPE: u8 = 2;
/// EIP-4844: the type byte of a blob transaction.
pub const BLOB_TX_TYPE: u8 = 3;

/// The order of the secp256k1 group, n.
const SECP256K1_N: U256 = U256::from_be_bytes([
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xba,
    0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
]);

/// EIP-4844: `GAS_PER_BLOB`.
const GAS_PER_BLOB: u64 = 1 << 17;

/// EIP-4844: `MAX_BLOB_GAS_PER_BLOCK`.
const MAX_BLOB_GAS_PER_BLOCK: u64 = 786_432;

/// No valid block holds a transaction with more blobs than this.
const MAX_BLOBS_PER_TRANSACTION: usize = (MAX_BLOB_GAS_PER_BLOCK / GAS_PER_BLOB) as usize;

/// EIP-4844: `VERSIONED_HASH_VERSION_KZG`, the first byte of every blob versioned hash.
const VERSIONED_HASH_VERSION_KZG: u8 = 0x01;

/// A field of a transaction's RLP list, named as in the EIPs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxField {
    /// `chainId` (typed transactions).
    ChainId,
    /// `nonce`.
    Nonce,
    /// `gasPrice` (legacy and EIP-2930).
    GasPrice,
    /// `maxPriorityFeePerGas` (EIP-1559 and EIP-4844).
    MaxPriorityFeePerGas,
    /// `maxFeePerGas` (EIP-1559 and EIP-4844).
    MaxFeePerGas,
    /// `gasLimit`.
    GasLimit,
    /// `to`: empty for a creation, else a 20-byte address.
    To,
    /// `value`.
    Value,
    /// `data`.
    Data,
    /// `accessList` (typed transactions).
    AccessList,
    /// `maxFeePerBlobGas` (EIP-4844).
    MaxFeePerBlobGas,
    /// `blobVersionedHashes` (EIP-4844).
    BlobVersionedHashes,
    /// `v` (legacy).
    V,
    /// `yParity` (typed transactions).
    YParity,
    /// `r`.
    R,
    /// `s`.
    S,
}

impl TxField {
    /// The field's name as the EIPs spell it.
    pub const fn name(self) -> &'static str {
        match self {
            TxField::ChainId => "chainId",
            TxField::Nonce => "nonce",
            TxField::GasPrice => "gasPrice",
            TxField::MaxPriorityFeePerGas => "maxPriorityFeePerGas",
            TxField::MaxFeePerGas => "maxFeePerGas",
            TxField::GasLimit => "gasLimit",
            TxField::To => "to",
            TxField::Value => "value",
            TxField::Data => "data",
            TxField::AccessList => "accessList",
            TxField::MaxFeePerBlobGas => "maxFeePerBlobGas",
            TxField::BlobVersionedHashes => "blobVersionedHashes",
            TxField::V => "v",
            TxField::YParity => "yParity",
            TxField::R => "r",
            TxField::S => "s",
        }
    }
}

impl core::fmt::Display for TxField {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why bytes are not a well-formed transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TxDecodeError {
    /// The input is empty.
    #[error("empty transaction")]
    Empty,
    /// EIP-2718: the first byte is a transaction type this decoder does not know.
    #[error("transaction type {0:#04x} not supported")]
    UnsupportedType(u8),
    /// The first byte starts an RLP byte string, which is neither a type byte nor a legacy list.
    #[error("transaction is an RLP byte string, not a list or a typed envelope")]
    NotAList,
    /// The transaction's list header is malformed, or bytes follow the list.
    #[error("malformed transaction RLP: {0}")]
    Rlp(RlpError),
    /// The list has the wrong number of fields for its type.
    #[error("transaction type {tx_type} has {expected} fields, got {got}")]
    FieldCount {
        /// The transaction type.
        tx_type: u8,
        /// The number of fields the type has.
        expected: usize,
        /// The number of items found.
        got: usize,
    },
    /// A field is malformed: a list for a byte string, a non-canonical integer, one that does
    /// not fit, or an address or hash of the wrong length.
    #[error("invalid {field} field: {error}")]
    Field {
        /// The field.
        field: TxField,
        /// What is wrong with it.
        error: RlpError,
    },
    /// EIP-2930: an access-list entry is not a two-item list `[address, [storageKey, ...]]`.
    #[error("access list entry is not [address, storageKeys]")]
    AccessListEntry,
    /// EIP-4844: a blob transaction's `to` is empty, but blob transactions cannot create.
    #[error("blob transaction without a recipient")]
    BlobCreation,
    /// EIP-4844: the network form `rlp([payload, blobs, commitments, proofs])` was given instead
    /// of the canonical payload.
    #[error("blob transaction in network form (with sidecar) instead of the canonical payload")]
    BlobSidecar,
}

/// Why a decoded transaction is invalid under a fork and chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TxValidationError {
    /// The transaction type is not active in this fork.
    #[error("transaction type {tx_type} not supported in {fork}")]
    TypeNotActive {
        /// The transaction type.
        tx_type: u8,
        /// The fork the transaction was validated for.
        fork: Fork,
    },
    /// EIP-155: a replay-protected legacy signature before Spurious Dragon.
    #[error("EIP-155 replay-protected signature before Spurious Dragon")]
    ReplayProtectionNotActive,
    /// The signed chain id is not the chain's.
    #[error("chain id mismatch: chain is {expected}, transaction signed for {got}")]
    WrongChainId {
        /// The chain the transaction was validated for.
        expected: u64,
        /// The chain id in the signature or the `chainId` field.
        got: u64,
    },
    /// A legacy `v` that is neither 27/28 nor `chainId * 2 + 35/36` with a 64-bit chain id.
    #[error("invalid legacy signature v")]
    InvalidV,
    /// A typed transaction's `yParity` is neither 0 nor 1.
    #[error("invalid signature y parity")]
    InvalidYParity,
    /// The signature's r is not in [1, n-1].
    #[error("signature r out of range")]
    InvalidR,
    /// The signature's s is not in [1, n-1].
    #[error("signature s out of range")]
    InvalidS,
    /// EIP-2: from Homestead, s must be at most n/2.
    #[error("signature s above n/2 (EIP-2)")]
    HighS,
    /// No public key recovers from the signature (r is not the x of a curve point, or the key
    /// would be the point at infinity).
    #[error("sender recovery failed")]
    RecoveryFailed,
    /// EIP-2681: the nonce must be below 2^64 - 1.
    #[error("nonce at or above 2^64 - 1 (EIP-2681)")]
    NonceTooHigh,
    /// EIP-1559: the priority fee is above the fee cap.
    #[error("max priority fee per gas above max fee per gas")]
    PriorityFeeAboveMaxFee,
    /// The upfront gas cost (gas limit times fee cap, plus blob gas times the blob fee cap) does
    /// not fit in 256 bits, so no balance can pay it.
    #[error("upfront gas cost exceeds 2^256 - 1 wei")]
    FeeOverflow,
    /// The gas limit does not cover the intrinsic gas.
    #[error("intrinsic gas too low: have {gas_limit}, want {intrinsic}")]
    IntrinsicGasTooLow {
        /// The transaction's gas limit.
        gas_limit: u64,
        /// The intrinsic gas.
        intrinsic: u64,
    },
    /// EIP-3860: a creation's initcode is longer than the limit.
    #[error("initcode of {size} bytes exceeds the limit of {limit}")]
    InitcodeTooLarge {
        /// The initcode size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// EIP-4844: a blob transaction must carry at least one blob.
    #[error("blob transaction without blobs")]
    NoBlobs,
    /// EIP-4844: more blobs than fit in a block.
    #[error("{count} blobs exceed the per-block maximum")]
    TooManyBlobs {
        /// The number of blob versioned hashes.
        count: usize,
    },
    /// EIP-4844: a blob versioned hash does not start with `VERSIONED_HASH_VERSION_KZG`.
    #[error("blob versioned hash {index} has the wrong version")]
    BlobHashVersion {
        /// The position of the hash in `blobVersionedHashes`.
        index: usize,
    },
}

/// A decoded, not yet validated, signed transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTransaction {
    transaction: Transaction,
    chain_id: Option<u64>,
    v: U256,
    r: U256,
    s: U256,
    hash: B256,
    signing_hash: Option<B256>,
}

/// A transaction that passed [`SignedTransaction::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTransaction {
    /// The recovered sender.
    pub sender: Address,
    /// The transaction hash: keccak256 of the encoded transaction.
    pub hash: B256,
    /// The gas charged before execution starts.
    pub intrinsic_gas: u64,
    /// The transaction as the executor runs it, with `caller` set to the sender.
    pub transaction: Transaction,
}

impl SignedTransaction {
    /// The EIP-2718 type: 0 legacy, 1 EIP-2930, 2 EIP-1559, 3 EIP-4844.
    pub fn tx_type(&self) -> u8 {
        self.transaction.tx_type
    }

    /// The unsigned fields; `caller` is [`Address::ZERO`] until [`SignedTransaction::validate`]
    /// recovers the sender.
    pub fn transaction(&self) -> &Transaction {
        &self.transaction
    }

    /// The chain id: the `chainId` field of a typed transaction, the one encoded in an EIP-155
    /// `v`, or `None` for a pre-EIP-155 (or unusable) legacy `v`.
    pub fn chain_id(&self) -> Option<u64> {
        self.chain_id
    }

    /// The signature's `v` (legacy) or `yParity` (typed), as encoded.
    pub fn v(&self) -> U256 {
        self.v
    }

    /// The signature's r.
    pub fn r(&self) -> U256 {
        self.r
    }

    /// The signature's s.
    pub fn s(&self) -> U256 {
        self.s
    }

    /// The transaction hash: keccak256 of the whole encoding, type byte included.
    pub fn hash(&self) -> B256 {
        self.hash
    }

    /// The hash that was signed, or `None` when a legacy `v` is neither 27/28 nor a valid
    /// EIP-155 value (such a transaction fails validation).
    pub fn signing_hash(&self) -> Option<B256> {
        self.signing_hash
    }

    /// Checks every rule of `fork` that needs no state, for a chain with id `chain_id`, and
    /// recovers the sender.
    ///
    /// The checks against the state and the block (the sender's nonce, balance and code, the
    /// block gas limit, the base fee and the blob base fee) belong to execution
    /// ([`crate::Evm::transact`]).
    pub fn validate(&self, fork: Fork, chain_id: u64) -> Result<ValidTransaction, TxValidationError> {
        let tx = &self.transaction;
        let activation = match tx.tx_type {
            LEGACY_TX_TYPE => Fork::Frontier,
            // EIP-2930 (Berlin), EIP-1559 (London) and EIP-4844 (Cancun) introduce the types.
            ACCESS_LIST_TX_TYPE => Fork::Berlin,
            DYNAMIC_FEE_TX_TYPE => Fork::London,
            BLOB_TX_TYPE => Fork::Cancun,
            tx_type => return Err(TxValidationError::TypeNotActive { tx_type, fork }),
        };
        if !fork.is_at_least(activation) {
            return Err(TxValidationError::TypeNotActive { tx_type: tx.tx_type, fork });
        }

        let y_is_odd = self.check_signature_values(fork, chain_id)?;

        // EIP-2681: the nonce is limited to 2^64 - 2 so that it can always be incremented.
        if tx.nonce == u64::MAX {
            return Err(TxValidationError::NonceTooHigh);
        }

        // EIP-1559: `assert transaction.max_fee_per_gas >= transaction.max_priority_fee_per_gas`.
        if let Some(priority_fee) = tx.max_priority_fee_per_gas
            && priority_fee > tx.max_fee_per_gas
        {
            return Err(TxValidationError::PriorityFeeAboveMaxFee);
        }
        // The sender's balance is a 256-bit number and must cover gas limit times fee cap (plus
        // the blob gas at its cap), so a product that overflows can never be paid; value is
        // left to the balance check at execution (ttValue/TransactionWithHighValue is valid).
        let blob_gas = GAS_PER_BLOB.saturating_mul(tx.blob_hashes.len() as u64);
        U256::from(tx.gas_limit)
            .checked_mul(tx.max_fee_per_gas)
            .and_then(|fee| {
                let blob_fee_cap = tx.max_fee_per_blob_gas.unwrap_or_default();
                fee.checked_add(U256::from(blob_gas).checked_mul(blob_fee_cap)?)
            })
            .ok_or(TxValidationError::FeeOverflow)?;

        let schedule = GasSchedule::new(fork);
        let access_list_keys = tx.access_list.iter().map(|(_, keys)| keys.len() as u64).sum();
        let intrinsic_gas = gas::intrinsic_gas(
            &schedule,
            &tx.data,
            tx.to.is_none(),
            tx.access_list.len() as u64,
            access_list_keys,
        );
        if intrinsic_gas > tx.gas_limit {
            return Err(TxValidationError::IntrinsicGasTooLow {
                gas_limit: tx.gas_limit,
                intrinsic: intrinsic_gas,
            });
        }
        // EIP-3860: from Shanghai a creation's initcode is limited to 2 * MAX_CODE_SIZE bytes.
        if tx.to.is_none()
            && let Some(limit) = schedule.max_initcode_size
            && tx.data.len() > limit
        {
            return Err(TxValidationError::InitcodeTooLarge { size: tx.data.len(), limit });
        }

        if tx.tx_type == BLOB_TX_TYPE {
            check_blob_hashes(&tx.blob_hashes)?;
        }

        let signing_hash = self.signing_hash.ok_or(TxValidationError::InvalidV)?;
        let sender = recover_signer(&signing_hash, self.r, self.s, y_is_odd)
            .ok_or(TxValidationError::RecoveryFailed)?;
        let mut transaction = tx.clone();
        transaction.caller = sender;
        Ok(ValidTransaction { sender, hash: self.hash, intrinsic_gas, transaction })
    }

    /// Checks v (or y parity) against the type, fork and chain, and r and s against the curve
    /// order; returns whether the signature's R has an odd y.
    fn check_signature_values(&self, fork: Fork, chain_id: u64) -> Result<bool, TxValidationError> {
        let y_is_odd = if self.transaction.tx_type == LEGACY_TX_TYPE {
            if self.v == U256::from(27) || self.v == U256::from(28) {
                // Yellow Paper appendix F: v = 27 + the parity of R's y.
                self.v == U256::from(28)
            } else {
                // EIP-155: v = chainId * 2 + 35 + parity, allowed from Spurious Dragon.
                let signed_for = self.chain_id.ok_or(TxValidationError::InvalidV)?;
                if !fork.is_at_least(Fork::SpuriousDragon) {
                    return Err(TxValidationError::ReplayProtectionNotActive);
                }
                if signed_for != chain_id {
                    return Err(TxValidationError::WrongChainId { expected: chain_id, got: signed_for });
                }
                // The parity is the low bit of v - 35 (the subtraction cannot wrap: decoding
                // set the chain id only for v >= 35, and wrapping would keep the bit anyway).
                self.v.wrapping_sub(U256::from(35)).bit(0)
            }
        } else {
            // EIP-2930, EIP-1559, EIP-4844: the signature is over the `chainId` field (which
            // decoding always sets for these types), and `yParity` is the parity itself.
            let signed_for = self.chain_id.unwrap_or_default();
            if signed_for != chain_id {
                return Err(TxValidationError::WrongChainId { expected: chain_id, got: signed_for });
            }
            match u8::try_from(self.v) {
                Ok(0) => false,
                Ok(1) => true,
                _ => return Err(TxValidationError::InvalidYParity),
            }
        };
        // execution-specs `recover_sender`: 0 < r < n and 0 < s < n (EIP-2 tightens s below).
        if self.r.is_zero() || self.r >= SECP256K1_N {
            return Err(TxValidationError::InvalidR);
        }
        if self.s.is_zero() || self.s >= SECP256K1_N {
            return Err(TxValidationError::InvalidS);
        }
        // EIP-2: from Homestead a signature with s > n/2 is invalid.
        if fork.is_at_least(Fork::Homestead) && self.s > SECP256K1_N >> 1 {
            return Err(TxValidationError::HighS);
        }
        Ok(y_is_odd)
    }
}

/// EIP-4844 `validate_block` / execution-specs `check_transaction`: at least one blob, no more
/// than a block can hold, and every versioned hash of the KZG version.
fn check_blob_hashes(hashes: &[B256]) -> Result<(), TxValidationError> {
    if hashes.is_empty() {
        return Err(TxValidationError::NoBlobs);
    }
    if hashes.len() > MAX_BLOBS_PER_TRANSACTION {
        return Err(TxValidationError::TooManyBlobs { count: hashes.len() });
    }
    match hashes.iter().position(|h| h.0[0] != VERSIONED_HASH_VERSION_KZG) {
        Some(index) => Err(TxValidationError::BlobHashVersion { index }),
        None => Ok(()),
    }
}

/// The address whose key signed `hash` with `(r, s)` and R's y parity, or `None` when no key
/// recovers. The caller has checked 0 < r, s < n.
fn recover_signer(hash: &B256, r: U256, s: U256, y_is_odd: bool) -> Option<Address> {
    let mut rs = [0u8; 64];
    rs[..32].copy_from_slice(&r.to_be_bytes::<32>());
    rs[32..].copy_from_slice(&s.to_be_bytes::<32>());
    let signature = Signature::from_slice(&rs).ok()?;
    // The recovery id's second bit would mean R's x is r + n; transactions cannot express it.
    let recovery_id = RecoveryId::new(y_is_odd, false);
    // SEC 1 section 4.1.6: fails when r is not the x of a curve point or the key is infinity.
    let key = VerifyingKey::recover_from_prehash(&hash.0, &signature, recovery_id).ok()?;
    let point = key.to_sec1_point(false);
    // Yellow Paper appendix F: the address is the last 20 bytes of keccak256(x ‖ y).
    let digest = keccak256(point.as_bytes().get(1..)?);
    let mut address = [0u8; 20];
    address.copy_from_slice(&digest.0[12..]);
    Some(Address(address))
}

/// The fields of each transaction type, in encoding order; the last three are the signature.
const fn layout(tx_type: u8) -> &'static [TxField] {
    use TxField::*;
    match tx_type {
        // Yellow Paper section 4.3 and EIP-155.
        LEGACY_TX_TYPE => &[Nonce, GasPrice, GasLimit, To, Value, Data, V, R, S],
        // EIP-2930.
        ACCESS_LIST_TX_TYPE => {
            &[ChainId, Nonce, GasPrice, GasLimit, To, Value, Data, AccessList, YParity, R, S]
        }
        // EIP-1559.
        DYNAMIC_FEE_TX_TYPE => &[
            ChainId,
            Nonce,
            MaxPriorityFeePerGas,
            MaxFeePerGas,
            GasLimit,
            To,
            Value,
            Data,
            AccessList,
            YParity,
            R,
            S,
        ],
        // EIP-4844, the only other type the decoder accepts.
        _ => &[
            ChainId,
            Nonce,
            MaxPriorityFeePerGas,
            MaxFeePerGas,
            GasLimit,
            To,
            Value,
            Data,
            AccessList,
            MaxFeePerBlobGas,
            BlobVersionedHashes,
            YParity,
            R,
            S,
        ],
    }
}

/// The number of signature fields at the end of every layout.
const SIGNATURE_FIELDS: usize = 3;

/// Decodes a signed transaction in its consensus encoding (the form hashed into the
/// transactions trie and returned by `eth_getRawTransactionByHash`).
pub fn decode_transaction(bytes: &[u8]) -> Result<SignedTransaction, TxDecodeError> {
    let (&first, rest) = bytes.split_first().ok_or(TxDecodeError::Empty)?;
    let (tx_type, list) = match first {
        // EIP-2718: a first byte of 0xc0 or more starts an RLP list, the legacy form.
        0xc0..=0xff => (LEGACY_TX_TYPE, bytes),
        ACCESS_LIST_TX_TYPE | DYNAMIC_FEE_TX_TYPE | BLOB_TX_TYPE => (first, rest),
        // EIP-2718: any other byte below 0x80 is a type; 0 is not an envelope type (legacy
        // transactions are never wrapped).
        0x00..=0x7f => return Err(TxDecodeError::UnsupportedType(first)),
        _ => return Err(TxDecodeError::NotAList),
    };
    let (item, trailing) = rlp::split_first(list).map_err(TxDecodeError::Rlp)?;
    if !trailing.is_empty() {
        return Err(TxDecodeError::Rlp(RlpError::TrailingBytes));
    }
    let Raw::List(payload) = item else {
        return Err(TxDecodeError::Rlp(RlpError::ExpectedList));
    };
    // EIP-4844: the network form wraps the payload list as the first item of an outer list.
    if tx_type == BLOB_TX_TYPE && matches!(rlp::split_first(payload), Ok((Raw::List(_), _))) {
        return Err(TxDecodeError::BlobSidecar);
    }

    let layout = layout(tx_type);
    let (items, unsigned_len) = split_fields(tx_type, layout, payload)?;
    let mut transaction = Transaction { tx_type, ..Transaction::default() };
    let (mut chain_id, mut v, mut r, mut s) = (None, U256::ZERO, U256::ZERO, U256::ZERO);
    for (&field, raw) in layout.iter().zip(items) {
        let invalid = |error| TxDecodeError::Field { field, error };
        match field {
            TxField::ChainId => chain_id = Some(raw.as_u64().map_err(invalid)?),
            TxField::Nonce => transaction.nonce = raw.as_u64().map_err(invalid)?,
            TxField::GasPrice | TxField::MaxFeePerGas => {
                transaction.max_fee_per_gas = raw.as_u256().map_err(invalid)?;
            }
            TxField::MaxPriorityFeePerGas => {
                transaction.max_priority_fee_per_gas = Some(raw.as_u256().map_err(invalid)?);
            }
            TxField::GasLimit => transaction.gas_limit = raw.as_u64().map_err(invalid)?,
            TxField::To => transaction.to = decode_to(raw).map_err(invalid)?,
            TxField::Value => transaction.value = raw.as_u256().map_err(invalid)?,
            TxField::Data => {
                transaction.data = Bytes::copy_from_slice(raw.as_bytes().map_err(invalid)?);
            }
            TxField::AccessList => transaction.access_list = decode_access_list(raw)?,
            TxField::MaxFeePerBlobGas => {
                transaction.max_fee_per_blob_gas = Some(raw.as_u256().map_err(invalid)?);
            }
            TxField::BlobVersionedHashes => {
                transaction.blob_hashes = decode_hashes(raw).map_err(invalid)?;
            }
            TxField::V | TxField::YParity => v = raw.as_u256().map_err(invalid)?,
            TxField::R => r = raw.as_u256().map_err(invalid)?,
            TxField::S => s = raw.as_u256().map_err(invalid)?,
        }
    }
    // EIP-4844: `to` is an `Address`, not `Union[Bytes0, Address]`; blob transactions cannot
    // create contracts.
    if tx_type == BLOB_TX_TYPE && transaction.to.is_none() {
        return Err(TxDecodeError::BlobCreation);
    }

    let unsigned = &payload[..unsigned_len];
    let signing_hash = if tx_type == LEGACY_TX_TYPE {
        chain_id = eip155_chain_id(v);
        legacy_signing_hash(unsigned, v, chain_id)
    } else {
        // EIP-2718: typed signatures are over `type ‖ rlp(payload without the signature)`.
        let mut preimage = Vec::with_capacity(1 + rlp::list_len(unsigned.len()));
        preimage.push(tx_type);
        rlp::encode_list(&mut preimage, unsigned);
        Some(keccak256(&preimage))
    };
    Ok(SignedTransaction { transaction, chain_id, v, r, s, hash: keccak256(bytes), signing_hash })
}

/// EIP-155: the chain id of a legacy `v = chainId * 2 + 35 + parity`; `None` for v below 35
/// (27 and 28 are the unprotected form) or a chain id above 64 bits.
fn eip155_chain_id(v: U256) -> Option<u64> {
    u64::try_from(v.checked_sub(U256::from(35))? >> 1).ok()
}

/// The signing hash of a legacy transaction whose first six fields are encoded in `unsigned`,
/// or `None` when `v` is neither 27/28 nor an EIP-155 value (`chain_id` is its chain id).
fn legacy_signing_hash(unsigned: &[u8], v: U256, chain_id: Option<u64>) -> Option<B256> {
    let mut preimage = Vec::with_capacity(rlp::list_len(unsigned.len() + 11));
    if v == U256::from(27) || v == U256::from(28) {
        // Yellow Paper appendix F: keccak256(rlp([nonce, gasPrice, gas, to, value, data])).
        rlp::encode_list(&mut preimage, unsigned);
        return Some(keccak256(&preimage));
    }
    // EIP-155: the signature covers rlp([nonce, gasPrice, gas, to, value, data, chainId, 0, 0]).
    let chain_id = chain_id?;
    rlp::encode_list_with(&mut preimage, |out| {
        out.extend_from_slice(unsigned);
        rlp::encode_u64(out, chain_id);
        rlp::encode_u64(out, 0);
        rlp::encode_u64(out, 0);
    });
    Some(keccak256(&preimage))
}

/// Splits a transaction's list payload into exactly `layout.len()` items; returns them and the
/// length of the payload before the signature fields.
fn split_fields<'a>(
    tx_type: u8,
    layout: &[TxField],
    payload: &'a [u8],
) -> Result<(Vec<Raw<'a>>, usize), TxDecodeError> {
    let mut items = Vec::with_capacity(layout.len());
    let mut rest = payload;
    let mut unsigned_len = payload.len();
    for (index, &field) in layout.iter().enumerate() {
        if rest.is_empty() {
            return Err(TxDecodeError::FieldCount { tx_type, expected: layout.len(), got: index });
        }
        if index + SIGNATURE_FIELDS == layout.len() {
            unsigned_len = payload.len() - rest.len();
        }
        let (raw, after) = rlp::split_first(rest).map_err(|error| TxDecodeError::Field { field, error })?;
        items.push(raw);
        rest = after;
    }
    if !rest.is_empty() {
        // Count the extra items (without keeping them) so the error says how many there are.
        let mut extra = 0;
        while !rest.is_empty() {
            rest = rlp::split_first(rest).map_err(TxDecodeError::Rlp)?.1;
            extra += 1;
        }
        return Err(TxDecodeError::FieldCount { tx_type, expected: layout.len(), got: layout.len() + extra });
    }
    Ok((items, unsigned_len))
}

/// `to`: the empty string for a contract creation, else exactly 20 bytes.
fn decode_to(raw: Raw<'_>) -> Result<Option<Address>, RlpError> {
    match raw.as_bytes()? {
        [] => Ok(None),
        bytes => Raw::Bytes(bytes).as_address().map(Some),
    }
}

/// EIP-2930: `[[address, [storageKey, ...]], ...]` with 20-byte addresses and 32-byte keys.
fn decode_access_list(raw: Raw<'_>) -> Result<Vec<(Address, Vec<U256>)>, TxDecodeError> {
    let invalid = |error| TxDecodeError::Field { field: TxField::AccessList, error };
    let mut access_list = Vec::new();
    for entry in raw.items().map_err(invalid)? {
        let mut parts = entry.map_err(invalid)?.items().map_err(invalid)?;
        let (Some(address), Some(keys), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(TxDecodeError::AccessListEntry);
        };
        let address = address.and_then(Raw::as_address).map_err(invalid)?;
        let keys = decode_hashes(keys.map_err(invalid)?).map_err(invalid)?;
        access_list.push((address, keys.into_iter().map(B256::to_u256).collect()));
    }
    Ok(access_list)
}

/// A list of 32-byte hashes (storage keys or blob versioned hashes).
fn decode_hashes(raw: Raw<'_>) -> Result<Vec<B256>, RlpError> {
    raw.items()?.map(|item| item.and_then(Raw::as_b256)).collect()
}

#[cfg(test)]
mod tests;
