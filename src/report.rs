//! The data every command reports, before any rendering: serialisable, deterministic, owned.

use serde::Serialize;

use crate::config::Kind;
use crate::diff::ArtifactDiff;
use crate::json::Digest32;

/// Version of every JSON output's schema.
pub const JSON_VERSION: u32 = 1;

/// A governed path that was not parsed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: String,
    /// What the path is instead of a JSON file.
    pub reason: String,
    /// What to do about it.
    pub hint: String,
}

/// A document that was refused: invalid JSON, a duplicate key, a limit exceeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refused {
    pub path: String,
    /// Which snapshot held the refused version.
    pub snapshot: String,
    pub rule: &'static str,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One artifact's hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashRow {
    pub path: String,
    pub kind: Kind,
    #[serde(rename = "rawHash")]
    pub raw_hash: Digest32,
    #[serde(rename = "canonicalHash")]
    pub canonical_hash: Digest32,
    pub size: u64,
}

/// What `git audit hash` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashReport {
    pub version: u32,
    pub snapshot: String,
    pub artifacts: Vec<HashRow>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<Refused>,
}

/// What `git audit diff` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffReport {
    pub version: u32,
    pub before: String,
    pub after: String,
    pub artifacts: Vec<ArtifactDiff>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<Refused>,
}
