//! Release notes from a structural diff: grouped into breaking, added, changed and metadata,
//! with a suggested semantic version bump at `core::impact`'s level. Pure: diffs and counts in,
//! notes out.

use crate::core::escape;
use serde::Serialize;

use crate::core::classify::Class;
use crate::core::diff::{ArtifactDiff, Change, Item, ItemKind, Status};

/// One line of the notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub path: String,
    /// `domain`, `sequence`, `movement`, `beat`, `member` or `artifact`.
    pub kind: &'static str,
    pub id: String,
    pub text: String,
}

/// The semantic version level a change calls for: `impact`'s, so notes and impact agree.
pub use crate::core::impact::Level;

/// A suggested bump of the registry's `metadata.version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bump {
    pub path: String,
    /// The version at the start of the range.
    pub from: Option<String>,
    /// The version at the end of the range.
    pub current: Option<String>,
    pub level: Level,
    /// `from` bumped by `level`, when `from` is a semantic version.
    pub suggested: Option<String>,
}

/// Compliance and integrity of the end of the range. Compliance is `check --all`'s verdict:
/// `errors` are the findings that block (waivers and the baseline applied), `warnings` and
/// `infos` those not suppressed, `suppressed` the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Health {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    /// Locks that hold, and those that drifted or cannot be verified.
    pub locks_holding: usize,
    pub locks_failing: usize,
}

/// The release notes of a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseNotes {
    pub version: u32,
    pub range: String,
    pub from: String,
    pub to: String,
    pub breaking: Vec<Note>,
    pub added: Vec<Note>,
    pub changed: Vec<Note>,
    pub metadata: Vec<Note>,
    pub status: Health,
    pub bump: Vec<Bump>,
}

/// A rename of a beat's handler or event: it breaks whoever dispatches or listens to it.
fn renamed_wiring(item: &Item) -> Vec<String> {
    if item.kind != ItemKind::Beat || item.change != Change::Changed {
        return Vec::new();
    }
    item.changes
        .iter()
        .filter(|c| {
            let field = c.pointer.tokens().first().map(String::as_str);
            matches!(field, Some("handler" | "event")) && c.pointer.tokens().len() == 1
        })
        .map(|c| {
            let value =
                |v: &dyn std::fmt::Display| escape::markdown_text(&v.to_string()).into_owned();
            format!(
                "{} {} → {}",
                escape::markdown_text(&c.pointer.tokens()[0]),
                value(&c.before),
                value(&c.after)
            )
        })
        .collect()
}

/// Sorts the structural diff of a range into the notes' groups.
pub fn group(diffs: &[ArtifactDiff]) -> (Vec<Note>, Vec<Note>, Vec<Note>, Vec<Note>) {
    let (mut breaking, mut added, mut changed, mut metadata) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for d in diffs {
        match d.status {
            Status::Unchanged => continue,
            Status::Removed => {
                breaking.push(Note {
                    path: d.path.clone(),
                    kind: "artifact",
                    id: d.path.clone(),
                    text: format!("removed {} {}", d.kind, escape::markdown_code(&d.path)),
                });
                continue;
            }
            Status::Added => added.push(Note {
                path: d.path.clone(),
                kind: "artifact",
                id: d.path.clone(),
                text: format!("added {} {}", d.kind, escape::markdown_code(&d.path)),
            }),
            Status::Modified => {}
        }
        for item in &d.items {
            let kind = item.kind.as_str();
            let note = |text: String| Note {
                path: d.path.clone(),
                kind,
                id: item.id.clone(),
                text,
            };
            let label = if item.id.is_empty() {
                kind.to_string()
            } else {
                format!("{kind} {}", escape::markdown_code(&item.id))
            };
            match (item.change, item.class) {
                (Change::Removed, Class::Structural) if item.kind != ItemKind::Member => {
                    breaking.push(note(format!("removed {label}")))
                }
                (Change::Added, Class::Structural) if item.kind != ItemKind::Member => {
                    added.push(note(format!("added {label}")))
                }
                (_, Class::Metadata) => {
                    metadata.push(note(format!("{} {label}", item.change.as_str())))
                }
                _ => {
                    let renames = renamed_wiring(item);
                    if renames.is_empty() {
                        let fields: Vec<String> = item
                            .changes
                            .iter()
                            .map(|c| escape::markdown_text(&c.pointer.to_string()).into_owned())
                            .collect();
                        let detail = if fields.is_empty() || fields.iter().all(|f| f.is_empty()) {
                            String::new()
                        } else {
                            format!(" ({})", fields.join(", "))
                        };
                        changed.push(note(format!("{} {label}{detail}", item.change.as_str())));
                    } else {
                        breaking.push(note(format!("renamed in {label}: {}", renames.join("; "))));
                    }
                }
            }
        }
    }
    (breaking, added, changed, metadata)
}

/// `version` bumped by `level`, when it is `MAJOR.MINOR.PATCH` (pre-release and build dropped).
pub fn bump(version: &str, level: Level) -> Option<String> {
    crate::core::impact::bump(version, level)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Kind;
    use crate::core::json::{canonical, parse, Limits};

    fn diff(kind: Kind, before: &str, after: &str) -> ArtifactDiff {
        let b = parse(before.as_bytes(), &Limits::default()).unwrap();
        let a = parse(after.as_bytes(), &Limits::default()).unwrap();
        let h = |n: &crate::core::json::Node<'_>| crate::core::artifact::Hashes {
            raw: canonical::hash(n),
            canonical: canonical::hash(n),
            size: 0,
        };
        ArtifactDiff::build("x.json", kind, "id", Some((&h(&b), &b)), Some((&h(&a), &a)))
    }

    #[test]
    fn groups_removed_added_renamed_changed_metadata() {
        let reg = diff(
            Kind::Registry,
            r#"{"domains": [{"id": "a", "tempo": 1, "name": "A"}, {"id": "gone"}]}"#,
            r#"{"domains": [{"id": "a", "tempo": 2, "name": "A2"}, {"id": "new"}]}"#,
        );
        let seq = diff(
            Kind::Sequence,
            r#"{"id": "s", "movements": [{"id": "m", "beats": [{"beat": 1, "handler": "h", "event": "e"}, {"beat": 2}]}]}"#,
            r#"{"id": "s", "movements": [{"id": "m", "beats": [{"beat": 1, "handler": "h2", "event": "e"}]}]}"#,
        );
        let (breaking, added, changed, metadata) = group(&[reg, seq]);
        let texts = |v: &[Note]| v.iter().map(|n| n.text.clone()).collect::<Vec<_>>();
        assert_eq!(
            texts(&breaking),
            [
                "removed domain `gone`",
                "renamed in beat `m/1`: handler \"h\" → \"h2\"",
                "removed beat `m/2`"
            ]
        );
        assert_eq!(texts(&added), ["added domain `new`"]);
        assert_eq!(texts(&changed), ["changed domain `a` (/name, /tempo)"]);
        assert!(metadata.is_empty());
    }

    #[test]
    fn semantic_bumps() {
        assert_eq!(bump("1.2.3", Level::Major).as_deref(), Some("2.0.0"));
        assert_eq!(bump("1.2.3", Level::Minor).as_deref(), Some("1.3.0"));
        assert_eq!(bump("v1.2.3-rc.1", Level::Patch).as_deref(), Some("1.2.4"));
        assert_eq!(bump("1.2", Level::Patch), None);
        assert_eq!(bump("x", Level::Patch), None);
    }
}
