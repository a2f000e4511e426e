//! Alignment tests over hand-built documents (no repository).

use super::*;
use crate::core::config::{Artifact, Config};
use crate::core::json::parse::LineIndex;
use crate::core::json::{parse, Limits};

const REG: &str = r#"{"domains":[
  {"id":"copy","name":"Copy"},
  {"id":"paste_it","name":"Paste"},
  {"id":"placeholder-1","name":"P"}
]}"#;
const COPY: &str = r#"{"id":"copy","movements":[{"name":"m","beats":[
  {"beat":1,"handler":"serialize","event":"app:copy:serialize"},
  {"beat":2,"handler":"notify","event":"app:copy:notify"}]}]}"#;
const PASTE: &str = r#"{"id":"paste_it","movements":[{"name":"m","beats":[
  {"beat":1,"handler":"read","event":"app:paste:read","acceptanceCriteria":["reads"]}]}]}"#;

struct World {
    texts: Vec<(String, String)>,
    features: Vec<(String, String)>,
    config: Config,
}

impl World {
    fn new() -> World {
        World {
            texts: vec![
                ("orchestration-domains.json".into(), REG.into()),
                ("json-sequences/copy.json".into(), COPY.into()),
                ("json-sequences/paste.json".into(), PASTE.into()),
            ],
            features: Vec::new(),
            config: Config::builtin(),
        }
    }
    fn with(mut self, path: &str, text: &str) -> World {
        if path.ends_with(".feature") {
            self.features.push((path.into(), text.into()));
        } else {
            self.texts.push((path.into(), text.into()));
        }
        self
    }
    fn config(mut self, toml: &str) -> World {
        self.config = Config::parse(toml, "audit.toml").unwrap();
        self
    }
    fn run(&self) -> BddReport {
        let plain: Vec<Artifact> = self
            .texts
            .iter()
            .map(|(p, _)| Artifact::plain_json(p))
            .collect();
        let lines: Vec<LineIndex<'_>> = self
            .texts
            .iter()
            .map(|(_, t)| LineIndex::new(t.as_bytes()))
            .collect();
        let roots: Vec<_> = self
            .texts
            .iter()
            .map(|(_, t)| parse(t.as_bytes(), &Limits::default()).unwrap())
            .collect();
        let mut registries = Vec::new();
        let mut sequences = Vec::new();
        let mut specs = Vec::new();
        let mut plans = Vec::new();
        for (i, (path, _)) in self.texts.iter().enumerate() {
            let artifact = self.config.governing(path).unwrap_or(&plain[i]);
            let doc = Doc {
                path,
                artifact,
                lines: &lines[i],
                root: &roots[i],
            };
            match artifact.kind {
                crate::core::config::Kind::Registry => registries.push(doc),
                crate::core::config::Kind::Sequence => sequences.push(doc),
                _ if path.contains("plan") => plans.push(doc),
                _ => specs.push(doc),
            }
        }
        let features: Vec<FeatureFile<'_>> = self
            .features
            .iter()
            .map(|(p, t)| FeatureFile {
                path: p,
                text: Some(t),
            })
            .collect();
        let all: Vec<&str> = self
            .texts
            .iter()
            .chain(&self.features)
            .map(|(p, _)| p.as_str())
            .collect();
        let exists = |p: &str| all.contains(&p);
        let severity = |r: RuleId, p: &str| self.config.severity(r, p);
        align(
            &self.config.bdd,
            &Sources {
                registries: &registries,
                sequences: &sequences,
                specs: &specs,
                plans: &plans,
                features: &features,
                exists: &exists,
                severity: &severity,
            },
            "index",
        )
    }
}

fn rules(r: &BddReport) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn domain<'r>(r: &'r BddReport, id: &str) -> &'r DomainRow {
    r.domains.iter().find(|d| d.id == id).unwrap()
}

#[test]
fn links_by_tag_file_name_and_beats_and_counts_coverage() {
    let r = World::new()
        .with(
            "features/any.feature",
            "@domain:copy\nFeature: c\n  Scenario: s\n    Then \"app:copy:notify\" is emitted\n",
        )
        .with(
            "features/Paste-It.feature",
            "Feature: p\n  Scenario: s\n    Given x\n",
        )
        .run();
    let copy = domain(&r, "copy");
    assert!(copy.covered);
    assert_eq!(copy.specs[0].via, "tag");
    assert_eq!(copy.sequence.as_deref(), Some("json-sequences/copy.json"));
    let paste = domain(&r, "paste_it");
    let kinds: Vec<(&str, &str)> = paste.specs.iter().map(|s| (s.kind, s.via)).collect();
    assert!(kinds.contains(&("feature", "file-name")), "{kinds:?}");
    assert!(kinds.contains(&("beats", "sequence")), "{kinds:?}");
    assert_eq!((r.coverage.covered, r.coverage.total), (2, 3));
    assert_eq!(rules(&r), ["bdd-coverage"]);
    assert_eq!(r.findings[0].severity, Severity::Warning);
}

#[test]
fn exclusions_and_target_decide_bdd_coverage() {
    let r = World::new()
        .config("[bdd]\nexclude = [\"placeholder-*\"]\ntarget = 0.5\n")
        .with("features/copy.feature", "Feature: c\n")
        .run();
    // copy by its file name, paste_it by its beats' acceptance criteria.
    assert_eq!(
        (r.coverage.covered, r.coverage.total, r.coverage.excluded),
        (2, 2, 1)
    );
    assert!(domain(&r, "placeholder-1").excluded);
    assert!(rules(&r).is_empty(), "{:?}", r.findings);
    let r = World::new()
        .config("[bdd]\ntarget = 0.5\n[rules]\nbdd-coverage = \"error\"\n")
        .run();
    assert_eq!(r.coverage.covered, 1); // paste_it by its beats' criteria
    assert!(r.blocks());
}

#[test]
fn counted_kinds_are_configurable() {
    let r = World::new().config("[bdd]\ncount = [\"feature\"]\n").run();
    assert!(!domain(&r, "paste_it").covered);
    assert_eq!(r.coverage.counted, ["feature"]);
}

#[test]
fn stubs_count_apart_and_stub_only_domains_are_reported() {
    let stub = "# AUTO-GENERATED STUB\nFeature: c\n  Scenario: s\n    Given x\n";
    let r = World::new().with("f/copy.feature", stub).run();
    let copy = domain(&r, "copy");
    assert!(copy.specs[0].stub);
    assert!(!copy.covered);
    assert_eq!(r.coverage.stub_only, 1);
    assert!(rules(&r).contains(&"bdd-stub-only"));
    let r = World::new()
        .config("[bdd]\ncount = [\"feature\", \"stub\"]\n")
        .with("f/copy.feature", stub)
        .run();
    assert!(domain(&r, "copy").covered);
}

#[test]
fn orphans_broken_tags_and_invalid_features() {
    let r = World::new()
        .with("f/nothing.feature", "Feature: n\n")
        .with("f/x.feature", "@domain:ghost\nFeature: g\n")
        .with("f/bad.feature", "Feature: b\n  text\n  # c\n  more\n")
        .run();
    let got: Vec<(&str, &str, usize, usize)> = r
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.path.as_str(), f.line, f.column))
        .collect();
    assert!(
        got.contains(&("bdd-feature-orphan", "f/nothing.feature", 1, 1)),
        "{got:?}"
    );
    assert!(
        got.contains(&("bdd-link-broken", "f/x.feature", 1, 1)),
        "{got:?}"
    );
    assert!(
        got.contains(&("bdd-feature-orphan", "f/x.feature", 2, 1)),
        "{got:?}"
    );
    assert!(
        got.contains(&("bdd-feature-invalid", "f/bad.feature", 4, 3)),
        "{got:?}"
    );
    // An invalid feature is not also an orphan.
    assert!(!got.contains(&("bdd-feature-orphan", "f/bad.feature", 1, 1)));
}

#[test]
fn unknown_events_are_found_at_their_column() {
    let r = World::new()
        .with(
            "f/copy.feature",
            "Feature: c\n  Scenario: s\n    Then \"app:copy:done\" and app:copy:notify at 10:30 via http://x:y\n",
        )
        .run();
    let f: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::BddEventUnknown)
        .collect();
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!((f[0].line, f[0].column), (3, 11));
    assert!(f[0].message.contains("\"app:copy:done\""));
}

#[test]
fn event_tokens_are_lowercase_led_colon_joined_words() {
    let re = Regex::new(EVENT_TOKEN).unwrap();
    let tokens = |t: &str| -> Vec<String> {
        event_tokens(&re, t)
            .into_iter()
            .map(|(_, s)| s.to_string())
            .collect()
    };
    assert_eq!(
        tokens("emits app:rules:setAll, then \"a.b:c-d\" (x:y_z)."),
        ["app:rules:setAll", "a.b:c-d", "x:y_z"]
    );
    assert!(tokens("Note:x at 10:30 via http://h:80/p or user@mail:x, Given: y").is_empty());
}

#[test]
fn plan_links_are_checked_and_do_not_count_alone() {
    let plan = r#"{"domainSequences":[
      {"id":"copy","bddSpec":"bdd/copy-spec.feature"},
      {"id":"ghost","bddSpec":"bdd/ghost.feature"},
      {"id":"paste_it","bddSpec":"bdd/missing.feature"}]}"#;
    let r = World::new()
        .config("[[plan]]\npath = \"plan.json\"\nids = \"/domainSequences/*/id\"\n")
        .with("plan.json", plan)
        .with("bdd/copy-spec.feature", "Feature: c\n")
        .with("bdd/ghost.feature", "Feature: g\n")
        .run();
    let broken: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::BddLinkBroken)
        .map(|f| f.pointer.to_string())
        .collect();
    assert_eq!(
        broken,
        ["/domainSequences/1/id", "/domainSequences/2/bddSpec"]
    );
    let copy = domain(&r, "copy");
    assert!(copy
        .specs
        .iter()
        .any(|s| s.kind == "feature" && s.via == "plan"));
    assert!(copy.covered);
    // The plan row alone does not cover (kind `plan` is not counted by default).
    let r = World::new()
        .config("[[plan]]\npath = \"plan.json\"\nids = \"/domainSequences/*/id\"\n[bdd]\ncount = [\"plan\"]\n")
        .with("plan.json", plan)
        .with("bdd/copy-spec.feature", "Feature: c\n")
        .run();
    assert!(domain(&r, "copy").covered);
}

#[test]
fn json_specs_link_by_domain_id_and_compare_handlers() {
    let spec = r#"{"generator":"scaffold","domains":[
      {"domainId":"copy","scenarios":[{"id":"a"}],"complexity":{"handlerCount":0}},
      {"domainId":"paste_it","scenarios":[],"handlers":["read"]},
      {"domainId":"nope","scenarios":[]}]}"#;
    let r = World::new()
        .with("p/__tests__/business-bdd/s.json", spec)
        .run();
    let got: Vec<(&str, String)> = r
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.pointer.to_string()))
        .collect();
    assert!(
        got.contains(&(
            "bdd-spec-handler-mismatch",
            "/domains/0/complexity/handlerCount".into()
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&("bdd-link-broken", "/domains/2/domainId".into())),
        "{got:?}"
    );
    assert!(
        !got.iter().any(|(_, p)| p == "/domains/1/handlers"),
        "{got:?}"
    );
    assert_eq!(domain(&r, "copy").specs[0].scenarios, 1);
    let r = World::new()
        .config("[bdd]\nstub-generators = [\"scaffold\"]\n")
        .with("p/__tests__/business-bdd/s.json", spec)
        .run();
    assert!(domain(&r, "copy").specs[0].stub);
}

#[test]
fn json_spec_scenarios_name_only_emitted_events() {
    let spec = r#"{"domains":[{"domainId":"copy","handlers":["serialize","notify"],"scenarios":[
      {"given":"ready","when":"app:copy:serialize fires","then":["app:copy:gone is emitted"]}]}]}"#;
    let r = World::new()
        .with("p/__tests__/business-bdd/s.json", spec)
        .run();
    let f: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::BddEventUnknown)
        .collect();
    assert_eq!(f.len(), 1, "{:?}", r.findings);
    assert_eq!(f[0].pointer.to_string(), "/domains/0/scenarios/0/then/0");
    let spec = r#"{"traceability":{"sequences":["copy"],"handlers":["serialize","notify"]},
      "scenarios":[{"title":"t","given":"x","when":"y","then":"app:copy:nope"}]}"#;
    let r = World::new()
        .with("p/.generated/x-business-bdd.json", spec)
        .run();
    assert_eq!(
        rules(&r),
        ["bdd-coverage", "bdd-event-unknown"],
        "{:?}",
        r.findings
    );
}

#[test]
fn traceability_specs_compare_the_union_of_their_sequences_handlers() {
    let spec = r#"{"traceability":{"sequences":["copy"],"handlers":["serialize","extra"]},"scenarios":[{},{}]}"#;
    let r = World::new()
        .with("p/.generated/x-business-bdd.json", spec)
        .run();
    let m: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::BddSpecHandlerMismatch)
        .collect();
    assert_eq!(m.len(), 1);
    assert!(
        m[0].message.contains("names extra") && m[0].message.contains("lacks notify"),
        "{}",
        m[0].message
    );
    assert_eq!(domain(&r, "copy").specs[0].scenarios, 2);
    let spec = r#"{"traceability":{"sequences":["gone"],"handlers":[]}}"#;
    let r = World::new()
        .with("p/.generated/x-business-bdd.json", spec)
        .run();
    assert!(rules(&r).contains(&"bdd-link-broken"));
}

#[test]
fn config_rejects_bad_bdd_keys() {
    for (text, needle) in [
        ("[bdd]\ntarget = 1.5\n", "not a ratio"),
        ("[bdd]\ncount = [\"features\"]\n", "unknown kind"),
        ("[bdd]\nstub-marker = \" \"\n", "must not be empty"),
        (
            "[bdd]\nfeatures = [\"../x/*.feature\"]\n",
            "leaves the repository",
        ),
        ("[bdd]\nplan-entries = \"\"\n", "point at the entries"),
        ("[bdd]\nunknown = 1\n", "unknown field"),
    ] {
        let e = Config::parse(text, "audit.toml").unwrap_err();
        assert!(e.message.contains(needle), "{text}: {}", e.message);
        assert!(e.position.is_some());
    }
}
