//! The gate without git: facts built by hand from small JSON texts, the way `commands::check`
//! gathers them (only what `select` names is read).

use super::*;
use crate::core::config::Config;
use crate::core::json::canonical::sha256;
use crate::core::rules::RuleId;

const TODAY: &str = "2026-06-01";

const BASE: &str = r#"
[[artifact]]
path = "reg.json"
kind = "registry"

[[artifact]]
path = "seq/*.json"
kind = "sequence"

[[artifact]]
path = "data/*.json"
kind = "json"
schema = "schemas/data.json"
"#;

const REG: &str = r#"{"domains": []}"#;
const BROKEN: &str = r#"{"domains": ["#;
const SEQ_A: &str = r#"{"id": "s", "movements": [{"id": "m", "beats": [
  {"beat": 1, "event": "a:one", "handler": "h1"}]}]}"#;
const SEQ_A2: &str = r#"{"id": "s", "movements": [{"id": "m", "beats": [
  {"beat": 1, "event": "a:one", "handler": "h1"},
  {"beat": 2, "event": "a:two", "handler": "h2"}]}]}"#;
const SEQ_OTHER: &str = r#"{"id": "t", "movements": []}"#;
const SEQ_OTHER2: &str = r#"{"id": "t", "movements": [{"id": "n", "beats": []}]}"#;
const SCHEMA: &str = r#"{"type": "object", "required": ["name"]}"#;

fn config() -> Config {
    Config::parse(BASE, "audit.toml").expect("test configuration parses")
}

type Files<'a> = [(&'a str, &'a str)];

/// What `commands::check::gather` would read from two snapshots holding these files.
fn facts(config: &Config, before: &Files<'_>, after: &Files<'_>, scope: Scope) -> Facts {
    let listed_of = |files: &Files<'_>| -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .filter(|(p, _)| listed(config, p))
            .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
            .collect()
    };
    let b = listed_of(before);
    let a = listed_of(after);
    let changed: BTreeSet<String> = b
        .keys()
        .chain(a.keys())
        .filter(|p| b.get(*p) != a.get(*p))
        .cloned()
        .collect();
    let present: BTreeSet<String> = a.keys().cloned().collect();
    let text = |path: &str| after.iter().find(|(p, _)| *p == path).map(|(_, t)| *t);
    let lockfile = text(lockfile::FILE_NAME).map(|t| Lockfile::parse(t, "audit.lock").unwrap());
    let lock_before = before
        .iter()
        .find(|(p, _)| *p == lockfile::FILE_NAME)
        .and_then(|(_, t)| Lockfile::parse(t, "audit.lock").ok());
    let selection = select(
        config,
        &present,
        &changed,
        lockfile.as_ref(),
        lock_before.as_ref(),
        scope,
    );
    let read = |p: &String| (p.clone(), Ok(a[p].clone()));
    Facts {
        source: Source::Index,
        commit: None,
        documents: a.keys().filter(|p| selection.reads(p)).map(read).collect(),
        removed: b
            .iter()
            .filter(|(p, _)| !a.contains_key(*p) && config.governing(p).is_some())
            .map(|(p, t)| (p.clone(), Ok(t.clone())))
            .collect(),
        plans: selection.plans.iter().map(read).collect(),
        schemas: selection
            .schemas
            .iter()
            .map(|p| (p.clone(), text(p).map(|t| t.as_bytes().to_vec())))
            .collect(),
        paths: selection
            .all_paths
            .then(|| after.iter().map(|(p, _)| p.to_string()).collect()),
        waivers: text(&config.waivers).map_or(Ok(Vec::new()), |t| {
            suppress::parse_waivers(t, "audit-waivers.toml")
        }),
        baseline: text(&config.baseline).map_or(Ok(suppress::Baseline::default()), |t| {
            suppress::parse_baseline(t, "audit-baseline.json")
        }),
        present,
        changed,
        lockfile,
        selection,
        today: TODAY.into(),
        impact: Vec::new(),
        docs: Vec::new(),
        known: BTreeMap::new(),
    }
}

fn run(config: &Config, before: &Files<'_>, after: &Files<'_>, scope: Scope) -> Outcome {
    check(config, &facts(config, before, after, scope), scope).expect("the check runs")
}

/// `rule path` of every finding of `rule`.
fn found(outcome: &Outcome, rule: RuleId) -> Vec<String> {
    outcome
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| format!("{} {}", f.rule, f.path))
        .collect()
}

#[test]
fn a_changed_invalid_registry_is_a_json_syntax_error() {
    let c = config();
    let out = run(
        &c,
        &[("reg.json", REG)],
        &[("reg.json", BROKEN)],
        Scope::CHANGES,
    );
    assert_eq!(found(&out, RuleId::JsonSyntax), ["json-syntax reg.json"]);
    assert_eq!(out.checked, 1);
    assert!(out.findings.iter().any(Finding::blocks));
}

#[test]
fn an_unchanged_artifact_is_reported_only_when_everything_is_checked() {
    let c = config();
    let files = [
        ("reg.json", BROKEN),
        ("data/d.json", "{}"),
        ("schemas/data.json", SCHEMA),
    ];
    let out = run(&c, &files, &files, Scope::CHANGES);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert_eq!(out.checked, 0);

    let out = run(&c, &files, &files, Scope::EVERYTHING);
    assert_eq!(found(&out, RuleId::JsonSyntax), ["json-syntax reg.json"]);

    // A changed audit.toml re-checks everything it governs.
    let mut after = files.to_vec();
    after.push((config::FILE_NAME, "# edited"));
    let out = run(&c, &files, &after, Scope::CHANGES);
    assert_eq!(found(&out, RuleId::JsonSyntax), ["json-syntax reg.json"]);
}

#[test]
fn unchanged_artifacts_are_not_read() {
    let c = config();
    let before = [
        ("reg.json", REG),
        ("seq/a.json", SEQ_A),
        ("data/d.json", "{}"),
    ];
    let after = [
        ("reg.json", REG),
        ("seq/a.json", SEQ_A),
        ("data/d.json", "[]"),
    ];
    let f = facts(&c, &before, &after, Scope::CHANGES);
    assert_eq!(f.documents.keys().collect::<Vec<_>>(), ["data/d.json"]);
    assert!(f.paths.is_none());
    assert_eq!(
        f.schemas.keys().collect::<Vec<_>>(),
        ["schemas/data.json"],
        "the target's schema is read"
    );

    // A changed sequence brings in the world of registries and sequences, and every path.
    let after = [
        ("reg.json", REG),
        ("seq/a.json", SEQ_A2),
        ("data/d.json", "{}"),
    ];
    let f = facts(&c, &before, &after, Scope::CHANGES);
    assert_eq!(
        f.documents.keys().collect::<Vec<_>>(),
        ["reg.json", "seq/a.json"]
    );
    assert!(f.paths.is_some());
    let out = check(&c, &f, Scope::CHANGES).unwrap();
    assert_eq!(out.checked, 1, "the registry is read, not checked");
}

#[test]
fn a_cross_artifact_finding_needs_a_change_it_involves() {
    let c = config();
    // seq/b.json declares the id seq/a.json already has: the finding is on b, involving a.
    let before = [
        ("reg.json", REG),
        ("seq/a.json", SEQ_A),
        ("seq/b.json", SEQ_A),
        ("seq/t.json", SEQ_OTHER),
    ];
    let dup = ["sequence-id-duplicate seq/b.json"];

    let mut after = before.to_vec();
    after[1].1 = SEQ_A2;
    let out = run(&c, &before, &after, Scope::CHANGES);
    assert_eq!(found(&out, RuleId::SequenceIdDuplicate), dup);

    // Another sequence changed: the world is read, but neither a nor b changed.
    let mut after = before.to_vec();
    after[3].1 = SEQ_OTHER2;
    let out = run(&c, &before, &after, Scope::CHANGES);
    assert!(found(&out, RuleId::SequenceIdDuplicate).is_empty());

    let out = run(&c, &before, &before, Scope::EVERYTHING);
    assert_eq!(found(&out, RuleId::SequenceIdDuplicate), dup);
}

#[test]
fn a_changed_lockfile_reports_its_stale_entries() {
    let c = config();
    let mut lf = Lockfile::default();
    lf.set_lock("seq/gone.json", sha256(b"x"));
    let lock = lf.render();
    let stale = |out: &Outcome| {
        out.findings
            .iter()
            .any(|f| f.rule == RuleId::LockfileMismatch && f.message.contains("seq/gone.json"))
    };

    let before = [("reg.json", REG)];
    let after = [("reg.json", REG), (lockfile::FILE_NAME, lock.as_str())];
    assert!(stale(&run(&c, &before, &after, Scope::CHANGES)));

    // Unchanged, and nothing governed removed: not reported.
    assert!(!stale(&run(&c, &after, &after, Scope::CHANGES)));

    // A governed artifact removed: its lock may be stale.
    let before = [
        ("reg.json", REG),
        ("seq/t.json", SEQ_OTHER),
        (lockfile::FILE_NAME, lock.as_str()),
    ];
    assert!(stale(&run(&c, &before, &after, Scope::CHANGES)));
}

#[test]
fn a_changed_lockfile_makes_its_locked_artifacts_targets() {
    let c = config();
    let mut lf = Lockfile::default();
    lf.set_lock("reg.json", sha256(b"x"));
    let lock = lf.render();
    let before = [("reg.json", BROKEN)];
    let after = [("reg.json", BROKEN), (lockfile::FILE_NAME, lock.as_str())];
    let out = run(&c, &before, &after, Scope::CHANGES);
    assert_eq!(found(&out, RuleId::JsonSyntax), ["json-syntax reg.json"]);
    assert_eq!(out.checked, 1);
}

#[test]
fn a_changed_lockfile_rechecks_only_the_entries_that_changed() {
    // Issue 10: re-locking one file changes audit.lock; the other locked artifacts, unchanged
    // with unchanged entries, were verified when their entries were made and are not re-read.
    let c = config();
    let mut old = Lockfile::default();
    old.set_lock("reg.json", sha256(b"x"));
    old.set_lock("seq/t.json", sha256(b"y"));
    let mut new = old.clone();
    new.set_lock("seq/t.json", sha256(b"z"));
    let (old, new) = (old.render(), new.render());
    let before = [
        ("reg.json", BROKEN),
        ("seq/t.json", SEQ_OTHER),
        (lockfile::FILE_NAME, old.as_str()),
    ];
    let after = [
        ("reg.json", BROKEN),
        ("seq/t.json", SEQ_OTHER),
        (lockfile::FILE_NAME, new.as_str()),
    ];
    let f = facts(&c, &before, &after, Scope::CHANGES);
    assert!(
        f.selection.targets.contains("seq/t.json"),
        "{:?}",
        f.selection
    );
    assert!(
        !f.selection.targets.contains("reg.json"),
        "{:?}",
        f.selection
    );
    let out = run(&c, &before, &after, Scope::CHANGES);
    assert!(found(&out, RuleId::JsonSyntax).is_empty(), "{out:?}");

    // The same entry changed for the registry: it is re-checked.
    let mut relocked = Lockfile::parse(&new, "audit.lock").unwrap();
    relocked.set_lock("reg.json", sha256(b"w"));
    let relocked = relocked.render();
    let after = [
        ("reg.json", BROKEN),
        ("seq/t.json", SEQ_OTHER),
        (lockfile::FILE_NAME, relocked.as_str()),
    ];
    let out = run(&c, &before, &after, Scope::CHANGES);
    assert_eq!(found(&out, RuleId::JsonSyntax), ["json-syntax reg.json"]);
}

#[test]
fn a_waiver_suppresses_a_finding() {
    let c = config();
    let waivers = r#"
[[waiver]]
rule = "json-syntax"
path = "reg.json"
reason = "regenerated next sprint"
owner = "ada@example.com"
expires = 2099-12-31
"#;
    let before = [("reg.json", REG)];
    let after = [("reg.json", BROKEN), (c.waivers.as_str(), waivers)];
    let out = run(&c, &before, &after, Scope::CHANGES);
    let f = out
        .findings
        .iter()
        .find(|f| f.rule == RuleId::JsonSyntax)
        .expect("still reported");
    assert_eq!(f.suppressed.as_ref().map(|s| s.kind), Some("waiver"));
    assert!(!out.findings.iter().any(Finding::blocks));

    // An invalid waivers file stops the check.
    let after = [("reg.json", BROKEN), (c.waivers.as_str(), "[[waiver]]\n")];
    let f = facts(&c, &before, &after, Scope::CHANGES);
    assert!(matches!(
        check(&c, &f, Scope::CHANGES),
        Err(Stop::Suppressions(_))
    ));
}

#[test]
fn ignoring_the_baseline_reports_what_it_hides() {
    let c = config();
    let before = [("reg.json", REG)];
    let after = [("reg.json", BROKEN)];
    let ignore = Scope {
        baseline: Baseline::Ignore,
        ..Scope::CHANGES
    };
    let findings = run(&c, &before, &after, ignore).findings;
    let accepted = suppress::render_baseline(&findings);
    let after = [
        ("reg.json", BROKEN),
        (c.baseline.as_str(), accepted.as_str()),
    ];

    let applied = run(&c, &before, &after, Scope::CHANGES);
    assert!(!applied.findings.is_empty());
    assert!(applied
        .findings
        .iter()
        .all(|f| f.suppressed.as_ref().map(|s| s.kind) == Some("baseline")));

    let ignored = run(&c, &before, &after, ignore);
    assert_eq!(
        found(&ignored, RuleId::JsonSyntax),
        ["json-syntax reg.json"]
    );
    assert!(ignored.findings.iter().any(Finding::blocks));

    // An unreadable baseline stops only a check that applies it.
    let after = [("reg.json", BROKEN), (c.baseline.as_str(), "not json")];
    assert!(check(&c, &facts(&c, &before, &after, ignore), ignore).is_ok());
    let f = facts(&c, &before, &after, Scope::CHANGES);
    assert!(matches!(
        check(&c, &f, Scope::CHANGES),
        Err(Stop::Suppressions(_))
    ));
}

#[test]
fn a_schema_is_needed_only_by_a_target_that_parses() {
    let c = config();
    let before: [(&str, &str); 0] = [];
    // Missing schema: the check cannot run.
    let after = [("data/d.json", "{}")];
    let f = facts(&c, &before, &after, Scope::CHANGES);
    assert_eq!(
        check(&c, &f, Scope::CHANGES).unwrap_err(),
        Stop::Schema {
            message: "the schema schemas/data.json is not in the index".into(),
            hint: "fix `schema` in audit.toml, or commit the schema it names",
        }
    );
    // A target that does not parse is refused before its schema is wanted.
    let after = [("data/d.json", "{")];
    let out = run(&c, &before, &after, Scope::CHANGES);
    assert_eq!(found(&out, RuleId::JsonSyntax), ["json-syntax data/d.json"]);

    // With the schema: its findings.
    let after = [("data/d.json", "{}"), ("schemas/data.json", SCHEMA)];
    let out = run(&c, &before, &after, Scope::CHANGES);
    assert_eq!(found(&out, RuleId::Schema), ["schema data/d.json"]);
}

#[test]
fn only_targets_report_what_could_not_be_read() {
    let c = config();
    let skipped = |path: &str| {
        Err(NotParsed::Skipped(crate::core::report::Skipped {
            path: path.into(),
            reason: "a symbolic link in the index".into(),
            hint: "make it a regular file".into(),
        }))
    };
    let before = [("reg.json", REG), ("seq/a.json", SEQ_A)];
    let after = [("reg.json", REG), ("seq/a.json", SEQ_A2)];
    let mut f = facts(&c, &before, &after, Scope::CHANGES);
    f.documents.insert("reg.json".into(), skipped("reg.json"));
    f.documents
        .insert("seq/a.json".into(), skipped("seq/a.json"));
    let out = check(&c, &f, Scope::CHANGES).unwrap();
    assert_eq!(
        found(&out, RuleId::ArtifactType),
        ["artifact-type seq/a.json"],
        "the unchanged registry is only context"
    );
}

#[test]
fn findings_carry_the_commit_checked() {
    let c = config();
    let mut f = facts(
        &c,
        &[("reg.json", REG)],
        &[("reg.json", BROKEN)],
        Scope::CHANGES,
    );
    f.commit = Some("0123456789abcdef".into());
    let out = check(&c, &f, Scope::CHANGES).unwrap();
    assert!(!out.findings.is_empty());
    assert!(out
        .findings
        .iter()
        .all(|f| f.commit.as_deref() == Some("0123456789abcdef")));
}

#[test]
fn the_tree_walk_reaches_every_listed_file_and_skips_the_rest() {
    let config = Config::parse(
        r#"
[[plan]]
path = "plans/project-plan.json"
ids = "/domainSequences/*/id"

[waivers]
path = "governance/waivers.toml"

[[artifact]]
path = "registry/orchestration-domains.json"
kind = "registry"

[[artifact]]
path = "packages/*/json-sequences/*.json"
kind = "sequence"
schema = "docs/schemas/sequence.schema.json"
"#,
        "audit.toml",
    )
    .expect("test configuration parses");
    for dir in [
        "",
        "registry/",
        "packages/",
        "packages/p/json-sequences/",
        "plans/",
        "governance/",
        "docs/",
        "docs/schemas/",
    ] {
        assert!(may_list(&config, dir), "{dir:?} holds a listed path");
    }
    for dir in ["src/", "docs/generated/", "registry/old/", "plans/archive/"] {
        assert!(!may_list(&config, dir), "{dir:?} holds nothing listed");
    }
}

#[test]
fn a_path_exists_as_a_file_or_as_a_directory_of_one() {
    let paths: BTreeSet<String> = ["a/b/c.json", "a/b-x.json", "d.json", "e/f"]
        .iter()
        .map(|p| p.to_string())
        .collect();
    for yes in ["a/b/c.json", "a/b", "a", "d.json", "e", "e/f"] {
        assert!(holds(&paths, yes), "{yes}");
    }
    for no in ["", "a/b/c", "a/b/", "b", "d", "e/f/g", "a/b-x", "a/c"] {
        assert!(!holds(&paths, no), "{no}");
    }
}
