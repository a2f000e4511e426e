//! Unit tests of doc provenance: states from hand-built snapshots, no git.

use super::*;
use crate::core::config::Config;

const CONFIG: &str = r#"
[docs]
generated = ["gen/*.md"]

[[docs.render]]
path = "docs/d.md"
template = "t.md.j2"
sources = ["reg.json#/domains"]
"#;

const REG: &str = r#"{"metadata":{"generated":"2025-01-01"},"domains":[{"id":"a"}]}"#;
const TEMPLATE: &str = "{% for d in source %}- {{ d.id }}\n{% endfor %}";

fn config() -> Config {
    Config::parse(CONFIG, "audit.toml").unwrap()
}

/// Renders docs/d.md from `reg` as `docs render` does.
fn rendered(config: &Config, reg: &str) -> String {
    let spec = config.docs.spec("docs/d.md").unwrap();
    let src = &spec.sources[0];
    let node = subtree(reg.as_bytes(), &src.path, src.pointer.as_ref(), config).unwrap();
    let body = template::render(
        "t.md.j2",
        TEMPLATE,
        &context(spec, vec![node.value.to_serde()]),
    )
    .unwrap();
    banner::write(
        "docs/d.md",
        ("t.md.j2", canonical::sha256(TEMPLATE.as_bytes())),
        &[(src, canonical::hash(&node))],
        &body,
    )
}

fn fetched(reg: Option<&str>) -> BTreeMap<String, Fetched> {
    let mut m = BTreeMap::new();
    m.insert(
        "reg.json".to_string(),
        reg.map_or(Fetched::Missing, |r| Fetched::Bytes(r.as_bytes().to_vec())),
    );
    m.insert(
        "t.md.j2".to_string(),
        Fetched::Bytes(TEMPLATE.as_bytes().to_vec()),
    );
    m
}

fn state(config: &Config, doc: Option<&str>, f: &BTreeMap<String, Fetched>) -> DocState {
    evaluate(&Input {
        path: "docs/d.md",
        bytes: doc.map(str::as_bytes),
        spec: config.docs.spec("docs/d.md"),
        fetched: f,
        config,
    })
}

#[test]
fn a_rendered_doc_is_fresh_and_a_timestamp_outside_the_pointer_changes_nothing() {
    let c = config();
    let doc = rendered(&c, REG);
    assert!(doc.contains("- a\n"), "{doc}");
    let s = state(&c, Some(&doc), &fetched(Some(REG)));
    assert_eq!(s.status, DocStatus::Fresh, "{s:?}");
    assert_eq!(s.mechanism, "git-audit");
    assert_eq!(s.sources.len(), 2);
    let touched = REG.replace("2025-01-01", "2026-06-06");
    let s = state(&c, Some(&doc), &fetched(Some(&touched)));
    assert_eq!(s.status, DocStatus::Fresh);
    assert!(findings(&s).is_empty());
}

#[test]
fn a_changed_domain_makes_it_stale_and_a_hand_edit_edited() {
    let c = config();
    let doc = rendered(&c, REG);
    let changed = REG.replace(r#""a""#, r#""b""#);
    let s = state(&c, Some(&doc), &fetched(Some(&changed)));
    assert_eq!(s.status, DocStatus::Stale);
    let f = findings(&s);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, RuleId::DocStale);
    assert!(
        f[0].message.contains("reg.json#/domains"),
        "{}",
        f[0].message
    );

    let edited = format!("{doc}extra line\n");
    let s = state(&c, Some(&edited), &fetched(Some(REG)));
    assert_eq!(s.status, DocStatus::Edited);
    assert_eq!(findings(&s)[0].rule, RuleId::DocEdited);
    assert_ne!(s.doc_hash.recorded, s.doc_hash.actual);
}

#[test]
fn missing_and_untracked_sources_are_never_fresh() {
    let c = config();
    let doc = rendered(&c, REG);
    let s = state(&c, Some(&doc), &fetched(None));
    assert_eq!(s.status, DocStatus::Stale);
    assert_eq!(findings(&s)[0].rule, RuleId::DocSourceMissing);
    let mut f = fetched(Some(REG));
    f.insert("reg.json".into(), Fetched::Untracked);
    let s = state(&c, Some(&doc), &f);
    assert_eq!(s.status, DocStatus::Stale);
    let rules: Vec<RuleId> = findings(&s).iter().map(|f| f.rule).collect();
    assert_eq!(rules, vec![RuleId::DocSourceUntracked]);
}

#[test]
fn no_banner_is_unknown_and_a_missing_render_is_stale() {
    let c = config();
    let s = state(&c, Some("# by hand\n"), &fetched(Some(REG)));
    assert_eq!(s.status, DocStatus::Unknown);
    assert_eq!(findings(&s)[0].rule, RuleId::DocBannerMissing);
    let s = state(&c, None, &fetched(Some(REG)));
    assert_eq!(s.status, DocStatus::Stale);
    assert_eq!(findings(&s)[0].rule, RuleId::DocStale);
}

#[test]
fn a_source_added_to_the_config_makes_the_doc_stale() {
    let c = config();
    let doc = rendered(&c, REG);
    let more = Config::parse(
        &CONFIG.replace(
            r##"sources = ["reg.json#/domains"]"##,
            r##"sources = ["reg.json#/domains", "reg.json#/metadata"]"##,
        ),
        "audit.toml",
    )
    .unwrap();
    let s = state(&more, Some(&doc), &fetched(Some(REG)));
    assert_eq!(s.status, DocStatus::Stale, "{s:?}");
    assert!(s.reason.contains("new source"), "{}", s.reason);
}

#[test]
fn origin_banners_hash_source_bytes() {
    let c = config();
    let body = "# Origin\n";
    let h = canonical::sha256(REG.as_bytes()).hex();
    let doc = format!(
        "<!-- AUTO-GENERATED — DO NOT EDIT\nSources: reg.json\nSource-Hashes: reg.json:{h}\nDoc-Hash: {}\nGenerated: 2025-01-01T00:00:00Z\n-->\n\n{body}",
        banner::body_hash(body)
    );
    let f = fetched(Some(REG));
    let s = evaluate(&Input {
        path: "gen/o.md",
        bytes: Some(doc.as_bytes()),
        spec: None,
        fetched: &f,
        config: &c,
    });
    assert_eq!((s.mechanism, s.status), ("origin", DocStatus::Fresh));
    // The origin hashed bytes: a whitespace change is a change.
    let f = fetched(Some(&format!("{REG}\n")));
    let s = evaluate(&Input {
        path: "gen/o.md",
        bytes: Some(doc.as_bytes()),
        spec: None,
        fetched: &f,
        config: &c,
    });
    assert_eq!(s.status, DocStatus::Stale);
}

#[test]
fn the_report_counts_each_state() {
    let c = config();
    let doc = rendered(&c, REG);
    let f = fetched(Some(REG));
    let fresh = state(&c, Some(&doc), &f);
    let unknown = state(&c, Some("x"), &f);
    let r = DocsReport::new("index".into(), vec![fresh, unknown]);
    assert_eq!(r.summary.fresh, 1);
    assert_eq!(r.summary.unknown, 1);
    assert!(r.ok());
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(
        json["docs"][0]["docHash"]["recorded"]
            .as_str()
            .map(str::len),
        Some(64)
    );
    assert_eq!(json["docs"][0]["sources"][1]["pointer"], "/domains");
    assert_eq!(json["docs"][0]["sources"][1]["status"], "match");
}

#[test]
fn a_doc_without_sources_lists_its_template_once() {
    let c = Config::parse(
        "[[docs.render]]\npath = \"docs/d.md\"\ntemplate = \"t.md.j2\"\n",
        "audit.toml",
    )
    .unwrap();
    let doc = banner::write(
        "docs/d.md",
        ("t.md.j2", canonical::sha256(TEMPLATE.as_bytes())),
        &[],
        "# Static\n",
    );
    let s = state(&c, Some(&doc), &fetched(Some(REG)));
    assert_eq!(s.status, DocStatus::Fresh, "{s:?}");
    assert_eq!(s.sources.len(), 1);
}

#[test]
fn source_references_are_validated() {
    use crate::core::config::DocSource;
    let ok = DocSource::parse("a/b.json#/x~1y/0").unwrap();
    assert_eq!(ok.path, "a/b.json");
    assert_eq!(ok.to_string(), "a/b.json#/x~1y/0");
    assert!(DocSource::parse("../out.json").is_err());
    assert!(DocSource::parse("a.json#nope").is_err());
    assert!(DocSource::parse("a-->.json").is_err());
    let err = Config::parse(
        "[[docs.render]]\npath = \"d.md\"\ntemplate = \"t\"\n[[docs.render]]\npath = \"d.md\"\ntemplate = \"t\"\n",
        "audit.toml",
    )
    .unwrap_err();
    assert!(err.message.contains("rendered twice"), "{err}");
    let err = Config::parse("[docs]\ngenerated = [\"/abs/*.md\"]\n", "audit.toml").unwrap_err();
    assert!(err.message.contains("key `generated`"), "{err}");
}
