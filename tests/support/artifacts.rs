//! Loading the OVM v2 build artifacts in `tests/data/ovm-artifacts/` (npm
//! `@eth-optimism/contracts` 0.3.5, see its README) for the purity tests and benches.

#![allow(dead_code, reason = "each test and bench target uses a different subset")]

use std::path::{Path, PathBuf};

/// Which compiler built an artifact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Build {
    /// Plain solc 0.7.6: `evm/`.
    Evm,
    /// optimistic-solc 0.7.6: `ovm/`.
    Ovm,
}

impl Build {
    /// The artifact folder's name.
    pub(crate) fn folder(self) -> &'static str {
        match self {
            Build::Evm => "evm",
            Build::Ovm => "ovm",
        }
    }
}

/// One artifact's code.
#[derive(Clone, Debug)]
pub(crate) struct Artifact {
    /// Contract name (the file stem).
    pub(crate) name: String,
    /// `bytecode`: creation code.
    pub(crate) creation: Vec<u8>,
    /// `deployedBytecode`: runtime code.
    pub(crate) runtime: Vec<u8>,
}

/// The artifact folder of this repository.
pub(crate) fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ovm-artifacts")
}

fn code_field(json: &serde_json::Value, field: &str, path: &Path) -> Vec<u8> {
    let hex = json[field].as_str().unwrap_or_else(|| panic!("{}: no {field}", path.display()));
    ovm::primitives::decode_hex(hex).unwrap_or_else(|e| panic!("{}: {field}: {e}", path.display()))
}

/// One artifact, by build and name.
pub(crate) fn load(build: Build, name: &str) -> Artifact {
    let path = dir().join(build.folder()).join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (the artifacts ship in tests/data)", path.display()));
    let json: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Artifact {
        name: name.to_string(),
        creation: code_field(&json, "bytecode", &path),
        runtime: code_field(&json, "deployedBytecode", &path),
    }
}

/// Every artifact of one build, by name.
pub(crate) fn all(build: Build) -> Vec<Artifact> {
    let folder = dir().join(build.folder());
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "json").then(|| path.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    names.sort();
    names.iter().map(|name| load(build, name)).collect()
}
