//! Unit tests of the per-artifact rules and lock checks, on parsed documents without git.

use super::*;
use crate::core::config::Config;
use crate::core::json::canonical::sha256;
use crate::core::rules::RuleId;

const GOOD_REGISTRY: &str = r#"{
  "metadata": {"generated": "2026-01-01"},
  "domains": [
    {"id": "a", "name": "A", "category": "plugin", "tempo": 120, "key": "C", "timeSignature": "4/4"},
    {"id": "b", "name": "B", "category": "plugin", "tempo": 90, "key": "D", "timeSignature": "3/4"}
  ]
}"#;

fn run_with(text: &str, path: &str, config: &Config, lockfile: Option<&Lockfile>) -> Vec<Finding> {
    let art = config.governing(path).expect("governed");
    let limits = Limits::default();
    let parsed = crate::core::artifact::analyze(text.as_bytes(), art, &limits).expect("parses");
    artifact(&Subject {
        path,
        artifact: art,
        bytes: text.as_bytes(),
        lines: &crate::core::json::parse::LineIndex::new(text.as_bytes()),
        parsed: &parsed,
        lockfile,
        limits: &limits,
        identity: &config.generate.identity,
    })
}

fn run(text: &str) -> Vec<Finding> {
    run_with(text, "orchestration-domains.json", &Config::builtin(), None)
}

fn rules(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{} {} {}:{}", f.rule, f.pointer, f.line, f.column))
        .collect()
}

fn locked(text: &str) -> String {
    let config = Config::builtin();
    let art = config.governing("orchestration-domains.json").unwrap();
    let parsed = crate::core::artifact::analyze(text.as_bytes(), art, &Limits::default()).unwrap();
    let block = lock::Block::new(Kind::Registry, &parsed.root, parsed.hashes.canonical);
    let full = json::parse(text.as_bytes(), &Limits::default()).unwrap();
    String::from_utf8(lock::embed(text.as_bytes(), &full, "integrity", &block).unwrap()).unwrap()
}

#[test]
fn a_good_registry_has_no_findings() {
    assert!(run(GOOD_REGISTRY).is_empty(), "{:?}", run(GOOD_REGISTRY));
}

#[test]
fn id_missing() {
    let f = run(&GOOD_REGISTRY.replace(r#""id": "b", "#, ""));
    assert_eq!(rules(&f), ["id-missing /domains/1 5:5"]);
    assert!(f[0].message.contains("/domains/1"));
}

#[test]
fn id_duplicate() {
    let f = run(&GOOD_REGISTRY.replace(r#""id": "b""#, r#""id": "a""#));
    assert_eq!(rules(&f), ["id-duplicate /domains/1/id 5:6"]);
    assert!(
        f[0].message.contains("first at /domains/0"),
        "{}",
        f[0].message
    );
}

#[test]
fn required_field_lists_every_missing_field_once() {
    let f = run(&GOOD_REGISTRY.replace(r#""tempo": 90, "key": "D", "#, ""));
    assert_eq!(rules(&f), ["required-field /domains/1 5:5"]);
    assert!(f[0].message.contains("`tempo`, `key`"), "{}", f[0].message);
    // The configured list replaces the default.
    let config = Config::parse(
        "[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\nrequired-fields = [\"owner\"]\n",
        "audit.toml",
    )
    .unwrap();
    let f = run_with(GOOD_REGISTRY, "orchestration-domains.json", &config, None);
    assert_eq!(f.len(), 2);
    assert!(f.iter().all(|f| f.message.contains("`owner`")));
}

#[test]
fn registry_shape_problems_are_required_field_or_field_type_findings() {
    assert_eq!(rules(&run(r#"{"x": 1}"#)), ["required-field  1:1"]);
    assert_eq!(
        rules(&run(r#"{"domains": {}}"#)),
        ["field-type /domains 1:2"]
    );
    assert_eq!(
        rules(&run(r#"{"domains": [1]}"#)),
        ["required-field /domains/0 1:14"]
    );
}

#[test]
fn lock_holds_after_locking_and_breaks_on_a_hand_edit() {
    let text = locked(GOOD_REGISTRY);
    assert!(run(&text).is_empty(), "{:?}", run(&text));
    // Regenerating with a new timestamp keeps the lock valid.
    assert!(run(&text.replace("2026-01-01", "2027-07-07")).is_empty());
    let edited = text.replace("\"tempo\": 90", "\"tempo\": 91");
    let f = run(&edited);
    assert_eq!(rules(&f).len(), 1);
    assert_eq!(f[0].rule, RuleId::LockMismatch);
    assert_eq!(f[0].pointer.to_string(), "/integrity");
    assert!(f[0]
        .message
        .contains("edited outside its sanctioned generator"));
    assert!(f[0]
        .hint
        .contains("git audit lock orchestration-domains.json --stage"));
    let line_of_block = edited
        .lines()
        .position(|l| l.contains("\"integrity\""))
        .unwrap()
        + 1;
    assert_eq!(f[0].line, line_of_block);
}

#[test]
fn unverifiable_lock_blocks_fail_closed() {
    let text = GOOD_REGISTRY.replace(
        "\"domains\"",
        "\"integrity\": {\"algorithm\": \"md5\"},\n  \"domains\"",
    );
    let f = run(&text);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, RuleId::LockMismatch);
    assert!(
        f[0].message.contains("cannot be verified"),
        "{}",
        f[0].message
    );
}

#[test]
fn legacy_origin_locks_are_verified() {
    // The origin tool hashed Python's sorted, ASCII, compact dump of the document minus the lock.
    let body = GOOD_REGISTRY;
    let full = json::parse(body.as_bytes(), &Limits::default()).unwrap();
    let legacy = json::legacy::hash(&full, body.as_bytes());
    let text = body.replacen(
        '{',
        &format!("{{\n  \"integrity\": {{\"hash\": \"{legacy}\", \"size\": 1}},"),
        1,
    );
    assert!(run(&text).is_empty(), "{:?}", run(&text));
    let f = run(&text.replace("\"B\"", "\"B2\""));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, RuleId::LockMismatch);
}

#[test]
fn lock_missing_only_when_required() {
    assert!(run(GOOD_REGISTRY).is_empty());
    let config = Config::parse(
        "[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\nrequire-lock = true\n",
        "audit.toml",
    )
    .unwrap();
    let f = run_with(GOOD_REGISTRY, "orchestration-domains.json", &config, None);
    assert_eq!(rules(&f), ["lock-missing  1:1"]);
    assert!(run_with(
        &locked(GOOD_REGISTRY),
        "orchestration-domains.json",
        &config,
        None
    )
    .is_empty());
    // An audit.lock entry counts as a lock too.
    let config_hash = crate::core::artifact::analyze(
        GOOD_REGISTRY.as_bytes(),
        config.governing("orchestration-domains.json").unwrap(),
        &Limits::default(),
    )
    .unwrap()
    .hashes
    .canonical;
    let mut lf = Lockfile::default();
    lf.set_lock("orchestration-domains.json", config_hash);
    assert!(run_with(
        GOOD_REGISTRY,
        "orchestration-domains.json",
        &config,
        Some(&lf)
    )
    .is_empty());
}

#[test]
fn lockfile_mismatch() {
    let seq = r#"{"id": "s", "movements": []}"#;
    let path = "json-sequences/s.json";
    let config = Config::builtin();
    let art = config.governing(path).unwrap();
    let hash = crate::core::artifact::analyze(seq.as_bytes(), art, &Limits::default())
        .unwrap()
        .hashes
        .canonical;
    let mut lf = Lockfile::default();
    lf.set_lock(path, hash);
    assert!(run_with(seq, path, &config, Some(&lf)).is_empty());
    // Whitespace is not a change of meaning.
    assert!(run_with(&seq.replace(' ', ""), path, &config, Some(&lf)).is_empty());
    lf.set_lock(path, sha256(b"other"));
    let f = run_with(seq, path, &config, Some(&lf));
    assert_eq!(rules(&f), ["lockfile-mismatch  1:1"]);
}

#[test]
fn sequence_rules() {
    let path = "json-sequences/s.json";
    let config = Config::builtin();
    assert!(run_with(
        r#"{"id": "s", "movements": [{"id": "m"}, {"id": "n"}]}"#,
        path,
        &config,
        None
    )
    .is_empty());
    let f = run_with(r#"{"movements": []}"#, path, &config, None);
    assert_eq!(rules(&f), ["id-missing  1:1"]);
    let f = run_with(r#"{"id": "s"}"#, path, &config, None);
    assert_eq!(rules(&f), ["required-field  1:1"]);
    let f = run_with(
        r#"{"id": "s", "movements": [{"id": "m"}, {"id": "m"}]}"#,
        path,
        &config,
        None,
    );
    assert_eq!(rules(&f), ["id-duplicate /movements/1/id 1:41"]);
    let f = run_with("[]", path, &config, None);
    assert_eq!(rules(&f), ["required-field  1:1"]);
}

#[test]
fn non_array_movements_and_beats_are_field_type_findings() {
    let path = "json-sequences/s.json";
    let config = Config::builtin();
    for bad in [r#""x""#, "null", "{}", "7"] {
        let text = format!(r#"{{"id": "s", "movements": {bad}}}"#);
        let f = run_with(&text, path, &config, None);
        assert_eq!(rules(&f), ["field-type /movements 1:13"], "{bad}");
    }
    let f = run_with(
        r#"{"id": "s", "movements": [{"id": "m", "beats": null}, 3]}"#,
        path,
        &config,
        None,
    );
    assert_eq!(
        rules(&f),
        [
            "field-type /movements/0/beats 1:39",
            "field-type /movements/1 1:55"
        ]
    );
}

#[test]
fn stale_lockfile_entries() {
    let mut lf = Lockfile::default();
    lf.set_lock("gone.json", sha256(b"x"));
    lf.set_lock("here.json", sha256(b"x"));
    let f = stale_locks(&lf, &|p| p == "here.json");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, RuleId::LockfileMismatch);
    assert!(f[0].message.contains("gone.json"));
}

#[test]
fn refusals_and_skips_become_findings() {
    let r = Refused {
        path: "a.json".into(),
        snapshot: "index".into(),
        rule: RuleId::JsonDuplicateKey,
        line: 3,
        column: 7,
        message: "duplicate key \"a\" in one object".into(),
    };
    let f = refused(&r);
    assert_eq!((f.rule, f.line, f.column), (RuleId::JsonDuplicateKey, 3, 7));
    let s = Skipped {
        path: "a.json".into(),
        reason: "a symbolic link in the index".into(),
        hint: "make it a regular file".into(),
    };
    let f = skipped(&s);
    assert_eq!(f.rule, RuleId::ArtifactType);
    assert!(f.message.contains("symbolic link"));
}

#[test]
fn integer_beat_counts_and_sequence_ids_are_accepted_by_the_shared_rules() {
    let c = Config::builtin();
    let path = "json-sequences/s.json";
    let ok = run_with(
        r#"{"sequenceId": "s", "movements": [{"beats": 3}, {"beats": []}]}"#,
        path,
        &c,
        None,
    );
    assert!(rules(&ok).is_empty(), "{ok:?}");
    let bad = run_with(r#"{"movements": [{"beats": "three"}]}"#, path, &c, None);
    assert_eq!(rules(&bad).len(), 2, "{bad:?}");
    assert!(bad
        .iter()
        .any(|f| f.rule == RuleId::IdMissing && f.message.contains("`id` or `sequenceId`")));
    assert!(bad
        .iter()
        .any(|f| f.rule == RuleId::FieldType
            && f.message.contains("neither an array nor a beat count")));
}
