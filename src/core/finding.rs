//! Findings: what a check found, as data. "Ran and found problems" is never an error.

use serde::Serialize;

use crate::core::json::parse::LineIndex;
use crate::core::json::{Node, Pointer};
use crate::core::rules::{RuleId, Severity};

/// One problem found in one artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub path: String,
    pub pointer: Pointer,
    /// 1-based; the start of what `pointer` names, mapped back to the stored bytes.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    pub hint: String,
    /// The commit checked, for `--rev` and `--range` runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// What the finding is about, by stable ids (a sequence id, a named path, a schema keyword):
    /// part of the fingerprint, never the wording of `message`. Empty when the rule, path and
    /// pointer say it all.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subject: String,
    /// Stable identity across runs: rule, path, pointer and subject (`suppress::fingerprint`).
    pub fingerprint: String,
    /// Present when a waiver or the baseline keeps this finding from blocking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

impl Finding {
    /// A finding of `rule` at its default severity, positioned at the start of the file.
    pub fn new(rule: RuleId, path: &str, message: String, hint: String) -> Finding {
        Finding {
            rule,
            severity: rule.severity(),
            path: path.to_string(),
            pointer: Pointer::root(),
            line: 1,
            column: 1,
            message,
            hint,
            commit: None,
            subject: String::new(),
            fingerprint: String::new(),
            suppressed: None,
        }
    }

    /// Names what the finding is about by stable ids (joined with `\u{1f}` when several): the
    /// fingerprint uses it instead of the message's wording.
    pub fn about<S: AsRef<str>>(mut self, ids: &[S]) -> Finding {
        self.subject = ids
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join("\u{1f}");
        self
    }

    /// Positions the finding at `pointer` in a parsed document whose source `lines` indexes
    /// (built once per document, so positioning many findings stays linear).
    pub fn at(mut self, pointer: Pointer, root: &Node<'_>, lines: &LineIndex<'_>) -> Finding {
        let (line, column) = lines.line_col(pointer.locate(root));
        self.pointer = pointer;
        self.line = line;
        self.column = column;
        self
    }

    /// Positions the finding at a known byte offset.
    pub fn at_offset(mut self, pointer: Pointer, offset: usize, lines: &LineIndex<'_>) -> Finding {
        let (line, column) = lines.line_col(offset);
        self.pointer = pointer;
        self.line = line;
        self.column = column;
        self
    }

    /// An error nothing waives: what makes a check fail.
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Error && self.suppressed.is_none()
    }
}

/// Sorts one run's findings into their one stable order: by path, position, rule, message.
/// (A range check keeps its commits in history order and sorts within each.)
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.rule, &a.message)
            .cmp(&(&b.path, b.line, b.column, b.rule, &b.message))
    });
}

/// Why a finding does not block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `waiver` or `baseline`.
    pub kind: &'static str,
    pub justification: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}
