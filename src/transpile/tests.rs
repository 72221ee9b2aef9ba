//! Unit tests of the transpiler on small hand-written programs; the differential suite over real
//! compiled contracts is `tests/transpiler.rs`.

use super::*;
