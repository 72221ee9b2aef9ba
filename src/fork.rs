//! The Ethereum hard forks this interpreter knows, in activation order.

use core::fmt;
use core::str::FromStr;

/// An Ethereum hard fork. The order of the variants is the order of activation, so
/// `fork >= Fork::Berlin` reads "Berlin rules are in force".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Fork {
    /// Frontier (2015).
    Frontier = 0,
    /// Homestead: EIP-2, EIP-7 (DELEGATECALL).
    Homestead,
    /// Tangerine Whistle (EIP-150): repriced IO, the 63/64 call rule.
    TangerineWhistle,
    /// Spurious Dragon (EIP-155/158/160/161/170): empty-account clearing, EXP repricing, code size limit.
    SpuriousDragon,
    /// Byzantium: REVERT, RETURNDATA*, STATICCALL, new precompiles.
    Byzantium,
    /// Constantinople: shifts, CREATE2, EXTCODEHASH, EIP-1283 net SSTORE metering.
    Constantinople,
    /// Petersburg ("ConstantinopleFix"): Constantinople without EIP-1283.
    Petersburg,
    /// Istanbul: EIP-1884, EIP-2200, CHAINID, SELFBALANCE, BLAKE2F.
    Istanbul,
    /// Berlin: EIP-2929 warm/cold access, EIP-2930 access lists.
    Berlin,
    /// London: EIP-1559, BASEFEE, EIP-3529 refunds, EIP-3541.
    London,
    /// Paris, the Merge: PREVRANDAO replaces DIFFICULTY.
    Paris,
    /// Shanghai: PUSH0, EIP-3860 initcode limits, warm coinbase.
    Shanghai,
    /// Cancun: transient storage, MCOPY, blobs, EIP-6780 SELFDESTRUCT.
    Cancun,
}

/// The number of forks in [`Fork`].
pub const FORK_COUNT: usize = Fork::ALL.len();

impl Fork {
    /// Every fork, oldest first.
    pub const ALL: [Fork; 13] = [
        Fork::Frontier,
        Fork::Homestead,
        Fork::TangerineWhistle,
        Fork::SpuriousDragon,
        Fork::Byzantium,
        Fork::Constantinople,
        Fork::Petersburg,
        Fork::Istanbul,
        Fork::Berlin,
        Fork::London,
        Fork::Paris,
        Fork::Shanghai,
        Fork::Cancun,
    ];

    /// The newest fork this interpreter implements.
    pub const LATEST: Fork = Fork::Cancun;

    /// The position of this fork in [`Fork::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// `true` when the rules of `other` are in force under `self`.
    #[inline(always)]
    pub const fn is_at_least(self, other: Fork) -> bool {
        self as u8 >= other as u8
    }

    /// The canonical name, as the state-test fixtures spell it (`EIP150`, `ConstantinopleFix`, ...).
    pub const fn fixture_name(self) -> &'static str {
        match self {
            Fork::Frontier => "Frontier",
            Fork::Homestead => "Homestead",
            Fork::TangerineWhistle => "EIP150",
            Fork::SpuriousDragon => "EIP158",
            Fork::Byzantium => "Byzantium",
            Fork::Constantinople => "Constantinople",
            Fork::Petersburg => "ConstantinopleFix",
            Fork::Istanbul => "Istanbul",
            Fork::Berlin => "Berlin",
            Fork::London => "London",
            Fork::Paris => "Paris",
            Fork::Shanghai => "Shanghai",
            Fork::Cancun => "Cancun",
        }
    }

    /// The common name (`TangerineWhistle`, `Petersburg`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Fork::Frontier => "Frontier",
            Fork::Homestead => "Homestead",
            Fork::TangerineWhistle => "TangerineWhistle",
            Fork::SpuriousDragon => "SpuriousDragon",
            Fork::Byzantium => "Byzantium",
            Fork::Constantinople => "Constantinople",
            Fork::Petersburg => "Petersburg",
            Fork::Istanbul => "Istanbul",
            Fork::Berlin => "Berlin",
            Fork::London => "London",
            Fork::Paris => "Paris",
            Fork::Shanghai => "Shanghai",
            Fork::Cancun => "Cancun",
        }
    }
}

impl fmt::Display for Fork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fork name that none of the known spellings matches.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown fork name (known: Frontier, Homestead, TangerineWhistle/EIP150, SpuriousDragon/EIP158, Byzantium, Constantinople, Petersburg/ConstantinopleFix, Istanbul, Berlin, London, Paris/Merge, Shanghai, Cancun)"
)]
pub struct UnknownFork;

impl FromStr for Fork {
    type Err = UnknownFork;

    /// Accepts the common names, the fixture names and a few aliases, ignoring ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = |a: &str| a.eq_ignore_ascii_case(s);
        for fork in Fork::ALL {
            if lower(fork.name()) || lower(fork.fixture_name()) {
                return Ok(fork);
            }
        }
        match () {
            _ if lower("Tangerine") => Ok(Fork::TangerineWhistle),
            _ if lower("Spurious") => Ok(Fork::SpuriousDragon),
            _ if lower("Merge") => Ok(Fork::Paris),
            _ => Err(UnknownFork),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_matches_index() {
        for (i, fork) in Fork::ALL.iter().enumerate() {
            assert_eq!(fork.index(), i);
        }
        assert!(Fork::Cancun.is_at_least(Fork::Berlin));
        assert!(!Fork::Istanbul.is_at_least(Fork::Berlin));
    }

    #[test]
    fn parses_every_spelling() {
        for fork in Fork::ALL {
            assert_eq!(fork.name().parse::<Fork>(), Ok(fork));
            assert_eq!(fork.fixture_name().parse::<Fork>(), Ok(fork));
            assert_eq!(fork.name().to_uppercase().parse::<Fork>(), Ok(fork));
        }
        assert_eq!("merge".parse::<Fork>(), Ok(Fork::Paris));
        assert_eq!("Prague".parse::<Fork>(), Err(UnknownFork));
    }
}
