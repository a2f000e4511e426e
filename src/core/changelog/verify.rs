//! `changelog verify`'s decisions: which `changelog-missing`, `-extra` and `-duplicate` findings
//! one commit earns, from its changelog text, its first parent's, and what it should have
//! recorded (its own structural changes, or for a merge the entries of the commits it merges).
//! Pure: `commands::changelog` gathers the `Recorded` facts.

use crate::core::changelog::{self, Found, Metadata};
use crate::core::diff::ArtifactDiff;
use crate::core::finding::Finding;
use crate::core::json::parse::line_col;
use crate::core::rules::RuleId;
use crate::core::snapshot::CommitInfo;

/// What a commit's added entries are checked against.
#[derive(Debug, Clone)]
pub enum Evidence {
    /// A merge: the changelog texts of the commits it brings in (every parent after the first).
    Merged(Vec<String>),
    /// Any other commit: its own structural diff against its parent.
    Changes(Vec<ArtifactDiff>),
}

/// The parents whose changelogs a merge's entries must come from (every parent after the
/// first); `None` for a commit whose entries must match its own changes.
pub fn merged_parents(commit: &CommitInfo) -> Option<&[String]> {
    commit.parents.get(1..).filter(|rest| !rest.is_empty())
}

/// One commit's changelog, as `verify` needs it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub commit: CommitInfo,
    /// The changelog's repository path.
    pub path: String,
    /// The changelog in the commit ("" when absent).
    pub text: String,
    /// The changelog in its first parent ("" when absent or for a root commit).
    pub parent_text: String,
    pub evidence: Evidence,
}

/// What one commit should have added to the changelog, and what it did: findings in the order
/// found (removed entries, then added ones, then a missing one).
pub fn verify(r: &Recorded, metadata: Metadata) -> Vec<Finding> {
    let mut out = Vec::new();
    let commit = &r.commit;
    let path = r.path.as_str();
    let (base, now) = changelog::parse_changed(&r.parent_text, &r.text);
    let added = changelog::added(&base, &now);
    // A commit that records the changelog's start (a committed `changelog rebuild`, or
    // `init --adopt`) adds the entries of the history before it above the marker: not its own.
    let history_end = crate::core::adopt::history_end(&r.parent_text, &r.text);
    let added: Vec<Found> = added
        .into_iter()
        .filter(|f| history_end.is_none_or(|end| f.span.end > end))
        .collect();
    let line_of = |f: &Found| line_of_span(&r.text, f);
    // Entries are history: a commit may not take out what an earlier one recorded.
    for gone in changelog::added(&now, &base) {
        let mut f = Finding::new(
            RuleId::ChangelogMissing,
            path,
            format!(
                "commit {} ({}) removes entry {} that an earlier commit recorded",
                short(&commit.id),
                commit.summary,
                short(&gone.fingerprint.hex())
            ),
            "restore the entry; the changelog only grows".into(),
        )
        .about(&[commit.id.clone(), gone.fingerprint.hex()]);
        f.commit = Some(commit.id.clone());
        out.push(f);
    }
    // Subject: the commit and the entry, by their ids.
    let finding = |rule: RuleId, entry: String, message: String, hint: &str, line: usize| {
        let mut f =
            Finding::new(rule, path, message, hint.to_string()).about(&[commit.id.clone(), entry]);
        f.line = line;
        f.commit = Some(commit.id.clone());
        f
    };
    let diffs = match &r.evidence {
        Evidence::Merged(texts) => {
            // A merge carries the entries of the commits it brings in; it adds none of its own.
            let carried: Vec<Found> = texts.iter().flat_map(|t| changelog::parse(t)).collect();
            for f in &added {
                if !carried.iter().any(|c| c.fingerprint == f.fingerprint) {
                    out.push(finding(
                        RuleId::ChangelogExtra,
                        f.fingerprint.hex(),
                        format!(
                            "merge {} adds entry {} that none of the merged commits added",
                            short(&commit.id),
                            short(&f.fingerprint.hex())
                        ),
                        "entries are recorded in the commit that makes the change; remove this one",
                        line_of(f),
                    ));
                }
            }
            duplicates(&added, r, &mut out);
            return out;
        }
        Evidence::Changes(diffs) => diffs,
    };
    let parts = changelog::parts(diffs, metadata);
    let expected = if parts.is_empty() {
        None
    } else {
        let transitions: Vec<_> = parts.iter().map(|p| p.transition.clone()).collect();
        Some(changelog::fingerprint(&transitions))
    };
    let mut matched = 0;
    for f in &added {
        if Some(f.fingerprint) == expected {
            matched += 1;
            if matched > 1 {
                out.push(finding(
                    RuleId::ChangelogDuplicate,
                    f.fingerprint.hex(),
                    format!("commit {} adds its entry {} more than once", short(&commit.id), short(&f.fingerprint.hex())),
                    "keep one entry per structural change; `git audit changelog record` reconciles the staged changelog",
                    line_of(f),
                ));
            }
        } else {
            out.push(finding(
                RuleId::ChangelogExtra,
                f.fingerprint.hex(),
                format!(
                    "commit {} adds entry {} that matches none of its own changes",
                    short(&commit.id),
                    short(&f.fingerprint.hex())
                ),
                "an entry belongs to the commit whose transition it records; amend with the hook installed, or remove it",
                line_of(f),
            ));
        }
    }
    if let (Some(fp), 0) = (expected, matched) {
        let paths: Vec<&str> = parts.iter().map(|p| p.transition.path.as_str()).collect();
        out.push(finding(
            RuleId::ChangelogMissing,
            fp.hex(),
            format!(
                "commit {} ({}) changes {} structurally but adds no entry {}",
                short(&commit.id),
                commit.summary,
                paths.join(", "),
                short(&fp.hex())
            ),
            "install the hook (`git audit install`) so entries are recorded on commit; for this commit, `git audit changelog record --amend` while it is HEAD",
            1,
        ));
    }
    out
}

/// An entry a merge adds twice.
fn duplicates(added: &[Found], r: &Recorded, out: &mut Vec<Finding>) {
    for (i, f) in added.iter().enumerate() {
        if added[..i].iter().any(|g| g.fingerprint == f.fingerprint) {
            let mut finding = Finding::new(
                RuleId::ChangelogDuplicate,
                &r.path,
                format!(
                    "commit {} adds entry {} twice",
                    short(&r.commit.id),
                    short(&f.fingerprint.hex())
                ),
                "keep one entry per structural change".into(),
            )
            .about(&[r.commit.id.clone(), f.fingerprint.hex()]);
            finding.line = line_of_span(&r.text, f);
            finding.commit = Some(r.commit.id.clone());
            out.push(finding);
        }
    }
}

fn line_of_span(text: &str, f: &Found) -> usize {
    line_col(text.as_bytes(), f.span.start).0
}

fn short(id: &str) -> &str {
    id.get(..10).unwrap_or(id)
}

#[cfg(test)]
mod tests;
