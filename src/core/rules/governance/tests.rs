//! Unit tests of the governance rules, on parsed documents without git.

use super::*;
use crate::core::config::Config;
use crate::core::json::{parse, Limits};
use crate::core::rules::RuleId;

fn node(text: &str) -> Node<'_> {
    parse(text.as_bytes(), &Limits::default()).unwrap()
}

fn config() -> Config {
    Config::parse(
        r#"
[[artifact]]
path = "reg.json"
kind = "registry"
path-keys = ["sequenceFile", "docsPath"]

[[artifact]]
path = "seq/*.json"
kind = "sequence"
"#,
        "audit.toml",
    )
    .unwrap()
}

fn ids(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{} {} {}", f.rule, f.path, f.pointer))
        .collect()
}

const SEQ: &str = r#"{"id": "s", "movements": [{"id": "m", "beats": [
  {"beat": 1, "event": "a:one", "handler": "h1"},
  {"beat": 2, "event": "a:two", "handler": "h2"}]}]}"#;

#[test]
fn clean_sequence_has_no_findings() {
    let c = config();
    let a = c.governing("seq/s.json").unwrap();
    let root = node(SEQ);
    let doc = Doc {
        path: "seq/s.json",
        artifact: a,
        lines: &crate::core::json::parse::LineIndex::new(SEQ.as_bytes()),
        root: &root,
    };
    assert!(sequence_rules(&doc, a.event_pattern.as_ref()).is_empty());
}

#[test]
fn beat_rules_trigger() {
    let c = config();
    let a = c.governing("seq/s.json").unwrap();
    let text = r#"{"id": "s", "movements": [{"beats": [
  {"beat": 1, "event": "a:one"},
  {"beat": 3, "handler": "h", "event": "Bad Name"},
  {"beat": 2, "handler": "h", "event": ""}]}]}"#;
    let root = node(text);
    let doc = Doc {
        path: "seq/s.json",
        artifact: a,
        lines: &crate::core::json::parse::LineIndex::new(text.as_bytes()),
        root: &root,
    };
    let f = sequence_rules(&doc, a.event_pattern.as_ref());
    assert_eq!(
        ids(&f),
        [
            "beat-numbering seq/s.json /movements/0/beats/1/beat",
            "beat-handler-missing seq/s.json /movements/0/beats/0",
            "event-name seq/s.json /movements/0/beats/1/event",
            "beat-event-missing seq/s.json /movements/0/beats/2",
        ]
    );
    assert_eq!(f[0].line, 3);
}

#[test]
fn handler_objects_name_their_handler() {
    let c = config();
    let a = c.governing("seq/s.json").unwrap();
    let text = r#"{"movements": [{"beats": [
  {"event": "a:b", "handler": {"name": "pkg#fn"}},
  {"event": "a:c", "handler": {"scope": "plugin"}}]}]}"#;
    let root = node(text);
    let doc = Doc {
        path: "seq/s.json",
        artifact: a,
        lines: &crate::core::json::parse::LineIndex::new(text.as_bytes()),
        root: &root,
    };
    assert_eq!(
        ids(&sequence_rules(&doc, None)),
        ["beat-handler-missing seq/s.json /movements/0/beats/1"]
    );
}

#[test]
fn beats_without_numbers_are_not_misnumbered() {
    let c = config();
    let a = c.governing("seq/s.json").unwrap();
    let text = r#"{"movements": [{"beats": [{"event": "a:b", "handler": "h"}]}]}"#;
    let root = node(text);
    let doc = Doc {
        path: "seq/s.json",
        artifact: a,
        lines: &crate::core::json::parse::LineIndex::new(text.as_bytes()),
        root: &root,
    };
    assert!(sequence_rules(&doc, a.event_pattern.as_ref()).is_empty());
}

#[test]
fn default_event_pattern() {
    let re = Regex::new(DEFAULT_EVENT_PATTERN).unwrap();
    for ok in [
        "canvas:component:copy:serialize",
        "real.estate.analyzer:analyze",
        "a-b:c-d.e",
    ] {
        assert!(re.is_match(ok), "{ok}");
    }
    for bad in [
        "canvas:component:rules:setAll",
        "library.component.drag.start",
        "a:",
        ":a",
        "A:b",
    ] {
        assert!(!re.is_match(bad), "{bad}");
    }
}

#[test]
fn paths_with_backslashes_and_missing_targets() {
    let c = config();
    let a = c.governing("reg.json").unwrap();
    let text = r#"{"domains": [{"id": "a", "sequenceFile": "seq\\a.json", "docsPath": "docs/a/"},
                  {"id": "b", "docsPath": "docs/missing/", "nested": {"docsPath": "https://x.y/z"}}]}"#;
    let root = node(text);
    let doc = Doc {
        path: "reg.json",
        artifact: a,
        lines: &crate::core::json::parse::LineIndex::new(text.as_bytes()),
        root: &root,
    };
    let exists = |p: &str| p == "seq/a.json" || p == "docs/a";
    let f = path_rules(&doc, &exists, &[]);
    assert_eq!(
        ids(&f),
        [
            "path-separator reg.json /domains/0/sequenceFile",
            "path-missing reg.json /domains/1/docsPath"
        ]
    );
    assert!(path_rules(&doc, &|_| true, &["sequenceFile"]).len() == 1);
}

fn docs<'a>(
    c: &'a Config,
    files: &'a [(&'a str, Node<'a>, &'a str)],
) -> (Vec<Doc<'a, 'a>>, Vec<Doc<'a, 'a>>) {
    let mut regs = Vec::new();
    let mut seqs = Vec::new();
    for (path, root, text) in files {
        let a = c.governing(path).unwrap();
        let d = Doc {
            path,
            artifact: a,
            // Leaked: a test helper returning documents that borrow their index.
            lines: Box::leak(Box::new(crate::core::json::parse::LineIndex::new(
                text.as_bytes(),
            ))),
            root,
        };
        if a.kind == crate::core::config::Kind::Registry {
            regs.push(d);
        } else {
            seqs.push(d);
        }
    }
    (regs, seqs)
}

/// `cross` over parsed documents, through their facts; the facts also go through the JSON the
/// facts cache stores, and must decide and place every finding the same.
fn cross_docs(
    regs: &[Doc<'_, '_>],
    seqs: &[Doc<'_, '_>],
    exists: &dyn Fn(&str) -> bool,
    identity: &Identity,
) -> Vec<Involved> {
    let facts: Vec<SequenceFacts> = seqs
        .iter()
        .map(|d| SequenceFacts::of(d, identity))
        .collect();
    let cross_over = |facts: &[SequenceFacts]| {
        let view: Vec<Sequence<'_>> = seqs
            .iter()
            .zip(facts)
            .map(|(d, facts)| Sequence {
                path: d.path,
                facts,
            })
            .collect();
        cross(regs, &view, exists)
    };
    let found = cross_over(&facts);
    let stored: Vec<SequenceFacts> = facts
        .iter()
        .map(|f| serde_json::from_str(&serde_json::to_string(f).unwrap()).unwrap())
        .collect();
    assert_eq!(stored, facts);
    let again = cross_over(&stored);
    let placed = |v: &[Involved]| -> Vec<String> {
        v.iter().map(|(f, inv)| format!("{f:?} {inv:?}")).collect()
    };
    assert_eq!(placed(&again), placed(&found));
    found
}

#[test]
fn sequence_facts_place_findings_where_the_tree_would() {
    let c = config();
    let text = "\n\n  {\n    \"name\": \"n\",\n    \"sequenceId\": \"é-s\", \"movements\": []}";
    let root = node(text);
    let lines = crate::core::json::parse::LineIndex::new(text.as_bytes());
    let d = Doc {
        path: "seq/s.json",
        artifact: c.governing("seq/s.json").unwrap(),
        lines: &lines,
        root: &root,
    };
    let facts = SequenceFacts::of(&d, &Identity::default());
    assert_eq!(facts.id.as_deref(), Some("é-s"));
    let expect = Finding::new(
        RuleId::SequenceIdDuplicate,
        d.path,
        String::new(),
        String::new(),
    )
    .at(Pointer::root().child("sequenceId"), &root, &lines);
    assert_eq!(
        (facts.id_at.line, facts.id_at.column),
        (expect.line, expect.column)
    );
    assert_eq!((facts.id_at.line, facts.id_at.column), (5, 5));
    assert_eq!(facts.id_at.pointer, "/sequenceId");
    assert_eq!((facts.root_at.line, facts.root_at.column), (3, 3));
    assert_eq!(
        (facts.movements.clone(), facts.beats.clone()),
        (Ok(0), Ok(0))
    );
}

#[test]
fn registry_and_sequences_agree() {
    let c = config();
    let reg = r#"{"domains": [{"id": "s", "movements": 1, "beats": 2}]}"#;
    let files = [("reg.json", node(reg), reg), ("seq/s.json", node(SEQ), SEQ)];
    let (regs, seqs) = docs(&c, &files);
    let exists = |p: &str| p == "seq/s.json";
    assert!(cross_docs(&regs, &seqs, &exists, &Identity::default()).is_empty());
}

#[test]
fn uncountable_sequences_are_mismatches() {
    let c = config();
    let reg = r#"{"domains": [{"id": "s", "movements": 1, "beats": 2}]}"#;
    for bad in [
        r#"{"id": "s", "movements": "x"}"#,
        r#"{"id": "s", "movements": null}"#,
        r#"{"id": "s", "movements": {}}"#,
        r#"{"id": "s", "movements": 7}"#,
    ] {
        let files = [("reg.json", node(reg), reg), ("seq/s.json", node(bad), bad)];
        let (regs, seqs) = docs(&c, &files);
        let found = cross_docs(
            &regs,
            &seqs,
            &|p: &str| p == "seq/s.json",
            &Identity::default(),
        );
        let got: Vec<String> = found
            .iter()
            .map(|(f, _)| format!("{} {}", f.rule, f.pointer))
            .collect();
        assert_eq!(
            got,
            [
                "registry-sequence-mismatch /domains/0/movements",
                "registry-sequence-mismatch /domains/0/beats"
            ],
            "{bad}"
        );
        assert!(
            found[0].0.message.contains("not an array"),
            "{}",
            found[0].0.message
        );
    }
    let beats = r#"{"id": "s", "movements": [{"id": "m", "beats": "2"}]}"#;
    let files = [
        ("reg.json", node(reg), reg),
        ("seq/s.json", node(beats), beats),
    ];
    let (regs, seqs) = docs(&c, &files);
    let found = cross_docs(
        &regs,
        &seqs,
        &|p: &str| p == "seq/s.json",
        &Identity::default(),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0.pointer.to_string(), "/domains/0/beats");
}

#[test]
fn registry_drift_is_found_with_what_it_involves() {
    let c = config();
    let reg = r#"{"domains": [
  {"id": "s", "movements": 1, "beats": 3},
  {"id": "x", "sequenceFile": "seq/gone.json"},
  {"id": "y", "sequenceFile": "seq/y.json", "movements": 2}]}"#;
    let other = r#"{"id": "orphan", "movements": []}"#;
    let dup = r#"{"id": "s", "movements": []}"#;
    let y = r#"{"id": "why", "movements": [{"beats": []}]}"#;
    let files = [
        ("reg.json", node(reg), reg),
        ("seq/s.json", node(SEQ), SEQ),
        ("seq/orphan.json", node(other), other),
        ("seq/t.json", node(dup), dup),
        ("seq/y.json", node(y), y),
    ];
    let (regs, seqs) = docs(&c, &files);
    let exists = |p: &str| files.iter().any(|f| f.0 == p);
    let found = cross_docs(&regs, &seqs, &exists, &Identity::default());
    let got: Vec<String> = found
        .iter()
        .map(|(f, inv)| format!("{} {} {} <- {}", f.rule, f.path, f.pointer, inv.join(",")))
        .collect();
    assert_eq!(
        got,
        [
            "sequence-id-duplicate seq/t.json /id <- seq/s.json",
            "registry-sequence-mismatch reg.json /domains/0/beats <- seq/s.json",
            "registry-dangling-sequence reg.json /domains/1/sequenceFile <- seq/gone.json",
            "registry-sequence-mismatch reg.json /domains/2/movements <- seq/y.json",
            "registry-missing-sequence seq/orphan.json  <- reg.json",
        ]
    );
}

#[test]
fn plan_ids_must_be_domains() {
    let c = config();
    let reg = r#"{"domains": [{"id": "a"}]}"#;
    let plan_text = r#"{"domainSequences": [{"id": "a"}, {"id": "b"}, {"other": 1}]}"#;
    let files = [("reg.json", node(reg), reg)];
    let (regs, _) = docs(&c, &files);
    let plan_root = node(plan_text);
    let plan_artifact = Artifact::plain_json("plan.json");
    let plan = Doc {
        path: "plan.json",
        artifact: &plan_artifact,
        lines: &crate::core::json::parse::LineIndex::new(plan_text.as_bytes()),
        root: &plan_root,
    };
    let pattern = vec![
        "domainSequences".to_string(),
        "*".to_string(),
        "id".to_string(),
    ];
    let found = plan_coverage(&plan, &pattern, &regs);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0.pointer.to_string(), "/domainSequences/1/id");
    assert!(found[0].0.message.contains("\"b\""));
    assert_eq!(found[0].1, ["reg.json"]);
}

#[test]
fn schema_errors_map_to_pointers_and_lines() {
    let c = config();
    let a = c.governing("seq/s.json").unwrap();
    let schema: serde_json::Value = serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "required": ["id", "name"],
        "properties": {"movements": {"type": "array", "items": {"type": "object", "required": ["id"]}}}
    });
    let validator = jsonschema::validator_for(&schema).unwrap();
    let text = "{\"id\": \"s\",\n \"movements\": [\n  {\"beats\": []}]}";
    let root = node(text);
    let doc = Doc {
        path: "seq/s.json",
        artifact: a,
        lines: &crate::core::json::parse::LineIndex::new(text.as_bytes()),
        root: &root,
    };
    let f = schema_findings(&doc, &root, &validator, "schema.json");
    let got: Vec<String> = f
        .iter()
        .map(|f| format!("{} {}:{}", f.pointer, f.line, f.column))
        .collect();
    assert_eq!(got, [" 1:1", "/movements/0 3:3"]);
    assert!(f.iter().all(|f| f.rule == RuleId::Schema));
    let clean = "{\"id\": \"s\", \"name\": \"n\", \"movements\": [{\"id\": \"m\"}]}";
    let root = node(clean);
    let doc = Doc {
        path: "seq/s.json",
        artifact: a,
        lines: &crate::core::json::parse::LineIndex::new(clean.as_bytes()),
        root: &root,
    };
    assert!(schema_findings(&doc, &root, &validator, "schema.json").is_empty());
    // Draft 2020-12 too.
    let s2020 = serde_json::json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["zzz"]});
    let v2020 = jsonschema::validator_for(&s2020).unwrap();
    assert_eq!(schema_findings(&doc, &root, &v2020, "s.json").len(), 1);
}
