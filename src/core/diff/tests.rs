//! Unit tests of the structural diff (registries, sequences, any JSON).

use super::*;
use crate::core::json::{parse, Limits};

fn node(text: &str) -> Node<'_> {
    parse(text.as_bytes(), &Limits::default()).unwrap()
}

fn items(s: &Structure) -> Vec<String> {
    s.items
        .iter()
        .map(|i| {
            let mut line = format!(
                "{} {:?} {} {}",
                i.change.as_str(),
                i.kind,
                i.id,
                i.class.as_str()
            );
            for c in &i.changes {
                line.push_str(&format!(
                    " [{:?} {} {} -> {} {}]",
                    c.op,
                    c.pointer,
                    c.before,
                    c.after,
                    c.class.as_str()
                ));
            }
            line
        })
        .collect()
}

const REG_A: &str = r#"{
  "metadata": {"version": "1.0.0"},
  "domains": [
    {"id": "a", "name": "A", "tempo": 120, "sketch": {"title": "A", "phases": [{"name": "p", "items": ["x"]}]}},
    {"id": "b", "name": "B", "tempo": 100},
    {"id": "c", "name": "C", "tempo": 90}
  ]
}"#;

#[test]
fn registry_domains_by_id_with_classes() {
    let b = node(REG_A);
    let a = node(
        r#"{
  "metadata": {"version": "1.1.0"},
  "domains": [
    {"id": "a", "name": "A2", "tempo": 120, "sketch": {"title": "A", "phases": [{"name": "p", "items": ["x", "y"]}]}},
    {"id": "c", "name": "C", "tempo": 90},
    {"id": "d", "name": "D", "tempo": 60},
    {"id": "b", "name": "B", "tempo": 100, "description": "new"}
  ]
}"#,
    );
    let s = structure(Kind::Registry, "id", Some(&b), Some(&a));
    assert_eq!(
        s.summary,
        Summary {
            unit: "domains",
            before: 3,
            after: 4,
            added: 1,
            removed: 0,
            changed: 2,
            unchanged: 1
        }
    );
    assert_eq!(
        items(&s),
        [
            "changed Member metadata metadata [Changed /version \"1.0.0\" -> \"1.1.0\" metadata]",
            "changed Domain a structural [Changed /name \"A\" -> \"A2\" metadata] [Added /sketch/phases/0/items/1 null -> \"y\" structural]",
            "added Domain d structural",
            "changed Domain b metadata [Added /description null -> \"new\" metadata]",
        ]
    );
    assert_eq!(s.items[2].pointer.to_string(), "/domains/2");
    assert_eq!(s.class(), Some(Class::Structural));
    assert!(s.problems.is_empty());
}

#[test]
fn registry_removed_domain_points_into_the_before_document() {
    let b = node(REG_A);
    let a = node(
        r#"{"metadata": {"version": "1.0.0"}, "domains": [{"id": "c", "name": "C", "tempo": 90}]}"#,
    );
    let s = structure(Kind::Registry, "id", Some(&b), Some(&a));
    assert_eq!(
        items(&s),
        ["removed Domain a structural", "removed Domain b structural"]
    );
    assert_eq!(s.items[1].pointer.to_string(), "/domains/1");
    assert_eq!((s.summary.removed, s.summary.unchanged), (2, 1));
}

#[test]
fn registry_missing_and_duplicate_ids_are_reported_not_merged() {
    let b = node(r#"{"domains": [{"id": "a", "v": 1}, {"id": "a", "v": 2}, {"name": "anon"}]}"#);
    let a = node(r#"{"domains": [{"id": "a", "v": 1}, {"id": "a", "v": 3}, {"name": "anon2"}]}"#);
    let s = structure(Kind::Registry, "id", Some(&b), Some(&a));
    assert_eq!(
        items(&s),
        [
            "changed Domain a (#2) structural [Changed /v 2 -> 3 structural]",
            "changed Domain (no id #1) metadata [Changed /name \"anon\" -> \"anon2\" metadata]",
        ]
    );
    assert_eq!(s.summary.before, 3);
    assert_eq!(s.summary.after, 3);
    let messages: Vec<_> = s
        .problems
        .iter()
        .map(|p| format!("{:?} {} {}", p.side, p.pointer, p.message))
        .collect();
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert!(
        messages[0].contains("duplicate domain \"a\""),
        "{messages:#?}"
    );
    assert!(messages[1].contains("has no string `id`"), "{messages:#?}");
}

#[test]
fn whole_registry_added() {
    let a = node(REG_A);
    let s = structure(Kind::Registry, "id", None, Some(&a));
    assert_eq!(s.summary.added, 3);
    assert_eq!(s.summary.before, 0);
    assert_eq!(
        items(&s)[1..],
        [
            "added Domain a structural",
            "added Domain b structural",
            "added Domain c structural"
        ]
    );
}

const SEQ_A: &str = r#"{
  "id": "copy", "name": "Copy",
  "movements": [
    {"id": "m1", "name": "One", "beats": [
      {"beat": 1, "event": "e:one", "handler": "h1", "title": "T1"},
      {"beat": 2, "event": "e:two", "handler": "h2"}
    ]},
    {"id": "m2", "beats": [{"event": "e:x", "handler": "hx"}]}
  ]
}"#;

#[test]
fn sequence_movements_and_beats() {
    let b = node(SEQ_A);
    let a = node(
        r#"{
  "id": "copy", "name": "Copy!",
  "movements": [
    {"id": "m1", "name": "One", "beats": [
      {"beat": 1, "event": "e:one", "handler": "h1-renamed", "title": "T1 new"},
      {"beat": 2, "event": "e:two", "handler": "h2"},
      {"beat": 3, "event": "e:three", "handler": "h3"}
    ]},
    {"id": "m3", "beats": []}
  ]
}"#,
    );
    let s = structure(Kind::Sequence, "id", Some(&b), Some(&a));
    assert_eq!(
        items(&s),
        [
            "changed Sequence copy metadata [Changed /name \"Copy\" -> \"Copy!\" metadata]",
            "changed Beat m1/1 structural [Changed /handler \"h1\" -> \"h1-renamed\" structural] [Changed /title \"T1\" -> \"T1 new\" metadata]",
            "added Beat m1/3 structural",
            "added Movement m3 structural",
            "removed Movement m2 structural",
            "removed Beat m2/e:x structural",
        ]
    );
    assert_eq!(
        (s.summary.added, s.summary.removed, s.summary.unchanged),
        (1, 1, 1)
    );
    let beats = s.beats.unwrap();
    assert_eq!(
        (
            beats.before,
            beats.after,
            beats.added,
            beats.removed,
            beats.changed,
            beats.unchanged
        ),
        (3, 3, 1, 1, 1, 1)
    );
}

#[test]
fn sequence_movements_without_ids_match_by_position() {
    let b = node(r#"{"movements": [{"name": "a", "beats": []}, {"name": "b", "beats": []}]}"#);
    let a = node(r#"{"movements": [{"name": "a", "beats": []}, {"name": "b2", "beats": []}]}"#);
    let s = structure(Kind::Sequence, "id", Some(&b), Some(&a));
    assert_eq!(
        items(&s),
        ["changed Movement #2 metadata [Changed /name \"b\" -> \"b2\" metadata]"]
    );
}

#[test]
fn beat_event_changes_are_visible() {
    let b = node(r#"{"movements": [{"id": "m", "beats": [{"number": 1, "event": "a:b"}]}]}"#);
    let a = node(r#"{"movements": [{"id": "m", "beats": [{"number": 1, "event": "a:c"}]}]}"#);
    let s = structure(Kind::Sequence, "id", Some(&b), Some(&a));
    assert_eq!(
        items(&s),
        ["changed Beat m/1 structural [Changed /event \"a:b\" -> \"a:c\" structural]"]
    );
}

#[test]
fn non_array_collections_are_problems() {
    let b = node(r#"{"domains": {}}"#);
    let a = node(r#"{"domains": []}"#);
    let s = structure(Kind::Registry, "id", Some(&b), Some(&a));
    assert_eq!(s.problems.len(), 1);
    assert!(s.problems[0].message.contains("not an array"));
}

#[test]
fn json_members_and_scalar_roots() {
    let b = node(r#"{"a": 1, "b": {"c": [1, 2, 3]}}"#);
    let a = node(r#"{"b": {"c": [1, 9, 2, 3]}, "z": true}"#);
    let s = structure(Kind::Json, "id", Some(&b), Some(&a));
    assert_eq!(
        items(&s),
        [
            "removed Member a structural [Removed  1 -> null structural]",
            "changed Member b structural [Added /c/1 null -> 9 structural]",
            "added Member z structural [Added  null -> true structural]",
        ]
    );
    let s = structure(Kind::Json, "id", Some(&node("[1]")), Some(&node("[1,2]")));
    assert_eq!(
        items(&s),
        ["changed Member  structural [Added /1 null -> 2 structural]"]
    );
}

#[test]
fn unchanged_artifact_is_counted_not_diffed() {
    let b = node(REG_A);
    let h = crate::core::artifact::Hashes {
        raw: crate::core::json::canonical::sha256(b"x"),
        canonical: crate::core::json::canonical::hash(&b),
        size: 1,
    };
    let h2 = crate::core::artifact::Hashes {
        raw: crate::core::json::canonical::sha256(b"y"),
        ..h
    };
    let d = ArtifactDiff::build(
        "r.json",
        Kind::Registry,
        "id",
        Some((&h, &b)),
        Some((&h2, &b)),
    );
    assert_eq!(d.status, Status::Unchanged);
    assert!(d.raw_only);
    assert!(d.items.is_empty());
    assert_eq!(d.summary.unchanged, 3);
}

#[test]
fn huge_registry_reports_only_the_changed_domains() {
    let n = 50_000;
    let registry = |changed: &[usize]| {
        let domains: Vec<String> = (0..n)
            .map(|i| {
                let tempo = if changed.contains(&i) { 999 } else { 120 };
                format!(r#"{{"id": "d{i}", "name": "D{i}", "tempo": {tempo}}}"#)
            })
            .collect();
        format!(r#"{{"domains": [{}]}}"#, domains.join(",\n"))
    };
    let (before, after) = (registry(&[]), registry(&[17, 42_424]));
    let s = structure(
        Kind::Registry,
        "id",
        Some(&node(&before)),
        Some(&node(&after)),
    );
    assert_eq!(
        items(&s),
        [
            "changed Domain d17 structural [Changed /tempo 120 -> 999 structural]",
            "changed Domain d42424 structural [Changed /tempo 120 -> 999 structural]"
        ]
    );
    assert_eq!((s.summary.changed, s.summary.unchanged), (2, n - 2));
}
