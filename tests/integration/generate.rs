//! `git audit registry generate` and the `registry-*` generation rules, through the real binary:
//! `--check` / `--stage` / `--stdout`, determinism, hand-kept parts, `registry-stale` in the
//! pre-commit hook, and the corpus tree (generation from its sequence files and from its
//! catalog) when `AUDIT_CORPUS` is set.

use std::path::Path;

use crate::support::{corpus, TestRepo};

pub const REG: &str = "orchestration-domains.json";
pub const COPY: &str = "packages/app/json-sequences/copy.json";
pub const PASTE: &str = "packages/app/json-sequences/paste.json";

pub const CONFIG: &str = r#"[[artifact]]
path = "orchestration-domains.json"
kind = "registry"

[[artifact]]
path = "packages/*/json-sequences/*.json"
kind = "sequence"

[generate]
registry = "orchestration-domains.json"
overlay = "registry-overlay.json"

[[generate.source]]
kind = "sequences"
paths = ["packages/*/json-sequences/*.json"]
category = "plugin"
emoji = "P"
purpose = "Feature implementation"
description = "Plugin sequence: {name}"

[generate.domain.paste-symphony]
status = "experimental"
"#;

pub const COPY_SEQ: &str = r#"{
  "id": "copy-symphony",
  "name": "Copy",
  "movements": [
    {
      "name": "Copy to Clipboard",
      "beats": [
        { "beat": 1, "event": "app:copy:serialize", "handler": "serialize", "kind": "pure" },
        { "beat": 2, "event": "app:copy:write", "handler": "write", "kind": "io" }
      ]
    }
  ]
}
"#;

/// Carries its id as `sequenceId` only, and counts its beats as an integer.
pub const PASTE_SEQ: &str = r#"{
  "sequenceId": "paste-symphony",
  "name": "Paste",
  "movements": [
    { "name": "Paste", "beats": 3 }
  ]
}
"#;

pub const OVERLAY: &str = r#"{
  "domains": [
    { "id": "host-infrastructure", "name": "Host", "category": "infrastructure", "tempo": 120, "key": "C Major", "timeSignature": "4/4" },
    { "id": "copy-symphony", "parent": "host-infrastructure" }
  ]
}
"#;

/// Sources, config and overlay, without a registry.
pub fn sources(repo: &TestRepo) {
    repo.write("audit.toml", CONFIG);
    repo.write(COPY, COPY_SEQ);
    repo.write(PASTE, PASTE_SEQ);
    repo.write("registry-overlay.json", OVERLAY);
}

/// Sources and the registry they generate, written to the work tree (nothing staged).
pub fn generated_world(repo: &TestRepo) {
    sources(repo);
    repo.audit(["registry", "generate", "--worktree"]).code(0);
}

/// A committed generated world.
fn committed(repo: &TestRepo) {
    generated_world(repo);
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--no-verify", "-m", "generated"]);
}

/// The registry with one generated field edited by hand.
pub fn hand_edited(repo: &TestRepo) {
    generated_world(repo);
    let text = repo.read(REG).replace("\"beats\": 3", "\"beats\": 4");
    repo.write(REG, text);
}

/// Two sequences with the same id.
pub fn duplicate_source(repo: &TestRepo) {
    generated_world(repo);
    repo.write(
        "packages/app/json-sequences/zz-copy.json",
        COPY_SEQ.replace("\"Copy\"", "\"Copy again\""),
    );
}

/// A source without `movements`.
pub fn invalid_source(repo: &TestRepo) {
    generated_world(repo);
    repo.write(
        "packages/app/json-sequences/broken.json",
        r#"{"id": "broken-symphony", "name": "Broken"}"#,
    );
}

fn domains(v: &serde_json::Value) -> Vec<&str> {
    v["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect()
}

#[test]
fn generate_writes_the_registry_from_its_sources_and_hand_kept_parts() {
    let repo = TestRepo::new();
    sources(&repo);
    repo.git(["add", "-A"]);
    repo.audit(["registry", "generate", "--stage"])
        .code(0)
        .stdout_has("wrote orchestration-domains.json")
        .stdout_has("staged orchestration-domains.json");
    let staged = repo.git(["show", ":orchestration-domains.json"]);
    let v: serde_json::Value = serde_json::from_str(&staged).unwrap();
    assert_eq!(
        domains(&v),
        ["copy-symphony", "paste-symphony", "host-infrastructure"]
    );
    let copy = &v["domains"][0];
    assert_eq!(copy["sequenceFile"], COPY);
    assert_eq!(
        copy["parent"], "host-infrastructure",
        "overlay field merged"
    );
    assert_eq!(
        copy["sketch"]["phases"][0]["items"],
        serde_json::json!(["Serialize (pure)", "Write (io)"])
    );
    let paste = &v["domains"][1];
    assert_eq!(paste["beats"], 3, "an integer beat count is counted");
    assert_eq!(paste["status"], "experimental", "per-id override");
    assert_eq!(
        paste["sketch"]["phases"][0]["items"],
        serde_json::json!(["Beat 1", "Beat 2", "Beat 3"])
    );
    // The generated registry passes the registry ↔ sequence rules (shared identity and
    // counting: `sequenceId` is an id, integer beats are counted).
    repo.audit(["check", "--staged", "--all"]).code(0);
}

#[test]
fn generating_twice_is_byte_identical_and_check_is_clean() {
    let repo = TestRepo::new();
    committed(&repo);
    let first = repo.read_bytes(REG);
    repo.audit(["registry", "generate", "--stage"])
        .code(0)
        .stdout_has("is up to date");
    assert_eq!(repo.read_bytes(REG), first);
    repo.audit(["registry", "generate", "--check"])
        .code(0)
        .stdout_has("is what its sources generate");
    let out = repo.audit(["registry", "generate", "--stdout"]);
    out.code(0);
    assert_eq!(out.stdout.as_bytes(), first.as_slice());
}

#[test]
fn generation_keeps_the_files_layout_and_leaves_metadata_generated_alone() {
    let repo = TestRepo::new();
    committed(&repo);
    // Tabs, no final newline, a timestamp and a hand-kept root member.
    let v: serde_json::Value = serde_json::from_slice(&repo.read_bytes(REG)).unwrap();
    let mut root = serde_json::Map::new();
    root.insert("id".into(), "registry".into());
    root.insert(
        "metadata".into(),
        serde_json::json!({"generated": "2020-01-01T00:00:00.000Z"}),
    );
    root.insert("domains".into(), v["domains"].clone());
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(&serde_json::Value::Object(root), &mut ser).unwrap();
    repo.write(REG, &buf);
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--no-verify", "-m", "tabs"]);
    repo.audit(["registry", "generate", "--stage"]).code(0);
    assert_eq!(repo.read_bytes(REG), buf, "nothing changed canonically");
    // A sequence change: regenerated in the same layout, with a new timestamp.
    repo.write(COPY, COPY_SEQ.replace("\"Copy\"", "\"Copy all\""));
    repo.git(["add", "-A"]);
    repo.audit(["registry", "generate", "--stage"]).code(0);
    let text = repo.read(REG);
    assert!(
        text.starts_with("{\n\t\"id\": \"registry\",\n\t\"metadata\""),
        "{text}"
    );
    assert!(!text.ends_with('\n'));
    assert!(text.contains("\"name\": \"Copy all\""));
    assert!(!text.contains("2020-01-01T00:00:00.000Z"));
}

#[test]
fn check_reports_the_structural_diff_in_every_format() {
    let repo = TestRepo::new();
    hand_edited(&repo);
    repo.git(["add", "-A"]);
    repo.audit(["registry", "generate", "--check"])
        .code(1)
        .stdout_has("domain paste-symphony")
        .stdout_has("/beats: 4 → 3")
        .stdout_has("is stale");
    let json = repo.audit(["registry", "generate", "--check", "--format", "json"]);
    json.code(1);
    let v = json.json();
    assert_eq!(v["stale"], true);
    assert_eq!(
        v["diff"]["artifacts"][0]["items"][0]["id"],
        "paste-symphony"
    );
    assert_eq!(v["findings"][0]["rule"], "registry-stale");
    repo.audit(["registry", "generate", "--check", "--format", "markdown"])
        .code(1)
        .stdout_has("paste-symphony");
    repo.audit(["registry", "generate", "--check", "--format", "sarif"])
        .code(2);
}

#[test]
fn a_hand_edit_and_an_unregenerated_sequence_change_are_blocked_by_registry_stale() {
    let repo = TestRepo::new();
    committed(&repo);
    // A hand edit of a generated field.
    let text = repo
        .read(REG)
        .replace("\"emoji\": \"P\"", "\"emoji\": \"X\"");
    repo.write(REG, text);
    repo.git(["add", "-A"]);
    repo.audit(["check", "--staged"])
        .code(1)
        .stdout_has("registry-stale");
    repo.git(["checkout", "-q", "HEAD", "--", REG]);
    repo.git(["reset", "-q"]);
    // A sequence change without regenerating.
    repo.write(COPY, COPY_SEQ.replace("\"Copy\"", "\"Copy all\""));
    repo.git(["add", "-A"]);
    let run = repo.audit(["check", "--staged", "--format", "json"]);
    run.code(1);
    let v = run.json();
    let stale = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "registry-stale")
        .expect("registry-stale");
    assert!(
        stale["message"]
            .as_str()
            .unwrap()
            .contains("domain copy-symphony (description, name, sketch)"),
        "{stale}"
    );
    // Regenerating clears it.
    repo.audit(["registry", "generate", "--stage"]).code(0);
    repo.audit(["check", "--staged"]).code(0);
}

#[test]
fn the_pre_commit_hook_blocks_a_stale_registry() {
    let repo = TestRepo::new();
    committed(&repo);
    repo.audit(["install"]).code(0);
    repo.write(COPY, COPY_SEQ.replace("\"Copy\"", "\"Copy all\""));
    repo.git(["add", "-A"]);
    let blocked = repo.commit("sequence changed, registry not regenerated");
    assert_ne!(blocked.code, 0, "{}\n{}", blocked.stdout, blocked.stderr);
    assert!(
        blocked.stderr.contains("registry-stale") || blocked.stdout.contains("registry-stale"),
        "{}\n{}",
        blocked.stdout,
        blocked.stderr
    );
    repo.audit(["registry", "generate", "--stage"]).code(0);
    let ok = repo.commit("regenerated");
    assert_eq!(ok.code, 0, "{}\n{}", ok.stdout, ok.stderr);
}

#[test]
fn the_pre_commit_framework_hook_runs_the_same_gate() {
    // `.pre-commit-hooks.yaml` names the same `git audit hook pre-commit` entry the native
    // hook runs; the framework itself is exercised by scripts/prove-pre-commit.sh.
    let hooks = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let repo = TestRepo::new();
    committed(&repo);
    repo.write(COPY, COPY_SEQ.replace("\"Copy\"", "\"Copy all\""));
    repo.git(["add", "-A"]);
    let entry = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry:"))
        .expect("an entry in .pre-commit-hooks.yaml")
        .trim()
        .to_string();
    let args: Vec<&str> = entry.split_whitespace().skip(1).collect();
    let run = repo.audit(args);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("registry-stale"),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn sources_that_cannot_be_generated_from_block_and_are_not_written() {
    let repo = TestRepo::new();
    invalid_source(&repo);
    repo.git(["add", "-A"]);
    repo.audit(["registry", "generate", "--stage"])
        .code(2)
        .stderr_has("registry-source-invalid")
        .stderr_has("broken.json");
    repo.audit(["registry", "generate", "--check"])
        .code(1)
        .stdout_has("registry-source-invalid");
    let repo = TestRepo::new();
    duplicate_source(&repo);
    repo.git(["add", "-A"]);
    repo.audit(["registry", "generate", "--check"])
        .code(1)
        .stdout_has("registry-source-duplicate-id")
        .stdout_has("packages/app/json-sequences/copy.json");
}

#[test]
fn generate_never_overwrites_unstaged_registry_edits() {
    let repo = TestRepo::new();
    committed(&repo);
    let edited = repo
        .read(REG)
        .replace("\"emoji\": \"P\"", "\"emoji\": \"X\"");
    repo.write(REG, &edited);
    repo.audit(["registry", "generate", "--stage"])
        .code(2)
        .stderr_has("unstaged changes");
    assert_eq!(repo.read(REG), edited);
}

#[test]
fn generate_without_sources_says_how_to_configure_them() {
    let repo = TestRepo::new();
    repo.write("x.txt", "x");
    repo.git(["add", "-A"]);
    repo.audit(["registry", "generate", "--check"])
        .code(2)
        .stderr_has("[[generate.source]]");
}

/// The corpus tree in a scratch repository, with sources declared the way the origin's
/// generator read them.
fn corpus_repo(corpus: &Path, sources: &str) -> TestRepo {
    let repo = TestRepo::new();
    let tree = corpus.join("renderx-2025-11-29");
    let status = std::process::Command::new("cp")
        .arg("-R")
        .arg(format!("{}/.", tree.display()))
        .arg(repo.root())
        .status()
        .unwrap();
    assert!(status.success());
    repo.write(
        "audit.toml",
        format!("[generate]\nregistry = \"orchestration-domains.json\"\n{sources}"),
    );
    repo.git(["add", "-A"]);
    repo
}

pub const CORPUS_SEQUENCES: &str = r#"
[[generate.source]]
kind = "sequences"
paths = ["packages/*/json-sequences/**/*.json", "catalog/json-sequences/**/*.json"]
ignore = ["packages/orchestration/**", "**/index.json", "**/package.json", "**/tsconfig.json"]
category = "plugin"
emoji = "🔌"
purpose = "Feature implementation"
description = "Plugin sequence: {name}"
link = "pluginId"

[[generate.source]]
kind = "sequences"
paths = ["packages/orchestration/json-sequences/*.json", "packages/ographx/.ographx/sequences/*.json"]
description = "Orchestration domain: {name}"
"#;

/// The plugin domains from the catalog (as the origin's generator read them), the
/// orchestration domains from their sequence files.
pub const CORPUS_CATALOG: &str = r#"
[[generate.source]]
kind = "catalog"
paths = ["packages/ographx/.ographx/artifacts/renderx-web/catalog/catalog-sequences.json"]
category = "plugin"
emoji = "🔌"
purpose = "Feature implementation"
description = "Plugin sequence: {name}"

[[generate.source]]
kind = "sequences"
paths = ["packages/orchestration/json-sequences/*.json", "packages/ographx/.ographx/sequences/*.json"]
description = "Orchestration domain: {name}"
"#;

/// Fields a team sets by hand on generated domains (or that no sequence carries).
const HAND: &[&str] = &[
    "emoji",
    "description",
    "purpose",
    "relatedDomains",
    "status",
    "parent",
    "npmScripts",
    "artifactPath",
    "docsPath",
    "description_long",
];

/// The overlay a team adopting generation would commit: the hand-set fields of generated
/// domains, and the domains that link to no source at all (neither `sequenceFile` nor
/// `pluginId`, and not the origin's catalog placeholders).
fn adoption_overlay(committed: &serde_json::Value, generated: &serde_json::Value) -> String {
    let generated: std::collections::BTreeMap<&str, &serde_json::Value> = generated["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d))
        .collect();
    let mut out = Vec::new();
    for d in committed["domains"].as_array().unwrap() {
        let id = d["id"].as_str().unwrap();
        match generated.get(id) {
            Some(g) => {
                let mut entry = serde_json::Map::new();
                entry.insert("id".into(), id.into());
                for f in HAND {
                    if let Some(v) = d.get(*f) {
                        if g.get(*f) != Some(v) {
                            entry.insert(f.to_string(), v.clone());
                        }
                    }
                }
                if entry.len() > 1 {
                    out.push(serde_json::Value::Object(entry));
                }
            }
            None => {
                let linked = ["sequenceFile", "pluginId"]
                    .iter()
                    .any(|k| d.get(*k).is_some_and(|v| !v.is_null()));
                if !linked && !id.starts_with("catalog-placeholder-") {
                    out.push(d.clone());
                }
            }
        }
    }
    serde_json::json!({ "domains": out }).to_string()
}

/// Changed domains of a `--check --format json` report: id → (change, top-level fields).
fn changes(v: &serde_json::Value) -> Vec<String> {
    v["diff"]["artifacts"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let mut fields: Vec<&str> = i["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    c["pointer"]
                        .as_str()
                        .unwrap()
                        .split('/')
                        .nth(1)
                        .unwrap_or("")
                })
                .collect();
            fields.dedup();
            format!(
                "{} {} {}",
                i["change"].as_str().unwrap(),
                i["id"].as_str().unwrap(),
                fields.join(",")
            )
            .trim_end()
            .to_string()
        })
        .collect()
}

/// The corpus's invalid and duplicate sources, accepted as warnings while adopting (they are
/// reported, not written over).
const WARN: &str =
    "[rules]\nregistry-source-invalid = \"warning\"\nregistry-source-duplicate-id = \"warning\"\n";

/// With the hand-kept parts declared, what is left of the diff is real drift.
fn with_overlay(repo: &TestRepo, sources: &str) -> serde_json::Value {
    let committed: serde_json::Value = serde_json::from_str(&repo.read(REG)).unwrap();
    repo.write(
        "audit.toml",
        format!("[generate]\nregistry = \"orchestration-domains.json\"\n{sources}\n{WARN}"),
    );
    repo.git(["add", "-A"]);
    let out = repo.audit(["registry", "generate", "--stdout"]);
    let generated: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|_| panic!("{}\n{}", out.stdout, out.stderr));
    repo.write(
        "registry-overlay.json",
        adoption_overlay(&committed, &generated),
    );
    repo.write(
        "audit.toml",
        format!(
            "[generate]\nregistry = \"orchestration-domains.json\"\noverlay = \"registry-overlay.json\"\n{sources}\n{WARN}"
        ),
    );
    repo.git(["add", "-A"]);
    let run = repo.audit(["registry", "generate", "--check", "--format", "json"]);
    run.code(1);
    run.json()
}

/// Sequence files the origin's generator never read (it read only the catalog's directories):
/// the domains `registry-missing-sequence` reports missing.
const SEQUENCE_ONLY_DRIFT: &[&str] = &[
    "added build-pipeline-orchestration",
    "added symphony-report-pipeline",
    "added self-healing-anomaly-detect-symphony",
    "added self-healing-deployment-deploy-symphony",
    "added self-healing-diagnosis-analyze-symphony",
    "added self-healing-fix-generate-symphony",
    "added self-healing-learning-track-symphony",
    "added self-healing-telemetry-parse-symphony",
    "added self-healing-validation-run-symphony",
    "added dashboard.export.report",
    "added dashboard.load",
    "added dashboard.refresh.metrics",
];
/// The catalog lists every plugin domain the registry has (minus its id-less entries).
const CATALOG_ONLY_DRIFT: &[&str] = &[
    "added build-pipeline-orchestration",
    "added symphony-report-pipeline",
];

/// The drift left on the corpus once hand-kept parts are declared, from either source: the
/// orchestration domains (same sources in both runs) and the removed domains.
const ORCHESTRATION_DRIFT: &[&str] = &[
    "changed cag-agent-workflow beats,sequenceFile,sketch",
    "changed orchestration-audit-session beats,sequenceFile,sketch",
    "changed orchestration-audit-system beats,sequenceFile,sketch",
    "changed safe-continuous-delivery-pipeline sketch",
    "changed renderx-web-orchestration beats,sketch",
    "changed symphonia-conformity-alignment-pipeline beats,movements,name,sketch",
    "changed architecture-governance-enforcement-symphony sketch",
    "changed symphonic-code-analysis-pipeline sketch",
    "changed fractal-orchestration-domain-symphony sketch",
    "changed symphonic-code-analysis-demo beats,movements,sketch",
    "changed orchestration-registry-audit-pipeline sketch",
    // The origin's placeholders for id-less catalog entries, a sequence without movements
    // (graphing-orchestration), and two domains whose sequence files do not exist.
    "removed catalog-placeholder-1",
    "removed catalog-placeholder-2",
    "removed catalog-placeholder-3",
    "removed catalog-placeholder-4",
    "removed catalog-placeholder-5",
    "removed graphing-orchestration",
    "removed self_sequences",
    "removed musical-conductor-orchestration",
];

#[test]
fn corpus_generation_from_sequences_and_from_the_catalog() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: AUDIT_CORPUS is not set");
        return;
    };
    // From the sequence files.
    let repo = corpus_repo(&corpus, CORPUS_SEQUENCES);
    let run = repo.audit(["registry", "generate", "--check", "--format", "json"]);
    run.code(1);
    let v = run.json();
    let items = v["diff"]["artifacts"][0]["items"].as_array().unwrap();
    let item = |id: &str| items.iter().find(|i| i["id"] == id);
    // The origin wrote 0 beats for integer-counted movements; generation sums them.
    let cag = item("cag-agent-workflow").expect("cag-agent-workflow differs");
    assert!(cag.to_string().contains("\"/beats\""), "{cag}");
    // The hand-added infrastructure domains are not generated (no overlay declares them).
    assert_eq!(
        item("host-sdk-infrastructure").unwrap()["change"],
        "removed"
    );
    // Sequences the origin's registry misses are added.
    assert_eq!(
        item("self-healing-anomaly-detect-symphony").unwrap()["change"],
        "added"
    );
    // Files without `movements` are reported, not skipped.
    let invalid: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "registry-source-invalid")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        invalid.contains(&"packages/ographx/.ographx/sequences/graphing-orchestration.json"),
        "{invalid:?}"
    );
    // Generating twice is byte-identical.
    let a = repo.audit(["registry", "generate", "--stdout"]);
    let b = repo.audit(["registry", "generate", "--stdout"]);
    assert_eq!(a.stdout, b.stdout);

    // From the catalog: the id-less entries are invalid, the rest match the plugin domains
    // except for the hand-kept `parent`.
    let repo = corpus_repo(&corpus, CORPUS_CATALOG);
    let run = repo.audit(["registry", "generate", "--check", "--format", "json"]);
    run.code(1);
    let v = run.json();
    let invalid = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["rule"] == "registry-source-invalid"
                && f["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("catalog-sequences.json")
        })
        .count();
    assert_eq!(invalid, 5, "five catalog entries carry no id");
    let items = v["diff"]["artifacts"][0]["items"].as_array().unwrap();
    let copy = items
        .iter()
        .find(|i| i["id"] == "canvas-component-copy-symphony")
        .unwrap();
    let fields: Vec<&str> = copy["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["/parent"], "{copy}");
}

#[test]
fn corpus_generation_with_hand_kept_parts_declared_leaves_only_real_drift() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: AUDIT_CORPUS is not set");
        return;
    };
    for (sources, only_here) in [
        (CORPUS_SEQUENCES, SEQUENCE_ONLY_DRIFT),
        (CORPUS_CATALOG, CATALOG_ONLY_DRIFT),
    ] {
        let repo = corpus_repo(&corpus, sources);
        let v = with_overlay(&repo, sources);
        let got = changes(&v);
        let mut want: Vec<String> = ORCHESTRATION_DRIFT
            .iter()
            .chain(only_here)
            .map(|s| s.to_string())
            .collect();
        want.sort();
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(sorted, want, "{got:#?}");
    }
}
