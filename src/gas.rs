//! The gas schedule: every dynamic gas rule and constant, resolved once per fork into a
//! [`GasSchedule`]. Static per-opcode gas lives in the opcode table ([`crate::opcode::OPCODES`]).

use crate::fork::Fork;
use crate::primitives::U256;

/// Gas constants of one fork. Built by [`GasSchedule::new`] in a `const` context, so handlers read
/// plain constants and never branch on the fork at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GasSchedule {
    /// Static gas of every opcode under this fork (from the opcode table).
    pub static_gas: [u16; 256],
    /// EXP: gas per byte of the exponent (EIP-160 raised it from 10 to 50).
    pub exp_byte: u64,
    /// EIP-2929: surcharge for the first access to an account in a transaction, on top of the
    /// static (warm) cost; 0 before Berlin.
    pub cold_account_surcharge: u64,
    /// EIP-2929: the full cost of a cold account access where no warm cost is charged statically
    /// (SELFDESTRUCT's beneficiary); 0 before Berlin.
    pub cold_account_access: u64,
    /// EIP-2929: surcharge of SLOAD on a cold slot, on top of the static (warm) cost.
    pub cold_sload_surcharge: u64,
    /// EIP-2929: surcharge of SSTORE on a cold slot.
    pub cold_sstore_surcharge: u64,
    /// SSTORE pricing rules in force.
    pub sstore: SstoreRules,
    /// SSTORE of a non-zero value into a zero slot.
    pub sstore_set: u64,
    /// SSTORE that changes a non-zero slot (or clears it).
    pub sstore_reset: u64,
    /// Net-metered SSTORE that does not change the stored value or changes a dirty slot
    /// (EIP-1283: 200, EIP-2200: 800, EIP-2929: the warm read cost 100).
    pub sstore_noop: u64,
    /// Refund for clearing a slot (15000; EIP-3529: 4800).
    pub sstore_clears_refund: i64,
    /// SELFDESTRUCT refund (24000; EIP-3529 removed it).
    pub selfdestruct_refund: i64,
    /// Value-transferring CALL or CALLCODE surcharge.
    pub call_value: u64,
    /// Gas handed to the callee on top of what is forwarded when value is sent.
    pub call_stipend: u64,
    /// CALL or SELFDESTRUCT that brings a new account into existence.
    pub new_account: u64,
    /// EIP-150: a call may forward at most all but 1/64 of the remaining gas.
    pub all_but_one_64th: bool,
    /// EIP-161: the new-account surcharge applies only when value is sent to an empty account.
    pub new_account_only_with_value: bool,
    /// EIP-3860: per-word cost of initcode in CREATE/CREATE2 and creation transactions.
    pub initcode_word: u64,
    /// EIP-3860: maximum initcode size (`None` before Shanghai).
    pub max_initcode_size: Option<usize>,
    /// EIP-170: maximum deployed code size (`None` before Spurious Dragon).
    pub max_code_size: Option<usize>,
    /// EIP-3541: deployed code may not start with 0xEF.
    pub reject_ef_code: bool,
    /// EIP-2: a creation that cannot pay the code deposit fails (Frontier stored empty code).
    pub code_deposit_oog_fails: bool,
    /// The divisor of the refund cap: gas used / 2, or gas used / 5 with EIP-3529.
    pub max_refund_quotient: u64,
    /// Calldata cost of a zero byte.
    pub tx_data_zero: u64,
    /// Calldata cost of a non-zero byte (68; EIP-2028: 16).
    pub tx_data_non_zero: u64,
    /// Base cost of a contract-creation transaction (EIP-2: 53000 from Homestead).
    pub tx_create: u64,
    /// EIP-2930: cost per address in an access list.
    pub access_list_address: u64,
    /// EIP-2930: cost per storage key in an access list.
    pub access_list_storage_key: u64,
}

/// Which SSTORE metering a fork uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SstoreRules {
    /// Frontier..Byzantium and Petersburg: set 20000, otherwise 5000.
    Legacy,
    /// Constantinople only (EIP-1283): net metering without a sentry.
    Eip1283,
    /// Istanbul on (EIP-2200, repriced by EIP-2929 and EIP-3529): net metering that fails when
    /// no more than the call stipend is left.
    Eip2200,
}

/// Base cost of every transaction.
pub const TX_BASE: u64 = 21000;
/// Static part of KECCAK256 per 32-byte word of input.
pub const KECCAK_WORD: u64 = 6;
/// Per 32-byte word copied by the *COPY opcodes.
pub const COPY_WORD: u64 = 3;
/// LOG cost per byte of data.
pub const LOG_DATA_BYTE: u64 = 8;
/// Code deposit cost per byte of runtime code.
pub const CODE_DEPOSIT_BYTE: u64 = 200;
/// Memory cost per word (the linear part).
pub const MEMORY_WORD: u64 = 3;
/// EIP-2200: SSTORE fails when the gas left is at most this (the call stipend).
pub const SSTORE_SENTRY: u64 = 2300;

impl GasSchedule {
    /// The schedule of `fork`.
    pub const fn new(fork: Fork) -> GasSchedule {
        let berlin = fork.is_at_least(Fork::Berlin);
        let london = fork.is_at_least(Fork::London);
        let sstore = if fork.is_at_least(Fork::Istanbul) {
            SstoreRules::Eip2200
        } else if matches!(fork, Fork::Constantinople) {
            SstoreRules::Eip1283
        } else {
            SstoreRules::Legacy
        };
        let sstore_noop = match (sstore, berlin) {
            (_, true) => 100,
            (SstoreRules::Eip2200, false) => 800,
            _ => 200,
        };
        GasSchedule {
            static_gas: crate::opcode::static_gas_table(fork),
            exp_byte: if fork.is_at_least(Fork::SpuriousDragon) { 50 } else { 10 },
            cold_account_surcharge: if berlin { 2500 } else { 0 },
            cold_account_access: if berlin { 2600 } else { 0 },
            cold_sload_surcharge: if berlin { 2000 } else { 0 },
            cold_sstore_surcharge: if berlin { 2100 } else { 0 },
            sstore,
            sstore_set: 20000,
            // EIP-2929: SSTORE_RESET_GAS becomes 5000 - COLD_SLOAD_COST.
            sstore_reset: if berlin { 2900 } else { 5000 },
            sstore_noop,
            // EIP-3529: SSTORE_CLEARS_SCHEDULE = SSTORE_RESET_GAS + ACCESS_LIST_STORAGE_KEY_COST.
            sstore_clears_refund: if london { 4800 } else { 15000 },
            selfdestruct_refund: if london { 0 } else { 24000 },
            call_value: 9000,
            call_stipend: 2300,
            new_account: 25000,
            all_but_one_64th: fork.is_at_least(Fork::TangerineWhistle),
            new_account_only_with_value: fork.is_at_least(Fork::SpuriousDragon),
            initcode_word: if fork.is_at_least(Fork::Shanghai) { 2 } else { 0 },
            max_initcode_size: if fork.is_at_least(Fork::Shanghai) { Some(2 * 24576) } else { None },
            max_code_size: if fork.is_at_least(Fork::SpuriousDragon) { Some(24576) } else { None },
            reject_ef_code: london,
            code_deposit_oog_fails: fork.is_at_least(Fork::Homestead),
            max_refund_quotient: if london { 5 } else { 2 },
            tx_data_zero: 4,
            tx_data_non_zero: if fork.is_at_least(Fork::Istanbul) { 16 } else { 68 },
            tx_create: if fork.is_at_least(Fork::Homestead) { 53000 } else { 21000 },
            access_list_address: 2400,
            access_list_storage_key: 1900,
        }
    }

    /// The gas of an SSTORE and its refund change, from the slot's value at the start of the
    /// transaction (`original`), now (`current`) and the value written (`new`). The EIP-2929
    /// cold surcharge is not included.
    #[inline]
    pub fn sstore_cost(&self, original: &U256, current: &U256, new: &U256) -> (u64, i64) {
        match self.sstore {
            SstoreRules::Legacy => {
                if current.is_zero() && !new.is_zero() {
                    (self.sstore_set, 0)
                } else if !current.is_zero() && new.is_zero() {
                    (self.sstore_reset, self.sstore_clears_refund)
                } else {
                    (self.sstore_reset, 0)
                }
            }
            // EIP-1283 and EIP-2200 share one structure with different constants.
            SstoreRules::Eip1283 | SstoreRules::Eip2200 => {
                if new == current {
                    return (self.sstore_noop, 0);
                }
                if original == current {
                    if original.is_zero() {
                        return (self.sstore_set, 0);
                    }
                    let refund = if new.is_zero() { self.sstore_clears_refund } else { 0 };
                    return (self.sstore_reset, refund);
                }
                let mut refund = 0i64;
                if !original.is_zero() {
                    if current.is_zero() {
                        refund -= self.sstore_clears_refund;
                    } else if new.is_zero() {
                        refund += self.sstore_clears_refund;
                    }
                }
                if new == original {
                    let restored = if original.is_zero() { self.sstore_set } else { self.sstore_reset };
                    refund += (restored - self.sstore_noop) as i64;
                }
                (self.sstore_noop, refund)
            }
        }
    }

    /// The most a callee may receive: all of `available`, or all but one 64th of it (EIP-150).
    #[inline]
    pub const fn max_call_gas(&self, available: u64) -> u64 {
        if self.all_but_one_64th { available - available / 64 } else { available }
    }
}

/// The number of 32-byte words needed for `bytes` bytes.
#[inline]
pub const fn words(bytes: u64) -> u64 {
    bytes.div_ceil(32)
}

/// Total cost of a memory of `words` words: `3 * words + words^2 / 512` (Yellow Paper eq. 326).
#[inline]
pub const fn memory_cost(words: u64) -> u64 {
    MEMORY_WORD * words + words * words / 512
}

/// Cost of copying `len` bytes (3 per word); saturates so that absurd lengths run out of gas.
#[inline]
pub const fn copy_cost(len: u64) -> u64 {
    COPY_WORD.saturating_mul(words(len))
}

/// Dynamic cost of EXP: `exp_byte` per significant byte of the exponent.
#[inline]
pub fn exp_cost(schedule: &GasSchedule, exponent: &U256) -> u64 {
    let bytes = (exponent.bit_len() as u64).div_ceil(8);
    schedule.exp_byte * bytes
}

/// Intrinsic gas of a transaction: base, calldata, creation, access list and initcode words.
pub fn intrinsic_gas(
    schedule: &GasSchedule,
    data: &[u8],
    is_create: bool,
    access_list_addresses: u64,
    access_list_keys: u64,
) -> u64 {
    let zeros = data.iter().filter(|&&b| b == 0).count() as u64;
    let non_zeros = data.len() as u64 - zeros;
    let mut gas = if is_create { schedule.tx_create } else { TX_BASE };
    gas += zeros * schedule.tx_data_zero + non_zeros * schedule.tx_data_non_zero;
    gas += access_list_addresses * schedule.access_list_address;
    gas += access_list_keys * schedule.access_list_storage_key;
    if is_create {
        gas += schedule.initcode_word * words(data.len() as u64);
    }
    gas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_cost_matches_yellow_paper() {
        assert_eq!(memory_cost(0), 0);
        assert_eq!(memory_cost(1), 3);
        assert_eq!(memory_cost(32), 98);
        assert_eq!(memory_cost(1024), 3 * 1024 + 2048);
    }

    #[test]
    fn sstore_eip2200_examples() {
        let [zero, one] = [U256::ZERO, U256::from(1)];
        // EIP-2200 test table, Istanbul: 0 -> 0 -> 1 costs 20000; 1 -> 1 -> 0 refunds 15000.
        let s = GasSchedule::new(Fork::Istanbul);
        assert_eq!(s.sstore_cost(&zero, &zero, &one), (20000, 0));
        assert_eq!(s.sstore_cost(&one, &one, &zero), (5000, 15000));
        assert_eq!(s.sstore_cost(&zero, &zero, &zero), (800, 0));
        // 0 -> 1 -> 0 (dirty, restored to the original zero): 800 and a 19200 refund.
        assert_eq!(s.sstore_cost(&zero, &one, &zero), (800, 19200));
        // 1 -> 0 -> 1: the clear refund is taken back and the restore refund given.
        assert_eq!(s.sstore_cost(&one, &zero, &one), (800, -15000 + 4200));
        let london = GasSchedule::new(Fork::London);
        assert_eq!(london.sstore_cost(&one, &one, &zero), (2900, 4800));
        assert_eq!(london.sstore_cost(&zero, &one, &zero), (100, 19900));
        let petersburg = GasSchedule::new(Fork::Petersburg);
        assert_eq!(petersburg.sstore_cost(&zero, &zero, &zero), (5000, 0));
        let constantinople = GasSchedule::new(Fork::Constantinople);
        assert_eq!(constantinople.sstore_cost(&zero, &zero, &zero), (200, 0));
    }

    #[test]
    fn intrinsic_gas_per_fork() {
        let data = [0u8, 1, 2, 0];
        assert_eq!(intrinsic_gas(&GasSchedule::new(Fork::Frontier), &data, false, 0, 0), 21000 + 8 + 136);
        assert_eq!(intrinsic_gas(&GasSchedule::new(Fork::Istanbul), &data, false, 0, 0), 21000 + 8 + 32);
        assert_eq!(
            intrinsic_gas(&GasSchedule::new(Fork::Shanghai), &data, true, 1, 2),
            53000 + 40 + 2400 + 3800 + 2
        );
    }
}
