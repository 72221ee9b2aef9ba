//! Linking for the transpiler corpus (`tests/data/transpiler/corpus.json`), shared by its test and
//! its bench.

/// Replaces solc's `__$...$__` library placeholders (40 hex characters each) with a fixed address.
pub(crate) fn link_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("__$") {
        out.push_str(&rest[..at]);
        out.push_str(&"11".repeat(20));
        rest = &rest[at + 40..];
    }
    out.push_str(rest);
    out
}
