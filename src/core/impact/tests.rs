//! Unit tests of impact levels, scores, semantic splitting and the impact rules.

use super::*;
use crate::core::artifact::Hashes;
use crate::core::json::{canonical, parse, Limits};

fn tree(text: &str) -> Node<'_> {
    parse(text.as_bytes(), &Limits::default()).unwrap()
}

fn diff(kind: Kind, before: Option<&str>, after: Option<&str>) -> (ArtifactDiff, Categories) {
    let b = before.map(tree);
    let a = after.map(tree);
    let h = |n: &Node<'_>| Hashes {
        raw: canonical::hash(n),
        canonical: canonical::hash(n),
        size: 0,
    };
    let bh = b.as_ref().map(h);
    let ah = a.as_ref().map(h);
    let d = ArtifactDiff::build(
        "x.json",
        kind,
        "id",
        bh.as_ref().zip(b.as_ref()),
        ah.as_ref().zip(a.as_ref()),
    );
    let cats = Categories::merge(
        a.as_ref()
            .map(|n| Categories::of(kind, n))
            .unwrap_or_default(),
        b.as_ref()
            .map(|n| Categories::of(kind, n))
            .unwrap_or_default(),
    );
    (d, cats)
}

fn assess(kind: Kind, before: &str, after: &str) -> ArtifactImpact {
    let (d, c) = diff(kind, Some(before), Some(after));
    artifact(&d, &c, &Impact::default())
}

fn item<'a>(a: &'a ArtifactImpact, id: &str, semantic: bool) -> &'a ItemImpact {
    a.items
        .iter()
        .find(|i| i.id == id && i.semantic == semantic)
        .unwrap_or_else(|| panic!("no item {id} (semantic {semantic}) in {a:#?}"))
}

const REG: &str = r#"{"metadata": {"version": "1.0.0"}, "domains": [
  {"id": "a", "category": "plugin", "name": "A", "movements": 3, "beats": 9, "tempo": 120},
  {"id": "o", "category": "orchestration", "name": "O", "movements": 2, "beats": 4},
  {"id": "gone", "category": "plugin"}
]}"#;

#[test]
fn removal_is_major_addition_minor_and_orchestration_weighs_double() {
    let after = r#"{"metadata": {"version": "1.0.0"}, "domains": [
      {"id": "a", "category": "plugin", "name": "A", "movements": 3, "beats": 9, "tempo": 120},
      {"id": "o", "category": "orchestration", "name": "O", "movements": 2, "beats": 4},
      {"id": "new", "category": "orchestration"}
    ]}"#;
    let a = assess(Kind::Registry, REG, after);
    let gone = item(&a, "gone", false);
    assert_eq!(
        (gone.change, gone.level, gone.score),
        (Reason::Removal, Level::Major, 10)
    );
    let new = item(&a, "new", false);
    assert_eq!(
        (new.change, new.level, new.score),
        (Reason::Addition, Level::Minor, 6)
    );
    assert_eq!(new.category.as_deref(), Some("orchestration"));
    assert_eq!((a.level, a.score), (Level::Major, 16));
}

#[test]
fn a_count_decrease_is_minor_even_when_the_domain_survives() {
    let after = REG.replace(
        r#""movements": 3, "beats": 9"#,
        r#""movements": 1, "beats": 2"#,
    );
    let a = assess(Kind::Registry, REG, &after);
    let d = item(&a, "a", false);
    assert_eq!(
        (d.change, d.level, d.score),
        (Reason::Decrease, Level::Minor, 10)
    );
    assert_eq!(d.fields, ["/beats", "/movements"]);
    // An increase is an ordinary structural change: a patch.
    let up = REG.replace(r#""movements": 3"#, r#""movements": 4"#);
    let a = assess(Kind::Registry, REG, &up);
    let d = item(&a, "a", false);
    assert_eq!(
        (d.change, d.level, d.score),
        (Reason::Structural, Level::Patch, 2)
    );
}

#[test]
fn semantic_changes_are_listed_apart_from_structural_ones() {
    let after = REG
        .replace(r#""name": "A""#, r#""name": "A renamed""#)
        .replace(r#""tempo": 120"#, r#""tempo": 90"#);
    let a = assess(Kind::Registry, REG, &after);
    let s = item(&a, "a", true);
    assert_eq!(
        (s.change, s.level, s.score),
        (Reason::Metadata, Level::Patch, 1)
    );
    assert_eq!(s.fields, ["/name"]);
    let st = item(&a, "a", false);
    assert_eq!((st.change, st.level), (Reason::Structural, Level::Patch));
    assert_eq!(st.fields, ["/tempo"]);
}

#[test]
fn a_handler_or_event_rename_is_major_and_a_removed_beat_too() {
    let before = r#"{"id": "s", "category": "plugin", "movements": [{"id": "m", "beats": [
        {"beat": 1, "handler": "h", "event": "a:b"}, {"beat": 2, "handler": "x"}]}]}"#;
    let after = r#"{"id": "s", "category": "plugin", "movements": [{"id": "m", "beats": [
        {"beat": 1, "handler": "h2", "event": "a:b"}]}]}"#;
    let a = assess(Kind::Sequence, before, after);
    let r = item(&a, "m/1", false);
    assert_eq!(
        (r.change, r.level, r.score),
        (Reason::Rename, Level::Major, 8)
    );
    let gone = item(&a, "m/2", false);
    assert_eq!((gone.change, gone.level), (Reason::Removal, Level::Major));
    assert_eq!(a.level, Level::Major);
}

#[test]
fn the_version_itself_is_no_change_and_metadata_is_a_patch() {
    let after = REG.replace("1.0.0", "1.1.0");
    let a = assess(Kind::Registry, REG, &after);
    assert!(a.items.is_empty(), "{a:#?}");
    assert_eq!(a.level, Level::None);
    let after = REG.replace(
        r#"{"version": "1.0.0"}"#,
        r#"{"version": "1.0.0", "owner": "x"}"#,
    );
    let a = assess(Kind::Registry, REG, &after);
    let m = item(&a, "metadata", false);
    assert_eq!(
        (m.change, m.level, m.score),
        (Reason::Metadata, Level::Patch, 1)
    );
}

#[test]
fn whole_artifacts_added_and_removed() {
    let (d, c) = diff(
        Kind::Sequence,
        None,
        Some(r#"{"id": "s", "category": "orchestration", "movements": []}"#),
    );
    let a = artifact(&d, &c, &Impact::default());
    assert_eq!(a.items.len(), 1);
    assert_eq!(
        (a.items[0].kind, a.level, a.score),
        ("artifact", Level::Minor, 6)
    );
    let (d, c) = diff(Kind::Registry, Some(REG), None);
    let a = artifact(&d, &c, &Impact::default());
    assert_eq!((a.level, a.score), (Level::Major, 10));
}

#[test]
fn weights_and_factors_are_configurable() {
    let mut config = Impact::default();
    config.weights.removal = 100;
    config.categories.insert("plugin".into(), 0.5);
    let after = REG.replace(
        r#",
  {"id": "gone", "category": "plugin"}"#,
        "",
    );
    let (d, c) = diff(Kind::Registry, Some(REG), Some(&after));
    let a = artifact(&d, &c, &config);
    assert_eq!(item(&a, "gone", false).score, 50);
}

fn commit_of(level_after: &str) -> (CommitImpact, Vec<Versions>) {
    let after = REG
        .replace(
            r#",
  {"id": "gone", "category": "plugin"}"#,
            "",
        )
        .replace("1.0.0", level_after);
    let (d, c) = diff(Kind::Registry, Some(REG), Some(&after));
    let cats = BTreeMap::from([("x.json".to_string(), c)]);
    let impact = commit("c1", &[d], &cats, &Impact::default());
    let versions = vec![Versions {
        path: "x.json".into(),
        before: Some(Some("1.0.0".into())),
        after: Some(level_after.into()),
    }];
    (impact, versions)
}

#[test]
fn version_bump_missing_needs_enforcement_and_at_least_the_level() {
    let (impact, versions) = commit_of("1.1.0");
    assert_eq!(impact.level, Level::Major);
    // Off by default.
    assert!(findings(&impact, &versions, &Impact::default()).is_empty());
    let on = Impact {
        enforce_version_bump: true,
        ..Impact::default()
    };
    let f = findings(&impact, &versions, &on);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, RuleId::VersionBumpMissing);
    assert!(
        f[0].message.contains("needs at least 2.0.0"),
        "{}",
        f[0].message
    );
    assert!(f[0].message.contains("(a minor step)"), "{}", f[0].message);
    let (impact, versions) = commit_of("2.0.0");
    assert!(findings(&impact, &versions, &on).is_empty());
    let (impact, versions) = commit_of("banana");
    let f = findings(&impact, &versions, &on);
    assert!(
        f[0].message.contains("not a MAJOR.MINOR.PATCH"),
        "{}",
        f[0].message
    );
}

#[test]
fn impact_threshold_fires_above_the_maximum_only() {
    let (impact, versions) = commit_of("2.0.0");
    assert_eq!(impact.score, 10);
    let at = |max| Impact {
        max_score: Some(max),
        ..Impact::default()
    };
    assert!(findings(&impact, &versions, &at(10)).is_empty());
    let f = findings(&impact, &versions, &at(9));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, RuleId::ImpactThreshold);
    assert!(
        f[0].message.contains("removal gone (10)"),
        "{}",
        f[0].message
    );
}

#[test]
fn raised_and_bumped() {
    assert_eq!(raised((1, 0, 0), (2, 0, 0)), Level::Major);
    assert_eq!(raised((1, 0, 0), (1, 1, 0)), Level::Minor);
    assert_eq!(raised((1, 2, 3), (1, 2, 4)), Level::Patch);
    assert_eq!(raised((1, 2, 3), (1, 2, 3)), Level::None);
    assert_eq!(raised((2, 0, 0), (1, 9, 9)), Level::None);
    assert_eq!(bump("1.2.3", Level::Minor).as_deref(), Some("1.3.0"));
    assert_eq!(semver("v1.2.3-rc.1"), Some((1, 2, 3)));
    assert_eq!(semver("1.2"), None);
}

#[test]
fn bump_checks_judge_each_registry_that_existed_before() {
    let v = |before: Option<Option<&str>>, after: Option<&str>| Versions {
        path: "r.json".into(),
        before: before.map(|b| b.map(str::to_string)),
        after: after.map(str::to_string),
    };
    let verdicts = |level| -> Vec<Verdict> {
        bump_checks(
            |_| level,
            &[
                v(Some(Some("1.0.0")), Some("1.1.0")),
                v(Some(Some("1.0.0")), Some("x")),
                v(Some(None), Some("1.0.0")),
                v(None, Some("9.9.9")),
            ],
        )
        .iter()
        .map(|c| c.verdict)
        .collect()
    };
    assert_eq!(
        verdicts(Level::Minor),
        [
            Verdict::Enough,
            Verdict::AfterNotSemver,
            Verdict::BeforeNotSemver
        ]
    );
    assert_eq!(verdicts(Level::Major)[0], Verdict::TooSmall);
    assert_eq!(verdicts(Level::None), [Verdict::Enough; 3]);
}
