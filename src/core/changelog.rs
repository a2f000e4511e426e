//! The evolution changelog: entries built from structural diffs, rendered as Markdown a person
//! reads, parsed back by their machine markers, and the fingerprint that makes them idempotent;
//! `verify` judges what one commit recorded. Pure: diffs and text in, text and data out.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use crate::core::classify::Class;
pub use crate::core::config::Metadata;
use crate::core::diff::{ArtifactDiff, Change, Item, ItemKind, Status};
use crate::core::escape;
use crate::core::impact::Level;
use crate::core::json::canonical::sha256;
use crate::core::json::Digest32;

/// The header a new changelog starts with.
pub const HEADER: &str = "# Evolution changelog\n\n\
Every structural change to a governed artifact, recorded by git-audit in the commit that made it.\n\
Entries are generated: edit the artifacts, not this file. Each ends with a machine marker that\n\
`git audit changelog verify` reads.\n";

/// One artifact's canonical transition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Transition {
    pub path: String,
    pub before: Option<Digest32>,
    pub after: Option<Digest32>,
}

/// The fingerprint of a set of transitions: what makes an entry unique and idempotent.
/// It depends on canonical hashes only, never on dates, authors or commit ids.
pub fn fingerprint(transitions: &[Transition]) -> Digest32 {
    let mut sorted: Vec<&Transition> = transitions.iter().collect();
    sorted.sort();
    let mut text = String::from("git-audit transition v1\n");
    for t in sorted {
        let _ = writeln!(
            text,
            "{}\t{}\t{}",
            t.path,
            hex_or_none(t.before),
            hex_or_none(t.after)
        );
    }
    sha256(text.as_bytes())
}

fn hex_or_none(d: Option<Digest32>) -> String {
    d.map_or_else(|| "none".to_string(), |d| d.hex())
}

/// One artifact's part of an entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    pub transition: Transition,
    pub diff: ArtifactDiff,
    /// Whether any change is structural (else it is recorded as metadata only).
    pub structural: bool,
    /// The artifact's impact level and score (`core::impact`), when assessed: the entry's
    /// `- impact:` line. Not part of the fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<(Level, u64)>,
}

/// An entry about to be written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// `YYYY-MM-DD` of the author date.
    pub date: String,
    /// `Name <email>` from git's identity.
    pub author: String,
    pub fingerprint: Digest32,
    pub parts: Vec<Part>,
}

/// The parts of a commit's diff that an entry records, or `None` when nothing is recorded:
/// unchanged artifacts (excluded or volatile parts only) never are; metadata-only ones per `metadata`.
pub fn parts(diffs: &[ArtifactDiff], metadata: Metadata) -> Vec<Part> {
    let mut out = Vec::new();
    for d in diffs {
        if d.status == Status::Unchanged {
            continue;
        }
        let structural = matches!(d.status, Status::Added | Status::Removed)
            || d.items.iter().any(|i| i.class == Class::Structural);
        if !structural && (metadata == Metadata::Skip || d.items.is_empty()) {
            continue;
        }
        let mut diff = d.clone();
        if metadata == Metadata::Skip {
            diff.items.retain(|i| i.class == Class::Structural);
        }
        out.push(Part {
            transition: Transition {
                path: d.path.clone(),
                before: d.before.map(|h| h.canonical),
                after: d.after.map(|h| h.canonical),
            },
            diff,
            structural,
            impact: None,
        });
    }
    out
}

impl Entry {
    pub fn new(date: String, author: String, parts: Vec<Part>) -> Entry {
        let transitions: Vec<Transition> = parts.iter().map(|p| p.transition.clone()).collect();
        Entry {
            date,
            author,
            fingerprint: fingerprint(&transitions),
            parts,
        }
    }

    pub fn transitions(&self) -> Vec<Transition> {
        self.parts.iter().map(|p| p.transition.clone()).collect()
    }

    /// The entry as Markdown, ending with its machine marker line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "## {} · {} · `{}`\n",
            escape::terminal(&self.date),
            escape::terminal(&self.author),
            &self.fingerprint.hex()[..12]
        );
        for part in &self.parts {
            let d = &part.diff;
            let _ = writeln!(out, "### {} ({})\n", escape::markdown_code(&d.path), d.kind);
            let _ = writeln!(
                out,
                "- fingerprint: `{}` → `{}`",
                hex_or_none(part.transition.before),
                hex_or_none(part.transition.after)
            );
            let status = match d.status {
                Status::Added => " (artifact added)",
                Status::Removed => " (artifact removed)",
                _ => "",
            };
            let _ = writeln!(out, "- {}{status}", counts(&d.summary));
            if let Some(beats) = &d.beats {
                let _ = writeln!(out, "- {}", counts(beats));
            }
            if let Some((level, score)) = part.impact {
                let _ = writeln!(out, "- impact: {level} (score {score})");
            }
            // A movement added or removed whole speaks for its beats: list it, count them.
            let whole_movements: Vec<(&str, Change)> = d
                .items
                .iter()
                .filter(|i| i.kind == ItemKind::Movement && i.change != Change::Changed)
                .map(|i| (i.id.as_str(), i.change))
                .collect();
            let covered = |i: &Item| {
                i.kind == ItemKind::Beat
                    && whole_movements.iter().any(|(m, c)| {
                        *c == i.change
                            && i.id
                                .strip_prefix(m)
                                .is_some_and(|rest| rest.starts_with('/'))
                    })
            };
            let structural: Vec<&Item> = d
                .items
                .iter()
                .filter(|i| i.class == Class::Structural && !covered(i))
                .collect();
            let metadata: Vec<&Item> = d
                .items
                .iter()
                .filter(|i| i.class == Class::Metadata)
                .collect();
            for item in &structural {
                let _ = writeln!(out, "- {} (structural)", item_line(item));
            }
            if !metadata.is_empty() {
                let _ = writeln!(out, "\n#### Metadata\n");
                for item in &metadata {
                    let _ = writeln!(out, "- {} (metadata)", item_line(item));
                }
            }
            out.push('\n');
        }
        let _ = writeln!(out, "<!-- git-audit:entry {} -->", self.fingerprint);
        out
    }
}

fn counts(s: &crate::core::diff::Summary) -> String {
    format!(
        "{}: {} → {} (added {}, removed {}, changed {})",
        s.unit, s.before, s.after, s.added, s.removed, s.changed
    )
}

fn item_line(item: &Item) -> String {
    let kind = item.kind.as_str();
    let change = item.change.as_str();
    let id = if item.id.is_empty() {
        "(root)"
    } else {
        &item.id
    };
    let mut line = format!("{change} {kind} {}", escape::markdown_code(id));
    if item.change == Change::Changed && !item.changes.is_empty() {
        let mut fields: Vec<String> = item
            .changes
            .iter()
            .map(|c| {
                if c.pointer.is_root() {
                    "(whole)".to_string()
                } else {
                    escape::markdown_code(&c.pointer.to_string())
                }
            })
            .collect();
        fields.dedup();
        const SHOWN: usize = 6;
        let more = fields.len().saturating_sub(SHOWN);
        fields.truncate(SHOWN);
        line.push_str(": ");
        line.push_str(&fields.join(", "));
        if more > 0 {
            let _ = write!(line, " and {more} more");
        }
    }
    line
}

/// An entry found in a changelog's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub fingerprint: Digest32,
    pub transitions: Vec<Transition>,
    /// The `- impact:` lines: path, level and score (entries written before impact have none).
    pub impacts: Vec<(String, Level, u64)>,
    /// Byte range of the whole entry, heading to marker (and the blank line after it).
    pub span: Range<usize>,
}

/// Every generated entry in `text`, in order. Text that is not an entry is left alone.
pub fn parse(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut transitions = Vec::new();
    let mut impacts = Vec::new();
    let mut path: Option<String> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        let l = line.trim_end_matches(['\n', '\r']);
        if l.starts_with("## ") {
            start = Some(here);
            transitions.clear();
            impacts.clear();
            path = None;
        } else if let Some(rest) = l.strip_prefix("### ").filter(|r| r.starts_with('`')) {
            path = escape::parse_markdown_code(rest)
                .filter(|(_, after)| after.starts_with(" ("))
                .map(|(p, _)| p);
        } else if let Some(rest) = l.strip_prefix("- fingerprint: `") {
            if let (Some(p), Some((before, after))) = (&path, parse_pair(rest)) {
                transitions.push(Transition {
                    path: p.clone(),
                    before,
                    after,
                });
            }
        } else if let Some(rest) = l.strip_prefix("- impact: ") {
            if let (Some(p), Some((level, score))) = (&path, parse_impact(rest)) {
                impacts.push((p.clone(), level, score));
            }
        } else if let Some(hex) = l
            .strip_prefix("<!-- git-audit:entry ")
            .and_then(|r| r.strip_suffix(" -->"))
        {
            let Some(fp) = parse_digest(hex) else {
                continue;
            };
            let mut end = offset;
            if text[end..].starts_with("\r\n") {
                end += 2;
            } else if text[end..].starts_with('\n') {
                end += 1;
            }
            out.push(Found {
                fingerprint: fp,
                transitions: std::mem::take(&mut transitions),
                impacts: std::mem::take(&mut impacts),
                span: start.unwrap_or(here)..end,
            });
            start = None;
            path = None;
        }
    }
    out
}

/// `major (score 12)`.
fn parse_impact(rest: &str) -> Option<(Level, u64)> {
    let (level, rest) = rest.split_once(" (score ")?;
    let score = rest.strip_suffix(')')?.parse().ok()?;
    Some((Level::parse(level)?, score))
}

fn parse_pair(rest: &str) -> Option<(Option<Digest32>, Option<Digest32>)> {
    let (before, rest) = rest.split_once("` → `")?;
    let after = rest.strip_suffix('`')?;
    let side = |s: &str| -> Option<Option<Digest32>> {
        if s == "none" {
            Some(None)
        } else {
            parse_digest(s).map(Some)
        }
    };
    Some((side(before)?, side(after)?))
}

fn parse_digest(hex: &str) -> Option<Digest32> {
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(Digest32(out))
}

/// Fingerprints of entries in `now` that are not in `base` (as multisets): what a commit added.
/// Counted in a hash map, so a changelog of thousands of entries costs linear time.
pub fn added(base: &[Found], now: &[Found]) -> Vec<Found> {
    let mut remaining: std::collections::HashMap<Digest32, usize> =
        std::collections::HashMap::with_capacity(base.len());
    for f in base {
        *remaining.entry(f.fingerprint).or_insert(0) += 1;
    }
    let mut out = Vec::new();
    for f in now {
        match remaining.get_mut(&f.fingerprint) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(f.clone()),
        }
    }
    out
}

/// The entries of `base` and `now` that can differ, for texts that share a prefix: when `now`
/// starts with `base` (a changelog only appended to), both are parsed only from the last
/// `## ` heading of `base` on (`parse` starts afresh at every heading, so the entries before
/// it are the same on both sides and cancel out in `added`); otherwise both in full. Spans
/// index the whole texts. This keeps verifying one commit from re-reading its whole history.
pub fn parse_changed(base: &str, now: &str) -> (Vec<Found>, Vec<Found>) {
    let cut = if now.starts_with(base) {
        last_heading(base)
    } else {
        0
    };
    let shifted = |text: &str| -> Vec<Found> {
        let mut found = parse(&text[cut..]);
        for f in &mut found {
            f.span = f.span.start + cut..f.span.end + cut;
        }
        found
    };
    (shifted(base), shifted(now))
}

/// The offset of the last line of `text` that starts with `## ` (0 if none).
fn last_heading(text: &str) -> usize {
    let mut end = text.len();
    while let Some(at) = text[..end].rfind("## ") {
        if at == 0 || text.as_bytes()[at - 1] == b'\n' {
            return at;
        }
        end = at;
    }
    0
}

/// What the staged changelog must become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reconciled {
    /// It is right as it is.
    Unchanged,
    /// It must hold this text.
    Write(String),
    /// It must not exist: the base had no changelog and this commit adds no entry.
    Delete,
}

/// The entries the staged changelog adds over `base_text` that are not `entry`: the ones
/// `reconcile` would remove unless they are the person's (see `reconcile_keeping`).
pub fn unexplained(base_text: &str, index_text: &str, entry: Option<&Entry>) -> Vec<Digest32> {
    let wanted = entry.map(|e| e.fingerprint);
    let mut kept_wanted = false;
    let mut out = Vec::new();
    for f in added(&parse(base_text), &parse(index_text)) {
        if Some(f.fingerprint) == wanted && !kept_wanted {
            kept_wanted = true;
            continue;
        }
        out.push(f.fingerprint);
    }
    out
}

/// The changelog text after a commit whose entries must be exactly `entry` (or none): entries
/// this commit added relative to `base` that are not `entry` are removed (a stale entry of an
/// amended or replayed commit); `entry` is appended unless already added.
pub fn reconcile(base_text: &str, index_text: &str, entry: Option<&Entry>) -> Reconciled {
    reconcile_keeping(base_text, index_text, entry, &[])
}

/// `reconcile`, leaving alone every added entry whose fingerprint is in `theirs`: entries a
/// person staged (a rebuilt changelog's entries for earlier commits) are not the hook's to
/// remove, and are committed as staged.
pub fn reconcile_keeping(
    base_text: &str,
    index_text: &str,
    entry: Option<&Entry>,
    theirs: &[Digest32],
) -> Reconciled {
    let base = parse(base_text);
    let now = parse(index_text);
    let added = added(&base, &now);
    let wanted = entry.map(|e| e.fingerprint);
    let keep_one = wanted.is_some_and(|w| added.iter().any(|f| f.fingerprint == w));
    let mut kept_wanted = false;
    let mut remove: Vec<Range<usize>> = Vec::new();
    for f in &added {
        if Some(f.fingerprint) == wanted && !kept_wanted {
            kept_wanted = true;
            continue;
        }
        if theirs.contains(&f.fingerprint) {
            continue;
        }
        remove.push(f.span.clone());
    }
    if remove.is_empty() && (keep_one || entry.is_none()) {
        return Reconciled::Unchanged;
    }
    let mut text = String::with_capacity(index_text.len() + 1024);
    let mut at = 0;
    for r in &remove {
        // Spans are in document order; one may reach back into the blank line its predecessor
        // already took.
        let start = r.start.max(at);
        text.push_str(&index_text[at..start]);
        at = r.end.max(at);
    }
    text.push_str(&index_text[at..]);
    // What is left over the base is only the blank lines that separated removed entries.
    if text.starts_with(base_text) && text[base_text.len()..].trim().is_empty() {
        text = base_text.to_string();
    }
    if entry.is_none() && base_text.is_empty() && text.trim() == HEADER.trim() {
        return Reconciled::Delete;
    }
    if text.trim().is_empty() {
        text = HEADER.to_string();
    }
    if let (Some(e), false) = (entry, keep_one) {
        if !text.ends_with("\n\n") {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push('\n');
        }
        text.push_str(&e.render());
    }
    Reconciled::Write(text)
}

mod verify;
pub use verify::{merged_parents, verify, Evidence, Recorded};

#[cfg(test)]
mod tests;
