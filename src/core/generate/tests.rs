//! Unit tests of registry generation, on bytes without git.

use super::*;
use crate::core::config::Config;

const CONFIG: &str = r#"
[generate]
registry = "reg.json"

[[generate.source]]
kind = "sequences"
paths = ["seq/*.json"]
ignore = ["seq/index.json"]
category = "plugin"
emoji = "P"
purpose = "Feature"
description = "Plugin sequence: {name}"
link = "pluginId"

[generate.domain.extra]
name = "Extra"
category = "infrastructure"
"#;

fn run(files: &[(&str, &str)], current: Option<&str>) -> Generated {
    let config = Config::parse(CONFIG, "audit.toml").unwrap();
    let artifact = config
        .governing("orchestration-domains.json")
        .unwrap()
        .clone();
    let inputs = Inputs {
        config: &config.generate,
        artifact: &artifact,
        limits: &config.limits,
        files: files
            .iter()
            .map(|(p, b)| SourceFile {
                path: p,
                bytes: b.as_bytes(),
            })
            .collect(),
        current: current.map(str::as_bytes),
        overlay: None,
        now: "2026-01-01T00:00:00Z",
    };
    generate(&inputs)
}

const COPY: &str = r#"{"id":"copy","pluginId":"CopyPlugin","name":"Copy","movements":[{"name":"Copy","beats":[
 {"event":"canvas:copy:serializeAll","kind":"pure","handler":"serialize"},
 {"handler":"header/ui#getCurrentTheme"},
 {"description":"Tell the user"},
 {}
]},{"beats":2}]}"#;

#[test]
fn a_sequence_yields_the_corpus_domain_shape() {
    let g = run(&[("seq/copy.json", COPY)], None);
    assert!(g.findings.is_empty(), "{:?}", g.findings);
    let v: J = serde_json::from_slice(&g.bytes).unwrap();
    let d = &v["domains"][0];
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "emoji",
            "description",
            "category",
            "purpose",
            "relatedDomains",
            "status",
            "pluginId",
            "movements",
            "beats",
            "tempo",
            "key",
            "timeSignature",
            "sketch"
        ]
    );
    assert_eq!(d["description"], "Plugin sequence: Copy");
    assert_eq!(d["movements"], 2);
    assert_eq!(d["beats"], 6, "integer beat counts are summed, not 0");
    assert_eq!(
        d["sketch"]["phases"][0]["items"],
        serde_json::json!([
            "Serialize All (pure)",
            "Get current theme",
            "Tell the user",
            "Beat 4"
        ])
    );
    assert_eq!(d["sketch"]["phases"][1]["name"], "Movement 2");
    assert_eq!(
        d["sketch"]["phases"][1]["items"],
        serde_json::json!(["Beat 1", "Beat 2"]),
        "items are always an array"
    );
    assert_eq!(
        v["domains"][1]["id"], "extra",
        "hand-kept domain from audit.toml"
    );
    assert_eq!(v["metadata"]["generated"], "2026-01-01T00:00:00Z");
}

#[test]
fn twice_in_a_row_is_byte_identical_and_keeps_the_layout() {
    let first = run(&[("seq/copy.json", COPY)], None);
    let text = String::from_utf8(first.bytes.clone()).unwrap();
    // Re-indent with tabs, drop the final newline: generation keeps both.
    let v: J = serde_json::from_str(&text).unwrap();
    let mut layout = Layout::default();
    layout.style.indent = Some("\t".into());
    layout.trailing_newline = false;
    let tabbed = String::from_utf8(write::to_bytes(&v, &layout)).unwrap();
    let again = run(&[("seq/copy.json", COPY)], Some(&tabbed));
    assert!(!again.changed);
    assert_eq!(again.bytes, tabbed.as_bytes());
    // A changed sequence: new bytes, same layout, new timestamp.
    let changed = COPY.replace("\"beats\":2", "\"beats\":3");
    let third = run(&[("seq/copy.json", &changed)], Some(&tabbed));
    assert!(third.changed);
    let t = String::from_utf8(third.bytes).unwrap();
    assert!(t.contains("\n\t\"domains\"") && !t.ends_with('\n'), "{t}");
}

#[test]
fn invalid_and_duplicate_sources_are_findings() {
    let g = run(
        &[
            ("seq/b.json", r#"{"id":"copy","movements":[]}"#),
            ("seq/a.json", COPY),
            ("seq/c.json", r#"{"id":"c"}"#),
            ("seq/d.json", "{"),
            ("seq/index.json", "not even json"),
        ],
        None,
    );
    let rules: Vec<(RuleId, &str)> = g
        .findings
        .iter()
        .map(|f| (f.rule, f.path.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            (RuleId::RegistrySourceInvalid, "seq/c.json"),
            (RuleId::RegistrySourceInvalid, "seq/d.json"),
            (RuleId::RegistrySourceDuplicateId, "seq/b.json"),
        ]
    );
    assert!(g.findings[2].message.contains("seq/a.json"));
    let v: J = serde_json::from_slice(&g.bytes).unwrap();
    assert_eq!(v["domains"][0]["beats"], 6, "the first by sorted path wins");
}

#[test]
fn current_order_and_copied_members_are_kept_and_dropped_domains_named() {
    let current = r#"{"id":"reg","metadata":{"generated":"old"},"junk":1,"domains":[
      {"id":"extra","name":"Extra","category":"infrastructure"},
      {"id":"gone"}]}"#;
    let g = run(&[("seq/copy.json", COPY)], Some(current));
    let v: J = serde_json::from_slice(&g.bytes).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["id", "metadata", "domains"]);
    assert_eq!(v["domains"][0]["id"], "extra");
    assert_eq!(v["domains"][1]["id"], "copy");
    assert_eq!(g.dropped, ["gone"]);
    let d = diff(
        "reg.json",
        &Config::builtin().artifacts[0],
        &Limits::default(),
        Some(current.as_bytes()),
        &g.bytes,
    )
    .unwrap();
    let f = stale("reg.json", &d).unwrap();
    assert!(f.message.contains("added: domain copy"), "{}", f.message);
    assert!(
        f.message.contains("removed: member junk; domain gone"),
        "{}",
        f.message
    );
}
