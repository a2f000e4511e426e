//! Unit tests of `changelog verify`'s pure half: missing, extra, duplicate and removed entries, merges.

use super::*;
use crate::core::changelog::{parts, Entry, HEADER};
use crate::core::config::Kind;
use crate::core::json::canonical::{self, sha256};
use crate::core::json::{parse as parse_json, Limits};

fn tree(text: &str) -> crate::core::json::Node<'_> {
    parse_json(text.as_bytes(), &Limits::default()).unwrap()
}

fn diff(before: &str, after: &str) -> ArtifactDiff {
    let (b, a) = (tree(before), tree(after));
    let hashes = |n: &crate::core::json::Node<'_>, raw: &str| crate::core::artifact::Hashes {
        raw: sha256(raw.as_bytes()),
        canonical: canonical::hash(n),
        size: raw.len() as u64,
    };
    let (bh, ah) = (hashes(&b, before), hashes(&a, after));
    ArtifactDiff::build(
        "reg.json",
        Kind::Registry,
        "id",
        Some((&bh, &b)),
        Some((&ah, &a)),
    )
}

const R1: &str = r#"{"domains": [{"id": "a", "tempo": 1}]}"#;
const R2: &str = r#"{"domains": [{"id": "a", "tempo": 2}]}"#;
const R3: &str = r#"{"domains": [{"id": "a", "tempo": 2}, {"id": "b", "tempo": 3}]}"#;

/// The changelog text with one entry per diff, in order.
fn changelog(diffs: &[ArtifactDiff]) -> String {
    let mut text = HEADER.to_string();
    for d in diffs {
        let entry = Entry::new(
            "2026-01-02".into(),
            "Ada <ada@example.com>".into(),
            parts(std::slice::from_ref(d), Metadata::Record),
        );
        text.push('\n');
        text.push_str(&entry.render());
    }
    text
}

fn commit(parents: &[&str]) -> CommitInfo {
    CommitInfo {
        id: "c0ffee0000111122223333".into(),
        summary: "change a".into(),
        parent: parents.first().map(|p| p.to_string()),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        author: "Ada <ada@example.com>".into(),
        author_time: 0,
        author_offset: 0,
    }
}

fn rules(commit: CommitInfo, text: String, parent_text: String, evidence: Evidence) -> Vec<String> {
    let r = Recorded {
        commit,
        path: "CHANGELOG.md".into(),
        text,
        parent_text,
        evidence,
    };
    verify(&r, Metadata::Record)
        .iter()
        .map(|f| {
            assert_eq!(f.commit.as_deref(), Some("c0ffee0000111122223333"));
            f.rule.to_string()
        })
        .collect()
}

#[test]
fn a_structural_change_needs_its_entry_once() {
    let change = || Evidence::Changes(vec![diff(R1, R2)]);
    let own = changelog(&[diff(R1, R2)]);
    let c = || commit(&["p"]);
    assert!(rules(c(), own.clone(), HEADER.into(), change()).is_empty());
    assert_eq!(
        rules(c(), HEADER.into(), HEADER.into(), change()),
        ["changelog-missing"]
    );
    assert_eq!(
        rules(c(), changelog(&[diff(R2, R3)]), HEADER.into(), change()),
        ["changelog-extra", "changelog-missing"]
    );
    assert_eq!(
        rules(
            c(),
            changelog(&[diff(R1, R2), diff(R1, R2)]),
            HEADER.into(),
            change()
        ),
        ["changelog-duplicate"]
    );
    // No structural change: any added entry is extra.
    assert_eq!(
        rules(c(), own, HEADER.into(), Evidence::Changes(Vec::new())),
        ["changelog-extra"]
    );
}

#[test]
fn removing_an_entry_is_missing_history() {
    let earlier = changelog(&[diff(R2, R3)]);
    assert_eq!(
        rules(
            commit(&["p"]),
            HEADER.into(),
            earlier,
            Evidence::Changes(Vec::new())
        ),
        ["changelog-missing"]
    );
}

#[test]
fn a_merge_adds_only_what_it_merges() {
    let merged = changelog(&[diff(R1, R2)]);
    let c = || commit(&["p", "q"]);
    assert!(rules(
        c(),
        merged.clone(),
        HEADER.into(),
        Evidence::Merged(vec![merged.clone()])
    )
    .is_empty());
    assert_eq!(
        rules(
            c(),
            merged.clone(),
            HEADER.into(),
            Evidence::Merged(vec![HEADER.into()])
        ),
        ["changelog-extra"]
    );
    let twice = changelog(&[diff(R1, R2), diff(R1, R2)]);
    assert_eq!(
        rules(
            c(),
            twice.clone(),
            HEADER.into(),
            Evidence::Merged(vec![twice])
        ),
        ["changelog-duplicate"]
    );
}

#[test]
fn only_a_merge_is_judged_by_its_merged_parents() {
    assert_eq!(merged_parents(&commit(&[])), None);
    assert_eq!(merged_parents(&commit(&["p"])), None);
    assert_eq!(
        merged_parents(&commit(&["p", "q", "r"])),
        Some(&["q".to_string(), "r".to_string()][..])
    );
}

#[test]
fn entries_above_a_start_the_commit_records_are_history() {
    const START: &str = "0123456789abcdef0123456789abcdef01234567";
    // A committed `changelog rebuild`: the history's entries, then the start marker.
    let rebuilt = format!(
        "{}\n{}",
        changelog(&[diff(R1, R2), diff(R2, R3)]),
        crate::core::adopt::start_lines(START)
    );
    let c = || commit(&["p"]);
    let none = || Evidence::Changes(Vec::new());
    assert!(rules(c(), rebuilt.clone(), HEADER.into(), none()).is_empty());
    // The same entries without the start are extra, as before.
    assert_eq!(
        rules(c(), changelog(&[diff(R1, R2)]), HEADER.into(), none()),
        ["changelog-extra"]
    );
    // Below the start, the adopting commit's own entry is still judged.
    let own = Entry::new(
        "2026-01-02".into(),
        "Ada <ada@example.com>".into(),
        parts(&[diff(R3, R1)], Metadata::Record),
    );
    let with_own = format!("{rebuilt}\n{}", own.render());
    assert!(rules(
        c(),
        with_own.clone(),
        HEADER.into(),
        Evidence::Changes(vec![diff(R3, R1)])
    )
    .is_empty());
    assert_eq!(
        rules(c(), with_own, HEADER.into(), none()),
        ["changelog-extra"]
    );
    // A later commit cannot slip entries in above a start it did not set.
    let later = rebuilt.replacen(
        "<!-- git-audit:since",
        &format!(
            "{}\n<!-- git-audit:since",
            changelog(&[diff(R3, R1)]).trim_start_matches(HEADER)
        ),
        1,
    );
    assert_eq!(rules(c(), later, rebuilt, none()), ["changelog-extra"]);
}

#[test]
fn an_unchanged_changelog_is_judged_as_two_empty_ones() {
    // `commands::changelog` does not read a changelog blob a commit leaves as its parent had it:
    // it hands `verify` two empty texts, which must earn the same findings as the two equal ones.
    let text = changelog(&[diff(R1, R2)]);
    for evidence in [
        Evidence::Changes(vec![diff(R2, R3)]),
        Evidence::Changes(Vec::new()),
        Evidence::Merged(vec![text.clone()]),
    ] {
        let parents: &[&str] = match evidence {
            Evidence::Merged(_) => &["p1", "p2"],
            Evidence::Changes(_) => &["p1"],
        };
        let equal = Recorded {
            commit: commit(parents),
            path: "CHANGELOG.md".into(),
            text: text.clone(),
            parent_text: text.clone(),
            evidence: evidence.clone(),
        };
        let empty = Recorded {
            text: String::new(),
            parent_text: String::new(),
            ..equal.clone()
        };
        let (a, b) = (
            verify(&equal, Metadata::Record),
            verify(&empty, Metadata::Record),
        );
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
    assert_eq!(
        rules(
            commit(&["p1"]),
            text.clone(),
            text,
            Evidence::Changes(vec![diff(R2, R3)])
        ),
        ["changelog-missing"]
    );
}
