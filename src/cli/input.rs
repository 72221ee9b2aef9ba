//! Reading command-line inputs: hex given inline, in a file, or on standard input.

use std::io::Read;
use std::path::Path;

use crate::primitives::{HexError, decode_hex};

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The text is not hex.
    #[error(
        "{what} is not valid hex ({source}); give hex with or without 0x, a file holding hex, or - for stdin"
    )]
    Hex {
        /// Which input.
        what: &'static str,
        /// The decoding error.
        source: HexError,
    },
    /// A file or standard input could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path (or `<stdin>`).
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A fork name that is not known.
    #[error(
        "unknown fork {0:?}; known forks: Frontier, Homestead, TangerineWhistle, SpuriousDragon, Byzantium, Constantinople, Petersburg, Istanbul, Berlin, London, Paris, Shanghai, Cancun"
    )]
    Fork(String),
    /// A JSON input file that does not have the expected shape.
    #[error("{path}: {source}")]
    Fixture {
        /// The file.
        path: String,
        /// What is wrong with it.
        source: crate::statetest::FixtureError,
    },
    /// A file whose content is malformed, with what is wrong.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// Any other malformed value, with what was expected.
    #[error("{0}")]
    Invalid(&'static str),
}

/// Reads hex from `arg`: `-` reads standard input, an existing file is read, anything else is
/// taken as hex itself. Surrounding whitespace is ignored.
pub(crate) fn read_hex_arg(arg: &str, what: &'static str) -> Result<Vec<u8>, InputError> {
    let text = if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|source| InputError::Io { path: "<stdin>".into(), source })?;
        text
    } else if Path::new(arg).is_file() {
        std::fs::read_to_string(arg).map_err(|source| InputError::Io { path: arg.into(), source })?
    } else {
        arg.to_string()
    };
    decode_hex(text.trim()).map_err(|source| InputError::Hex { what, source })
}

/// Reads bytecode given as hex, a file or `-`.
pub fn read_code_arg(arg: &str) -> Result<Vec<u8>, InputError> {
    read_hex_arg(arg, "the code")
}

/// Parses a fork name.
pub(crate) fn parse_fork(name: &str) -> Result<crate::Fork, InputError> {
    name.parse().map_err(|_| InputError::Fork(name.to_string()))
}
