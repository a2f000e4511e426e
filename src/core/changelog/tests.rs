//! Unit tests of the evolution changelog (entries, markers, reconcile, dates).

use super::*;
use crate::core::config::Kind;
use crate::core::date::{date_of, date_of_git_date};
use crate::core::diff::ArtifactDiff;
use crate::core::json::{canonical, parse as parse_json, Limits};

fn diff(path: &str, kind: Kind, before: Option<&str>, after: Option<&str>) -> ArtifactDiff {
    let b = before.map(|t| parse_json(t.as_bytes(), &Limits::default()).unwrap());
    let a = after.map(|t| parse_json(t.as_bytes(), &Limits::default()).unwrap());
    let hashes = |n: &crate::core::json::Node<'_>, raw: &str| crate::core::artifact::Hashes {
        raw: sha256(raw.as_bytes()),
        canonical: canonical::hash(n),
        size: raw.len() as u64,
    };
    let bh = b.as_ref().map(|n| hashes(n, before.unwrap()));
    let ah = a.as_ref().map(|n| hashes(n, after.unwrap()));
    ArtifactDiff::build(
        path,
        kind,
        "id",
        bh.as_ref().zip(b.as_ref()),
        ah.as_ref().zip(a.as_ref()),
    )
}

const R1: &str =
    r#"{"domains": [{"id": "a", "name": "A", "tempo": 1}, {"id": "b", "name": "B", "tempo": 2}]}"#;
const R2: &str = r#"{"domains": [{"id": "a", "name": "A", "tempo": 5}, {"id": "b", "name": "B2", "tempo": 2}, {"id": "c", "name": "C", "tempo": 3}]}"#;
const R_META: &str =
    r#"{"domains": [{"id": "a", "name": "A!", "tempo": 1}, {"id": "b", "name": "B", "tempo": 2}]}"#;

fn write(r: Reconciled) -> String {
    match r {
        Reconciled::Write(text) => text,
        other => panic!("expected a text, got {other:?}"),
    }
}

fn entry(diffs: &[ArtifactDiff], metadata: Metadata) -> Option<Entry> {
    let parts = parts(diffs, metadata);
    (!parts.is_empty())
        .then(|| Entry::new("2026-01-02".into(), "Ada <ada@example.com>".into(), parts))
}

#[test]
fn structural_entry_renders_and_parses_back() {
    let d = diff("reg.json", Kind::Registry, Some(R1), Some(R2));
    let e = entry(std::slice::from_ref(&d), Metadata::Record).unwrap();
    let text = e.render();
    assert!(
        text.starts_with("## 2026-01-02 · Ada <ada@example.com> · `"),
        "{text}"
    );
    assert!(text.contains("### `reg.json` (registry)"), "{text}");
    assert!(
        text.contains("- domains: 2 → 3 (added 1, removed 0, changed 2)"),
        "{text}"
    );
    assert!(
        text.contains("- changed domain `a`: `/tempo` (structural)"),
        "{text}"
    );
    assert!(text.contains("- added domain `c` (structural)"), "{text}");
    assert!(
        text.contains("#### Metadata\n\n- changed domain `b`: `/name` (metadata)"),
        "{text}"
    );
    let found = parse(&text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].fingerprint, e.fingerprint);
    assert_eq!(found[0].transitions, e.transitions());
    assert_eq!(found[0].span, 0..text.len());
    assert_eq!(fingerprint(&found[0].transitions), e.fingerprint);
    assert_eq!(e.transitions()[0].before, d.before.map(|h| h.canonical));
}

#[test]
fn metadata_only_is_recorded_or_skipped() {
    let d = diff("reg.json", Kind::Registry, Some(R1), Some(R_META));
    let e = entry(std::slice::from_ref(&d), Metadata::Record).unwrap();
    let text = e.render();
    assert!(text.contains("#### Metadata"), "{text}");
    assert!(!text.contains("(structural)"), "{text}");
    assert!(entry(&[d], Metadata::Skip).is_none());
    // Skip keeps structural items and drops metadata ones from a mixed change.
    let mixed = diff("reg.json", Kind::Registry, Some(R1), Some(R2));
    let text = entry(&[mixed], Metadata::Skip).unwrap().render();
    assert!(!text.contains("#### Metadata"), "{text}");
    assert!(text.contains("added domain `c`"), "{text}");
}

#[test]
fn changes_confined_to_excluded_parts_are_never_recorded() {
    let d = diff(
        "reg.json",
        Kind::Registry,
        Some(R1),
        Some(&R1.replace(": [", ":  [")),
    );
    assert_eq!(d.status, Status::Unchanged);
    assert!(entry(&[d], Metadata::Record).is_none());
}

#[test]
fn fingerprint_depends_on_hashes_only() {
    let d = diff("reg.json", Kind::Registry, Some(R1), Some(R2));
    let a = entry(std::slice::from_ref(&d), Metadata::Record).unwrap();
    let b = Entry::new(
        "1999-12-31".into(),
        "Someone Else <x@y>".into(),
        parts(&[d], Metadata::Record),
    );
    assert_eq!(a.fingerprint, b.fingerprint);
    let other = diff("reg.json", Kind::Registry, Some(R1), Some(R_META));
    assert_ne!(
        a.fingerprint,
        entry(&[other], Metadata::Record).unwrap().fingerprint
    );
    // Order of transitions does not matter.
    let t1 = Transition {
        path: "a".into(),
        before: None,
        after: Some(sha256(b"1")),
    };
    let t2 = Transition {
        path: "b".into(),
        before: Some(sha256(b"2")),
        after: None,
    };
    assert_eq!(
        fingerprint(&[t1.clone(), t2.clone()]),
        fingerprint(&[t2, t1])
    );
}

#[test]
fn added_and_removed_artifacts_use_none() {
    let d = diff(
        "s.json",
        Kind::Sequence,
        None,
        Some(r#"{"id": "s", "movements": [{"id": "m", "beats": [{"beat": 1}]}]}"#),
    );
    let e = entry(&[d], Metadata::Record).unwrap();
    let text = e.render();
    assert!(text.contains("- fingerprint: `none` → `"), "{text}");
    assert!(text.contains("(artifact added)"), "{text}");
    assert!(text.contains("- beats: 0 → 1"), "{text}");
    // The added movement speaks for its beats.
    assert!(text.contains("- added movement `m` (structural)"), "{text}");
    assert!(!text.contains("beat `m/1`"), "{text}");
    assert_eq!(parse(&text)[0].transitions[0].before, None);
}

#[test]
fn reconcile_appends_once_and_is_idempotent() {
    let e = entry(
        &[diff("reg.json", Kind::Registry, Some(R1), Some(R2))],
        Metadata::Record,
    )
    .unwrap();
    let first = write(reconcile("", "", Some(&e)));
    assert!(first.starts_with(HEADER));
    assert!(first.ends_with("-->\n"));
    assert_eq!(parse(&first).len(), 1);
    // Retried (aborted commit): the index already has the entry.
    assert_eq!(reconcile("", &first, Some(&e)), Reconciled::Unchanged);
    // A person's prose around entries survives.
    let with_prose = format!("{first}\nSome note a person wrote.\n");
    let e2 = entry(
        &[diff("reg.json", Kind::Registry, Some(R2), Some(R1))],
        Metadata::Record,
    )
    .unwrap();
    let second = write(reconcile(&with_prose, &with_prose, Some(&e2)));
    assert!(
        second.contains("Some note a person wrote.\n\n## "),
        "{second}"
    );
    assert_eq!(parse(&second).len(), 2);
}

#[test]
fn reconcile_replaces_the_stale_entry_of_an_amended_commit() {
    let base = format!("{HEADER}\nA note.\n");
    let e1 = entry(
        &[diff("reg.json", Kind::Registry, Some(R1), Some(R2))],
        Metadata::Record,
    )
    .unwrap();
    let committed = write(reconcile(&base, &base, Some(&e1)));
    // Amend: the base is the parent (no entry), the index carries e1, the transition is now R1→R_META.
    let e2 = entry(
        &[diff("reg.json", Kind::Registry, Some(R1), Some(R_META))],
        Metadata::Record,
    )
    .unwrap();
    let amended = write(reconcile(&base, &committed, Some(&e2)));
    let found = parse(&amended);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].fingerprint, e2.fingerprint);
    // Amend that drops the structural change entirely: the stale entry goes, byte for byte.
    let dropped = write(reconcile(&base, &committed, None));
    assert_eq!(dropped, base);
    // Nothing to record and nothing added: untouched.
    assert_eq!(
        reconcile(&committed, &committed, None),
        Reconciled::Unchanged
    );
    // When the base had no changelog at all, the file goes away again.
    let first = write(reconcile("", "", Some(&e1)));
    assert_eq!(reconcile("", &first, None), Reconciled::Delete);
}

#[test]
fn duplicates_added_by_one_commit_collapse_to_one() {
    let e = entry(
        &[diff("reg.json", Kind::Registry, Some(R1), Some(R2))],
        Metadata::Record,
    )
    .unwrap();
    let once = write(reconcile("", "", Some(&e)));
    let twice = format!("{once}\n{}", e.render());
    assert_eq!(parse(&twice).len(), 2);
    let fixed = write(reconcile("", &twice, Some(&e)));
    assert_eq!(parse(&fixed).len(), 1);
}

#[test]
fn the_same_transition_in_a_later_commit_is_its_own_entry() {
    // Redo after a revert: the base already holds an entry with this fingerprint.
    let e = entry(
        &[diff("reg.json", Kind::Registry, Some(R1), Some(R2))],
        Metadata::Record,
    )
    .unwrap();
    let history = write(reconcile("", "", Some(&e)));
    let again = write(reconcile(&history, &history, Some(&e)));
    assert_eq!(parse(&again).len(), 2);
    assert_eq!(added(&parse(&history), &parse(&again)).len(), 1);
}

#[test]
fn markers_with_bad_hex_are_ignored() {
    assert!(parse("## x\n<!-- git-audit:entry nothex -->\n").is_empty());
}

#[test]
fn dates_in_every_form_git_uses() {
    assert_eq!(date_of(0, 0), "1970-01-01");
    assert_eq!(date_of(1_767_225_600, 0), "2026-01-01");
    assert_eq!(date_of(1_767_225_600, -60), "2025-12-31");
    assert_eq!(date_of(951_782_400, 0), "2000-02-29");
    assert_eq!(
        date_of_git_date("@1795568080 +0000").as_deref(),
        Some("2026-11-25")
    );
    assert_eq!(
        date_of_git_date("1767225600 -0100").as_deref(),
        Some("2025-12-31")
    );
    assert_eq!(
        date_of_git_date("2026-01-02T03:04:05+00:00").as_deref(),
        Some("2026-01-02")
    );
    assert_eq!(
        date_of_git_date("Thu, 07 Apr 2005 22:13:13 +0200").as_deref(),
        Some("2005-04-07")
    );
    assert_eq!(date_of_git_date("yesterday"), None);
}

#[test]
fn removing_two_adjacent_stale_entries_at_the_end() {
    let e1 = entry(
        &[diff("reg.json", Kind::Registry, Some(R1), Some(R2))],
        Metadata::Record,
    )
    .unwrap();
    let e2 = entry(
        &[diff("reg.json", Kind::Registry, Some(R2), Some(R_META))],
        Metadata::Record,
    )
    .unwrap();
    let base = format!("{HEADER}\nA note.\n");
    let one = write(reconcile(&base, &base, Some(&e1)));
    let two = format!("{one}\n{}", e2.render());
    assert_eq!(parse(&two).len(), 2);
    assert_eq!(write(reconcile(&base, &two, None)), base);
}

#[test]
fn entries_a_person_staged_are_kept_and_only_the_stale_one_goes() {
    let e1 = entry(
        &[diff("reg.json", Kind::Registry, Some(R1), Some(R2))],
        Metadata::Record,
    )
    .unwrap();
    let e2 = entry(
        &[diff("reg.json", Kind::Registry, Some(R1), Some(R_META))],
        Metadata::Record,
    )
    .unwrap();
    let base = HEADER.to_string();
    let staged = format!("{HEADER}\n{}\n{}", e1.render(), e2.render());
    assert_eq!(
        unexplained(&base, &staged, None),
        vec![e1.fingerprint, e2.fingerprint]
    );
    // e1 is theirs (say, rebuilt from history): only e2 goes, and nothing is appended.
    let kept = write(reconcile_keeping(&base, &staged, None, &[e1.fingerprint]));
    let found = parse(&kept);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].fingerprint, e1.fingerprint);
    // Everything theirs and nothing to record: untouched.
    assert_eq!(
        reconcile_keeping(&base, &staged, None, &[e1.fingerprint, e2.fingerprint]),
        Reconciled::Unchanged
    );
}

/// A small deterministic generator (xorshift), for the property below.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// An id drawn from the characters that can break a Markdown line or a terminal.
    fn id(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "-",
            " ",
            "`",
            "``",
            "\n",
            "\r",
            "\r\n",
            "## ",
            "### `",
            "<!-- git-audit:entry ",
            " -->",
            "- fingerprint: `",
            "<script>",
            "&",
            "|",
            "\u{1b}]0;x\u{7}",
            "\u{1b}[31m",
            "\u{9b}",
            "\u{7f}",
            "\u{202e}",
            "\u{2028}",
            "é",
            "→",
            "\\",
            "/",
            "~1",
            "(",
            ")",
            "` (",
        ];
        let n = 1 + self.next() % 6;
        (0..n)
            .map(|_| PIECES[(self.next() % PIECES.len() as u64) as usize])
            .collect()
    }
}

#[test]
fn arbitrary_ids_round_trip_through_record_and_verify() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    for round in 0..400 {
        let ids: Vec<String> = (0..3).map(|_| g.id()).collect();
        let path = g.id();
        let domains = |ids: &[String], tempo: i64| {
            let list: Vec<serde_json::Value> = ids
                .iter()
                .map(|id| serde_json::json!({ "id": id, "name": id, "tempo": tempo }))
                .collect();
            serde_json::json!({ "domains": list }).to_string()
        };
        let before = domains(&ids[..1], 1);
        let after = domains(&ids, 2);
        let d = diff(&path, Kind::Registry, Some(&before), Some(&after));
        let Some(e) = entry(std::slice::from_ref(&d), Metadata::Record) else {
            continue;
        };
        let base = format!("{HEADER}\n");
        let text = write(reconcile(&base, &base, Some(&e)));
        // Record → parse: exactly one entry, the whole of it, with its fingerprint.
        let found = parse(&text);
        assert_eq!(found.len(), 1, "round {round}: {text}");
        assert_eq!(found[0].fingerprint, e.fingerprint, "round {round}");
        assert_eq!(&text[found[0].span.clone()], e.render(), "round {round}");
        // Paths are shown escaped; the hashes are read back as written.
        let hashes =
            |t: &[Transition]| -> Vec<_> { t.iter().map(|t| (t.before, t.after)).collect() };
        assert_eq!(
            hashes(&found[0].transitions),
            hashes(&e.transitions()),
            "round {round}"
        );
        // Every line is one of the entry's own: none started by an id.
        for line in e.render().lines() {
            assert!(
                !line.contains('\u{1b}') && !line.contains('\r'),
                "round {round}: {line:?}"
            );
        }
        // Idempotent, and verify agrees with what was recorded.
        assert_eq!(reconcile(&base, &text, Some(&e)), Reconciled::Unchanged);
        let recorded = Recorded {
            commit: crate::core::snapshot::CommitInfo {
                id: "0".repeat(40),
                summary: "s".into(),
                parent: None,
                parents: Vec::new(),
                author: "A <a@x>".into(),
                author_time: 0,
                author_offset: 0,
            },
            path: "EVOLUTION.md".into(),
            text: text.clone(),
            parent_text: base.clone(),
            evidence: Evidence::Changes(vec![d.clone()]),
        };
        assert_eq!(
            verify(&recorded, Metadata::Record),
            vec![],
            "round {round}: {text}"
        );
        // A later commit with no change of its own removes nothing.
        assert_eq!(reconcile(&text, &text, None), Reconciled::Unchanged);
    }
}

#[test]
fn parse_changed_agrees_with_parsing_in_full() {
    let marker = |i: usize| format!("<!-- git-audit:entry {:064x} -->\n", i);
    let entry = |i: usize| format!("## entry {i}\n\n- x\n\n{}\n", marker(i));
    let history: String = (0..200).map(entry).collect();
    let full = |base: &str, now: &str| {
        let (b, n) = (parse(base), parse(now));
        (added(&b, &n), added(&n, &b))
    };
    let changed = |base: &str, now: &str| {
        let (b, n) = parse_changed(base, now);
        (added(&b, &n), added(&n, &b))
    };
    let cases = [
        // Appended: one entry, two entries, a duplicate of an old entry.
        (history.clone(), format!("{history}{}", entry(200))),
        (
            history.clone(),
            format!("{history}{}{}", entry(200), entry(201)),
        ),
        (history.clone(), format!("{history}{}", entry(3))),
        // The base ends inside an entry whose marker the next commit adds.
        (
            format!("{history}## entry 300\n\n- x\n"),
            format!("{history}## entry 300\n\n- x\n\n{}", marker(300)),
        ),
        // Not an append: an old entry removed, one rewritten.
        (history.clone(), history.replacen(&entry(5), "", 1)),
        (
            history.clone(),
            history.replacen(&marker(7), &marker(700), 1),
        ),
        // Nothing changed.
        (history.clone(), history.clone()),
    ];
    for (base, now) in &cases {
        assert_eq!(full(base, now), changed(base, now));
    }
    // Only the tail after the base's last heading is parsed.
    let (b, n) = parse_changed(&cases[3].0, &cases[3].1);
    assert_eq!((b.len(), n.len()), (0, 1));
    assert_eq!(n[0].span.start, history.len());
}

#[test]
fn the_impact_line_round_trips_and_leaves_the_fingerprint_alone() {
    use crate::core::impact::Level;
    let d = diff("reg.json", Kind::Registry, Some(R1), Some(R2));
    let plain = entry(std::slice::from_ref(&d), Metadata::Record).unwrap();
    let mut with = plain.clone();
    with.parts[0].impact = Some((Level::Minor, 7));
    let text = with.render();
    assert!(
        text.contains(
            "- domains: 2 → 3 (added 1, removed 0, changed 2)\n- impact: minor (score 7)\n"
        ),
        "{text}"
    );
    let found = parse(&text);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].impacts,
        [("reg.json".to_string(), Level::Minor, 7)]
    );
    assert_eq!(found[0].fingerprint, plain.fingerprint);
    assert_eq!(found[0].transitions, plain.transitions());
    // Entries written before impact lines existed parse with none.
    assert!(parse(&plain.render())[0].impacts.is_empty());
}
