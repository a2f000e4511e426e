//! The data every command reports, before any rendering: serialisable, deterministic, owned.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::config::Kind;
use crate::core::diff::ArtifactDiff;
use crate::core::finding::Finding;
use crate::core::json::Digest32;
use crate::core::snapshot::{CommitInfo, Source};

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
    pub rule: crate::core::rules::RuleId,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Refused {
    /// A document the JSON parser refused in `snapshot`, at the position the parser gave.
    pub fn parse(path: &str, snapshot: &Source, e: &crate::core::json::parse::Error) -> Refused {
        Refused {
            path: path.to_string(),
            snapshot: snapshot.to_string(),
            rule: crate::core::rules::RuleId::for_parse_error(&e.kind),
            line: e.line,
            column: e.column,
            message: e.kind.to_string(),
        }
    }
}

/// Why a governed path was not parsed.
#[derive(Debug)]
pub enum NotParsed {
    Skipped(Skipped),
    Refused(Refused),
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

/// What `git audit check` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub version: u32,
    /// No error-level finding.
    pub ok: bool,
    /// What was checked, in words (`the index against HEAD`, `3 commits in main..topic`).
    pub scope: String,
    /// Artifacts checked (an artifact checked in several commits counts each time).
    pub checked: usize,
    /// Artifacts the configuration governs in the snapshot checked (the most over the commits
    /// checked); 0 says the configuration governs nothing there. `None` when no snapshot was
    /// checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub governed: Option<usize>,
    /// Commits checked by `--rev` or `--range`.
    #[serde(skip_serializing_if = "is_zero")]
    pub commits: usize,
    pub findings: Vec<Finding>,
    /// The summary line of each commit checked, by commit id: the human output heads a
    /// commit's findings with it. Not part of the JSON.
    #[serde(skip)]
    pub titles: BTreeMap<String, String>,
    /// List suppressed findings one by one in human output (`check --show-suppressed`);
    /// otherwise they are a count in the summary. JSON always lists them.
    #[serde(skip)]
    pub list_suppressed: bool,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl CheckReport {
    pub fn new() -> CheckReport {
        CheckReport {
            version: JSON_VERSION,
            ok: true,
            scope: String::new(),
            checked: 0,
            governed: None,
            commits: 0,
            findings: Vec::new(),
            titles: BTreeMap::new(),
            list_suppressed: false,
        }
    }

    /// Records the summary lines of the commits checked, for the human output's headers.
    pub fn title_commits<'c>(&mut self, commits: impl IntoIterator<Item = &'c CommitInfo>) {
        for c in commits {
            self.titles
                .entry(c.id.clone())
                .or_insert_with(|| c.summary.clone());
        }
    }

    /// Findings of this severity that nothing suppresses.
    pub fn count(&self, severity: crate::core::rules::Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity && f.suppressed.is_none())
            .count()
    }

    /// Findings a waiver or the baseline suppresses.
    pub fn suppressed(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_some())
            .count()
    }
}

impl Default for CheckReport {
    fn default() -> Self {
        CheckReport::new()
    }
}

/// How one artifact stands against its lock or a named snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Standing {
    /// The recorded hash is the canonical hash.
    Holds,
    /// It changed since the lock or snapshot was recorded.
    Drifted,
    /// Governed but carries no lock.
    Unlocked,
    /// Not in the snapshot it is compared with.
    Added,
    /// In the snapshot, gone now.
    Removed,
    /// The lock exists but cannot be verified, or the file cannot be read.
    Unverifiable,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Holds => "holds",
            Standing::Drifted => "drifted",
            Standing::Unlocked => "unlocked",
            Standing::Added => "added",
            Standing::Removed => "removed",
            Standing::Unverifiable => "unverifiable",
        }
    }
}

/// One line of `git audit verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyEntry {
    pub path: String,
    pub standing: Standing,
    /// `embedded`, `lockfile` or `snapshot`.
    pub against: &'static str,
    pub recorded: Option<String>,
    pub actual: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What `git audit verify` found. It reports; it never blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub version: u32,
    /// The snapshot read (`index`, a revision, `working tree`).
    pub source: String,
    /// The named snapshot compared with, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    pub entries: Vec<VerifyEntry>,
    /// Entries that are not `holds`.
    pub drifted: usize,
}

/// What `install` or `uninstall` did to one hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HookDone {
    pub hook: &'static str,
    /// installed | chained | unchanged | removed | restored | not-installed
    pub action: &'static str,
    pub path: String,
    /// Where the hook that was there before is kept (install) or came back from (uninstall).
    pub chained: Option<String>,
    pub notes: Vec<String>,
}

/// What `git audit install` or `uninstall` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallReport {
    pub version: u32,
    #[serde(rename = "hooksDir")]
    pub hooks_dir: String,
    /// Notes about the hooks folder as a whole.
    pub notes: Vec<String>,
    pub hooks: Vec<HookDone>,
}
