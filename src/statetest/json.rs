//! Reading the JSON conventions of ethereum/tests: hex quantities without padding, `0x:bigint`
//! values, hex data, addresses and hashes, each with a typed error naming the field.

use bytes::Bytes;
use serde_json::Value;

use crate::primitives::{Address, B256, U256, decode_hex};

/// A fixture that does not have the shape of a state test.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FixtureError {
    /// The file is not JSON.
    #[error("not valid JSON: {0}")]
    Json(String),
    /// A required field is missing or has the wrong JSON type.
    #[error("missing or malformed field `{0}`")]
    Field(&'static str),
    /// A field holds malformed hex.
    #[error("malformed hex in field `{0}`")]
    Hex(&'static str),
    /// An index in `post` points past the transaction's lists.
    #[error("post entry index out of range for `{0}`")]
    Index(&'static str),
}

/// `value[key]` as an object field, or an error naming `key`.
pub(crate) fn field<'v>(value: &'v Value, key: &'static str) -> Result<&'v Value, FixtureError> {
    value.get(key).ok_or(FixtureError::Field(key))
}

/// `value` as a string, or an error naming `key`.
pub(crate) fn string<'v>(value: &'v Value, key: &'static str) -> Result<&'v str, FixtureError> {
    value.as_str().ok_or(FixtureError::Field(key))
}

/// A quantity (`0x1`, `0x:bigint 0x...`, or decimal). `Ok(None)` when it does not fit in 256
/// bits, which the tests use to make a transaction invalid.
pub(crate) fn quantity(value: &Value, key: &'static str) -> Result<Option<U256>, FixtureError> {
    if let Some(n) = value.as_u64() {
        return Ok(Some(U256::from(n)));
    }
    let s = string(value, key)?.trim();
    let s = s.strip_prefix("0x:bigint ").unwrap_or(s);
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => {
            let digits = hex.trim_start_matches('0');
            if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(FixtureError::Hex(key));
            }
            if digits.len() > 64 {
                return Ok(None);
            }
            if digits.is_empty() { Ok(U256::ZERO) } else { U256::from_str_radix(digits, 16) }
        }
        None => U256::from_str_radix(s, 10),
    };
    match parsed {
        Ok(v) => Ok(Some(v)),
        Err(ruint::ParseError::BaseConvertError(_)) => Ok(None),
        Err(_) => Err(FixtureError::Hex(key)),
    }
}

/// A quantity that must fit in 256 bits.
pub(crate) fn u256(value: &Value, key: &'static str) -> Result<U256, FixtureError> {
    quantity(value, key)?.ok_or(FixtureError::Field(key))
}

/// A quantity as `u64`; `Ok(None)` when it is larger.
pub(crate) fn u64_quantity(value: &Value, key: &'static str) -> Result<Option<u64>, FixtureError> {
    Ok(quantity(value, key)?.and_then(|v| u64::try_from(v).ok()))
}

/// Hex bytes.
pub(crate) fn bytes(value: &Value, key: &'static str) -> Result<Bytes, FixtureError> {
    let s = string(value, key)?;
    decode_hex(s).map(Bytes::from).map_err(|_| FixtureError::Hex(key))
}

/// A 20-byte address.
pub(crate) fn address(value: &Value, key: &'static str) -> Result<Address, FixtureError> {
    Address::from_hex(string(value, key)?).map_err(|_| FixtureError::Hex(key))
}

/// A 32-byte hash (shorter hex is left-padded).
pub(crate) fn b256(value: &Value, key: &'static str) -> Result<B256, FixtureError> {
    B256::from_hex(string(value, key)?).map_err(|_| FixtureError::Hex(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities() {
        assert_eq!(quantity(&json!("0x0a"), "x"), Ok(Some(U256::from(10))));
        assert_eq!(quantity(&json!("0x"), "x"), Ok(Some(U256::ZERO)));
        assert_eq!(quantity(&json!("12"), "x"), Ok(Some(U256::from(12))));
        let big = "0x:bigint 0x10000000000000000000000000000000000000000000000000000000000000001";
        assert_eq!(quantity(&json!(big), "x"), Ok(None));
        assert_eq!(quantity(&json!("0xzz"), "x"), Err(FixtureError::Hex("x")));
        assert_eq!(quantity(&json!(5), "x"), Ok(Some(U256::from(5))));
        assert_eq!(quantity(&json!(-5), "x"), Err(FixtureError::Field("x")));
        assert_eq!(u64_quantity(&json!("0x10000000000000000"), "x"), Ok(None));
    }
}
