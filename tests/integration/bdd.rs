//! `git audit bdd` and `git audit bdd stub` through the real binary: linking by tag, file name
//! and plan, coverage and its target, each `bdd-*` rule both ways, malformed features as
//! findings, unreadable JSON as exit 2, stub generation that never overwrites a real feature,
//! and the corpus (when `AUDIT_CORPUS` is set).

use serde_json::Value;

use crate::support::{Run, TestRepo};

pub const REG: &str = "orchestration-domains.json";

const REGISTRY: &str = r#"{
  "domains": [
    { "id": "copy", "name": "Copy", "category": "plugin", "tempo": 120, "key": "C", "timeSignature": "4/4" },
    { "id": "paste_it", "name": "Paste", "category": "plugin", "tempo": 120, "key": "C", "timeSignature": "4/4" }
  ]
}
"#;

const COPY_SEQ: &str = r#"{
  "id": "copy",
  "movements": [
    { "id": "copy-main", "name": "Copy to clipboard", "beats": [
      { "beat": 1, "title": "Serialize", "handler": "serialize", "event": "app:copy:serialize" },
      { "beat": 2, "title": "Notify", "handler": "notify", "event": "app:copy:notify",
        "acceptanceCriteria": ["a toast says copied"] }
    ] }
  ]
}
"#;

const PASTE_SEQ: &str = r#"{
  "id": "paste_it",
  "movements": [
    { "id": "paste-main", "beats": [
      { "beat": 1, "handler": "read", "event": "app:paste:read" }
    ] }
  ]
}
"#;

/// A feature for `copy`, linked by tag, naming an event the sequence emits.
pub const COPY_FEATURE: &str = "@domain:copy
Feature: Copy
  Scenario: copy a component
    When the user copies
    Then \"app:copy:notify\" is emitted
";

/// A clean world: a registry with two domains, their sequences, a feature for each (by tag
/// and by file name), nothing to report.
pub fn bdd_world(repo: &TestRepo) {
    repo.write(REG, REGISTRY);
    repo.write("json-sequences/copy.json", COPY_SEQ);
    repo.write("json-sequences/paste.json", PASTE_SEQ);
    repo.write("features/copy-spec.feature", COPY_FEATURE);
    repo.write(
        "features/Paste-It.feature",
        "Feature: Paste\n  Scenario: paste\n    Given a clipboard\n    When the user pastes\n    Then \"app:paste:read\" is emitted\n",
    );
}

fn bdd(repo: &TestRepo, args: &[&str]) -> Run {
    repo.git(["add", "-A"]);
    let mut all = vec!["bdd"];
    all.extend_from_slice(args);
    repo.audit(all)
}

fn rules(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["rule"].as_str().unwrap_or("?").to_string())
        .collect()
}

fn domain<'v>(report: &'v Value, id: &str) -> &'v Value {
    report["domains"]
        .as_array()
        .and_then(|d| d.iter().find(|x| x["id"] == id))
        .unwrap_or_else(|| panic!("no domain {id} in {report:#}"))
}

// ---- fixtures shared with rules.rs: each one edit away from `bdd_world`.

/// `bdd-coverage`: paste_it loses its feature, 1 of 2 covered.
pub fn bdd_uncovered(repo: &TestRepo) {
    bdd_world(repo);
    std::fs::remove_file(repo.path("features/Paste-It.feature")).unwrap();
}

/// `bdd-feature-invalid`: free text after a description's comment.
pub fn bdd_invalid_feature(repo: &TestRepo) {
    bdd_world(repo);
    repo.write(
        "features/copy-spec.feature",
        "@domain:copy\nFeature: Copy\n  In order to copy\n  # a note\n  As a user\n",
    );
}

/// `bdd-feature-orphan`: a feature named after nothing, without a tag.
pub fn bdd_orphan_feature(repo: &TestRepo) {
    bdd_world(repo);
    repo.write(
        "features/build-pipeline.feature",
        "Feature: Build\n  Scenario: b\n    Given x\n",
    );
}

/// `bdd-link-broken`: a tag naming a domain no registry has.
pub fn bdd_broken_tag(repo: &TestRepo) {
    bdd_world(repo);
    repo.write(
        "features/copy-spec.feature",
        COPY_FEATURE.replace("@domain:copy", "@domain:copy @domain:ghost"),
    );
}

/// `bdd-event-unknown`: a step waiting for an event the sequence does not emit.
pub fn bdd_unknown_event(repo: &TestRepo) {
    bdd_world(repo);
    repo.write(
        "features/copy-spec.feature",
        COPY_FEATURE.replace("app:copy:notify", "app:copy:done"),
    );
}

/// `bdd-spec-handler-mismatch`: a JSON spec's handlers are not the sequence's.
pub fn bdd_spec_mismatch(repo: &TestRepo) {
    bdd_world(repo);
    repo.write(
        "pkg/__tests__/business-bdd/copy.json",
        r#"{"domains":[{"domainId":"copy","scenarios":[{"id":"a"}],"handlers":["serialize"]}]}"#,
    );
}

/// The clean twin of [`bdd_spec_mismatch`].
pub fn bdd_spec_matching(repo: &TestRepo) {
    bdd_world(repo);
    repo.write(
        "pkg/__tests__/business-bdd/copy.json",
        r#"{"domains":[{"domainId":"copy","scenarios":[{"id":"a"}],"handlers":["notify","serialize"]}]}"#,
    );
}

/// `bdd-stub-only`: paste_it's only feature is a stub.
pub fn bdd_stub_only(repo: &TestRepo) {
    bdd_world(repo);
    repo.write(
        "features/Paste-It.feature",
        "# AUTO-GENERATED STUB. Replace with real scenarios.\nFeature: Paste\n  Scenario: s\n    Given x\n",
    );
}

// ---- tests

#[test]
fn a_clean_world_is_fully_covered_and_reports_nothing() {
    let repo = TestRepo::new();
    bdd_world(&repo);
    let run = bdd(&repo, &["--format", "json"]);
    run.code(0);
    let r = run.json();
    assert_eq!(r["version"], 1);
    assert!(rules(&r).is_empty(), "{r:#}");
    assert_eq!(r["coverage"]["covered"], 2);
    assert_eq!(r["coverage"]["total"], 2);
    assert_eq!(r["coverage"]["ratio"], 1.0);
    assert_eq!(r["coverage"]["target"], 0.9);
    let copy = domain(&r, "copy");
    assert_eq!(copy["covered"], true);
    let kinds: Vec<(&str, &str)> = copy["specs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["kind"].as_str().unwrap(), s["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("feature", "features/copy-spec.feature"),
            ("beats", "json-sequences/copy.json")
        ]
    );
    let spec = &copy["specs"][0];
    assert_eq!(spec["scenarios"], 1);
    assert_eq!(spec["stub"], false);
    assert_eq!(spec["via"], "tag");
    assert_eq!(domain(&r, "paste_it")["specs"][0]["via"], "file-name");
}

#[test]
fn coverage_below_target_warns_and_can_be_raised_to_block() {
    let repo = TestRepo::new();
    bdd_uncovered(&repo);
    let run = bdd(&repo, &[]);
    run.code(0)
        .stdout_has("missing  paste_it")
        .stdout_has("1 of 2 governed domains covered (50.0%; target 90.0%)")
        .stdout_has("warning[bdd-coverage]");
    repo.write("audit.toml", "[rules]\nbdd-coverage = \"error\"\n");
    bdd(&repo, &[]).code(1).stdout_has("error[bdd-coverage]");
    // Excluding the uncovered domain, or lowering the target, makes it pass.
    repo.write(
        "audit.toml",
        "[bdd]\nexclude = [\"paste*\"]\n[rules]\nbdd-coverage = \"error\"\n",
    );
    let r = bdd(&repo, &["--format", "json"]).json();
    assert_eq!(r["coverage"]["total"], 1);
    assert_eq!(domain(&r, "paste_it")["excluded"], true);
    assert!(rules(&r).is_empty(), "{r:#}");
    repo.write(
        "audit.toml",
        "[bdd]\ntarget = 0.5\n[rules]\nbdd-coverage = \"error\"\n",
    );
    bdd(&repo, &[]).code(0);
}

#[test]
fn a_malformed_feature_is_a_finding_with_line_and_column_not_a_crash() {
    let repo = TestRepo::new();
    bdd_invalid_feature(&repo);
    let run = bdd(&repo, &["--format", "json"]);
    run.code(1);
    let r = run.json();
    let f = &r["findings"][0];
    assert_eq!(f["rule"], "bdd-feature-invalid");
    assert_eq!(f["path"], "features/copy-spec.feature");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(5), Some(3))
    );
    // Binary garbage and an unknown language too.
    repo.write(
        "features/copy-spec.feature",
        b"\xff\xfe\x00Feature".as_slice(),
    );
    bdd(&repo, &[]).code(1).stdout_has("not valid UTF-8");
    repo.write(
        "features/copy-spec.feature",
        "# language: tlh\nFeature: x\n",
    );
    bdd(&repo, &[])
        .code(1)
        .stdout_has("features/copy-spec.feature:1:1: error[bdd-feature-invalid]");
}

#[test]
fn each_rule_fires_with_its_position() {
    // A fixture, the rule it triggers, and where: path, line, column.
    type Case = (fn(&TestRepo), &'static str, &'static str, u64, u64);
    let cases: &[Case] = &[
        (
            bdd_orphan_feature,
            "bdd-feature-orphan",
            "features/build-pipeline.feature",
            1,
            1,
        ),
        (
            bdd_broken_tag,
            "bdd-link-broken",
            "features/copy-spec.feature",
            1,
            14,
        ),
        (
            bdd_unknown_event,
            "bdd-event-unknown",
            "features/copy-spec.feature",
            5,
            11,
        ),
        (
            bdd_spec_mismatch,
            "bdd-spec-handler-mismatch",
            "pkg/__tests__/business-bdd/copy.json",
            1,
            57,
        ),
        (bdd_stub_only, "bdd-stub-only", REG, 4, 5),
    ];
    for (fixture, rule, path, line, column) in cases {
        let repo = TestRepo::new();
        fixture(&repo);
        let r = bdd(&repo, &["--format", "json"]).json();
        let f = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == *rule)
            .unwrap_or_else(|| panic!("{rule} not reported: {r:#}"));
        assert_eq!(f["path"], *path, "{rule}");
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(*line), Some(*column)),
            "{rule}: {f:#}"
        );
        assert!(!f["hint"].as_str().unwrap_or("").is_empty());
    }
    let repo = TestRepo::new();
    bdd_spec_matching(&repo);
    let r = bdd(&repo, &["--format", "json"]).json();
    assert!(rules(&r).is_empty(), "{r:#}");
}

#[test]
fn plan_links_are_checked_and_a_plan_entry_alone_is_not_coverage() {
    let repo = TestRepo::new();
    bdd_uncovered(&repo);
    repo.write(
        "plan.json",
        r#"{"domainSequences":[
  {"id":"paste_it","bddSpec":"bdd/paste.feature"},
  {"id":"ghost","bddSpec":"features/copy-spec.feature"}
]}"#,
    );
    repo.write(
        "audit.toml",
        "[[plan]]\npath = \"plan.json\"\nids = \"/domainSequences/*/id\"\n",
    );
    let r = bdd(&repo, &["--format", "json"]).json();
    let broken: Vec<(String, String)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "bdd-link-broken")
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["pointer"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        broken,
        [
            (
                "plan.json".to_string(),
                "/domainSequences/0/bddSpec".to_string()
            ),
            ("plan.json".to_string(), "/domainSequences/1/id".to_string())
        ]
    );
    assert_eq!(domain(&r, "paste_it")["covered"], false);
    // The plan names a feature that exists: the feature covers; the plan row alone would not.
    repo.write(
        "bdd/paste.feature",
        "Feature: p\n  Scenario: s\n    Given x\n",
    );
    let r = bdd(&repo, &["--format", "json"]).json();
    let paste = domain(&r, "paste_it");
    assert_eq!(paste["covered"], true, "{paste:#}");
    let vias: Vec<(&str, &str)> = paste["specs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["kind"].as_str().unwrap(), s["via"].as_str().unwrap()))
        .collect();
    assert!(
        vias.contains(&("plan", "plan")) && vias.contains(&("feature", "plan")),
        "{vias:?}"
    );
}

#[test]
fn the_index_is_read_not_the_work_tree_and_rev_reads_a_commit() {
    let repo = TestRepo::new();
    bdd_world(&repo);
    repo.git(["add", "-A"]);
    repo.commit_all("base");
    // An unstaged deletion does not change what `bdd` reads; staging it does.
    std::fs::remove_file(repo.path("features/Paste-It.feature")).unwrap();
    let r = repo.audit(["bdd", "--format", "json"]).json();
    assert_eq!(r["coverage"]["covered"], 2);
    let r = repo.audit(["bdd", "--worktree", "--format", "json"]).json();
    assert_eq!(r["coverage"]["covered"], 1);
    repo.git(["add", "-A"]);
    let r = repo.audit(["bdd", "--format", "json"]).json();
    assert_eq!(r["coverage"]["covered"], 1);
    let r = repo
        .audit(["bdd", "--rev", "HEAD", "--format", "json"])
        .json();
    assert_eq!(r["coverage"]["covered"], 2);
    assert_eq!(r["snapshot"], "HEAD");
}

#[test]
fn unreadable_inputs_exit_2() {
    let repo = TestRepo::new();
    bdd_world(&repo);
    repo.write("json-sequences/paste.json", "{ not json");
    bdd(&repo, &[])
        .code(2)
        .stderr_has("json-sequences/paste.json:1:3");
    let repo = TestRepo::new();
    repo.write("features/a.feature", "Feature: a\n");
    bdd(&repo, &[])
        .code(2)
        .stderr_has("no registry in the index");
    let repo = TestRepo::new();
    bdd_world(&repo);
    repo.write("audit.toml", "[bdd]\ncount = [\"everything\"]\n");
    bdd(&repo, &[])
        .code(2)
        .stderr_has("audit.toml (index):2:10: key `count`: unknown kind");
    bdd(&repo, &["--format", "sarif"])
        .code(2)
        .stderr_has("`bdd` writes human, json or markdown output, not sarif");
}

#[test]
fn markdown_output_has_the_coverage_and_a_row_per_domain() {
    let repo = TestRepo::new();
    bdd_uncovered(&repo);
    bdd(&repo, &["--format", "markdown"])
        .code(0)
        .stdout_has("**1 of 2 governed domains covered (50.0%)**")
        .stdout_has("| `paste_it` | **no** | — |")
        .stdout_has("- warning `bdd-coverage`");
}

#[test]
fn stub_prints_writes_stages_and_never_overwrites_a_real_feature() {
    let repo = TestRepo::new();
    bdd_uncovered(&repo);
    repo.git(["add", "-A"]);
    repo.commit_all("base");
    // Printed by default, for the uncovered domain only.
    let run = repo.audit(["bdd", "stub"]);
    run.code(0)
        .stdout_has("@domain:paste_it\nFeature: Paste\n")
        .stdout_has("AUTO-GENERATED STUB")
        .stdout_has("Then event \"app:paste:read\" is emitted");
    assert!(!run.stdout.contains("@domain:copy"), "{}", run.stdout);
    // A named domain with a real feature is skipped, and says why.
    repo.audit(["bdd", "stub", "copy"]).code(0).stderr_has(
        "skipped copy: it has a feature that is not a stub: features/copy-spec.feature",
    );
    repo.audit(["bdd", "stub", "nope"])
        .code(2)
        .stderr_has("no registry domain nope");
    // --write --stage: the file is written and staged; the domain is then covered by a stub.
    repo.audit(["bdd", "stub", "paste_it", "--write", "--stage"])
        .code(0)
        .stdout_has("wrote features/paste_it.feature (staged)");
    let staged = repo.git(["diff", "--cached", "--name-only"]);
    assert!(staged.contains("features/paste_it.feature"), "{staged}");
    let r = repo.audit(["bdd", "--format", "json"]).json();
    assert_eq!(domain(&r, "paste_it")["specs"][0]["stub"], true);
    assert!(rules(&r).contains(&"bdd-stub-only".to_string()), "{r:#}");
    assert!(
        !rules(&r).contains(&"bdd-feature-invalid".to_string()),
        "{r:#}"
    );
    // Regenerating over the stub is allowed; over a hand-written file it is refused.
    repo.audit(["bdd", "stub", "paste_it", "--write"]).code(0);
    repo.write("features/paste_it.feature", "Feature: Paste by hand\n");
    let before = repo.read("features/paste_it.feature");
    repo.audit(["bdd", "stub", "paste_it", "--write"])
        .code(2)
        .stderr_has("features/paste_it.feature exists (on disk or in the index) and is not a stub");
    assert_eq!(repo.read("features/paste_it.feature"), before);
    // A hand-written version in the index counts too, even when the file on disk is gone
    // (reading HEAD, where paste_it has no feature, so a stub is planned at that path).
    repo.git(["add", "features/paste_it.feature"]);
    std::fs::remove_file(repo.path("features/paste_it.feature")).unwrap();
    repo.audit([
        "bdd", "stub", "paste_it", "--rev", "HEAD", "--write", "--stage",
    ])
    .code(2)
    .stderr_has("is not a stub");
    assert!(!repo.path("features/paste_it.feature").exists());
    let staged = repo.git(["show", ":features/paste_it.feature"]);
    assert_eq!(staged, before);
}

#[test]
fn corpus_bdd_alignment() {
    let dir = crate::corpus_or_skip!();
    let tree = dir.join("renderx-2025-11-29");
    let repo = TestRepo::new();
    copy_tree(&tree, repo.root());
    repo.git(["add", "-A"]);
    let config = repo.scratch("corpus-audit.toml");
    std::fs::write(
        &config,
        "[[plan]]\npath = \"orchestration-audit-system-project-plan.json\"\nids = \"/domainSequences/*/id\"\n",
    )
    .unwrap();
    let run = repo.audit([
        "--config",
        config.to_str().unwrap(),
        "bdd",
        "--format",
        "json",
    ]);
    // The plan has a duplicate key: it is refused (exit 2) and the rest is still reported.
    run.code(2).stderr_has("duplicate key \"scripts\"");
    let r = run.json();
    assert_eq!(r["coverage"]["total"], 74);
    assert_eq!(r["coverage"]["covered"], 56);
    assert_eq!(r["coverage"]["stubOnly"], 5);
    let count = |rule: &str| rules(&r).iter().filter(|x| *x == rule).count();
    assert_eq!(count("bdd-feature-invalid"), 1);
    assert_eq!(count("bdd-feature-orphan"), 2);
    assert_eq!(count("bdd-stub-only"), 5);
    assert_eq!(count("bdd-spec-handler-mismatch"), 45);
    // The scaffold copied canvas-component-create's topics into three other domains' specs.
    assert_eq!(count("bdd-event-unknown"), 9);
    assert_eq!(count("bdd-link-broken"), 0);
    // The scaffold generator's specs as stubs: only one domain has a real spec.
    std::fs::write(
        &config,
        "[bdd]\nstub-generators = [\"generate-bdd-spec-scaffolds.cjs\"]\n",
    )
    .unwrap();
    let r = repo
        .audit([
            "--config",
            config.to_str().unwrap(),
            "bdd",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(r["coverage"]["covered"], 1);
    assert_eq!(
        domain(&r, "musical-conductor-orchestration")["covered"],
        true
    );
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

// ---- the commit gate: `check`, `ci` and the hooks report the `bdd-*` rules with `[bdd]`.

/// `check --format json` with extra arguments; the rules of its findings (suppressed ones too).
fn check_rules(repo: &TestRepo, args: &[&str], code: i32) -> (Value, Vec<String>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let v = repo.audit(all).code(code).json();
    let r = rules(&v);
    (v, r)
}

/// The clean world with a `[bdd]` table, committed.
fn gated_world(repo: &TestRepo, toml: &str) {
    bdd_world(repo);
    repo.write("audit.toml", toml);
    repo.commit_all("the clean bdd world");
}

#[test]
fn hook_blocks_a_commit_with_a_broken_bdd_link() {
    let repo = TestRepo::new();
    gated_world(&repo, "[bdd]\n");
    repo.install_gate_hook();
    let before = repo.head();
    bdd_broken_tag(&repo);
    repo.git(["add", "-A"]);
    let run = repo.commit("tag a ghost domain");
    assert_ne!(run.code, 0, "the commit went through: {run:?}");
    run.stderr_has("bdd-link-broken")
        .stderr_has("features/copy-spec.feature");
    assert_eq!(repo.head(), before);
}

#[test]
fn hook_blocks_bdd_coverage_raised_to_error_and_passes_it_as_a_warning() {
    let repo = TestRepo::new();
    gated_world(&repo, "[bdd]\n[rules]\nbdd-coverage = \"error\"\n");
    repo.install_gate_hook();
    let before = repo.head();
    bdd_uncovered(&repo);
    repo.git(["add", "-A"]);
    let run = repo.commit("drop paste's feature");
    assert_ne!(run.code, 0, "the commit went through: {run:?}");
    run.stderr_has("bdd-coverage");
    assert_eq!(repo.head(), before);
    // At its default severity (warning) it is reported and does not block.
    repo.write("audit.toml", "[bdd]\n");
    repo.git(["add", "-A"]);
    let (_, r) = check_rules(&repo, &[], 0);
    assert_eq!(r, ["bdd-coverage"]);
    repo.commit("drop paste's feature").code(0);
    assert_ne!(repo.head(), before);
}

#[test]
fn without_a_bdd_table_the_gate_reports_no_bdd_rule() {
    let repo = TestRepo::new();
    bdd_world(&repo);
    repo.write("audit.toml", "[rules]\nbdd-link-broken = \"error\"\n");
    repo.commit_all("the world, no [bdd]");
    repo.install_gate_hook();
    bdd_broken_tag(&repo);
    repo.git(["add", "-A"]);
    let (_, r) = check_rules(&repo, &[], 0);
    assert!(!r.iter().any(|r| r.starts_with("bdd-")), "{r:?}");
    let (_, r) = check_rules(&repo, &["--all"], 0);
    assert!(!r.iter().any(|r| r.starts_with("bdd-")), "{r:?}");
    repo.commit("tag a ghost domain").code(0);
    // `git audit bdd` still reports it.
    bdd(&repo, &[]).code(1).stdout_has("bdd-link-broken");
}

#[test]
fn a_waiver_suppresses_a_bdd_finding_in_check() {
    let repo = TestRepo::new();
    gated_world(&repo, "[bdd]\n");
    bdd_broken_tag(&repo);
    repo.git(["add", "-A"]);
    let (_, r) = check_rules(&repo, &[], 1);
    assert_eq!(r, ["bdd-link-broken"]);
    repo.write(
        "audit-waivers.toml",
        "[[waiver]]\nrule = \"bdd-link-broken\"\npath = \"features/*.feature\"\nreason = \"ghost lands next sprint\"\nowner = \"ada\"\nexpires = \"2999-12-31\"\n",
    );
    repo.git(["add", "-A"]);
    let (v, r) = check_rules(&repo, &["--show-suppressed"], 0);
    assert_eq!(r, ["bdd-link-broken"], "{v:#}");
    assert_eq!(v["findings"][0]["suppressed"]["kind"], "waiver", "{v:#}");
}

#[test]
fn a_malformed_feature_is_a_finding_in_the_gate_not_exit_2() {
    let repo = TestRepo::new();
    gated_world(&repo, "[bdd]\n");
    bdd_invalid_feature(&repo);
    repo.git(["add", "-A"]);
    let (v, r) = check_rules(&repo, &[], 1);
    assert!(r.contains(&"bdd-feature-invalid".to_string()), "{v:#}");
    repo.write("features/copy-spec.feature", b"\xff\xfe not utf-8\n");
    repo.git(["add", "-A"]);
    let (v, r) = check_rules(&repo, &[], 1);
    assert!(r.contains(&"bdd-feature-invalid".to_string()), "{v:#}");
}

#[test]
fn check_range_reports_bdd_findings_once_per_commit_that_touched_bdd_inputs() {
    let repo = TestRepo::new();
    gated_world(&repo, "[bdd]\n");
    let base = repo.rev_parse("HEAD");
    bdd_broken_tag(&repo);
    repo.commit_all("tag a ghost domain");
    let touched = repo.rev_parse("HEAD");
    repo.write("README.md", "unrelated\n");
    repo.commit_all("an unrelated commit");
    repo.write("src/app.txt", "still unrelated\n");
    repo.commit_all("another unrelated commit");
    let range = format!("{base}..HEAD");
    let (v, r) = check_rules(&repo, &["--range", &range], 1);
    assert_eq!(r, ["bdd-link-broken"], "{v:#}");
    assert_eq!(v["findings"][0]["commit"], touched.as_str(), "{v:#}");
    // A later commit that touches a BDD input reports it again (the state is still broken).
    repo.write(
        "features/other.feature",
        "@domain:copy\nFeature: More\n  Scenario: s\n    Given x\n",
    );
    repo.commit_all("another feature");
    let (v, r) = check_rules(&repo, &["--range", &range], 1);
    assert_eq!(r, ["bdd-link-broken", "bdd-link-broken"], "{v:#}");
    // `--all` on an unrelated snapshot reports it; the plain staged check of nothing does not.
    check_rules(&repo, &["--all"], 1);
    let (_, r) = check_rules(&repo, &[], 0);
    assert!(r.is_empty(), "{r:?}");
}

#[test]
fn ci_reports_bdd_findings_of_the_commits_that_touched_bdd_inputs() {
    let repo = TestRepo::new();
    gated_world(&repo, "[bdd]\n[changelog]\nenabled = false\n");
    let base = repo.rev_parse("HEAD");
    repo.write("notes.txt", "unrelated\n");
    repo.commit_all("an unrelated commit");
    crate::governance::run(&repo, &["ci", "--base", &base, "--format", "json"]).code(0);
    bdd_broken_tag(&repo);
    repo.commit_all("tag a ghost domain");
    let touched = repo.rev_parse("HEAD");
    repo.write("notes.txt", "still unrelated\n");
    repo.commit_all("another unrelated commit");
    let v = crate::governance::run(&repo, &["ci", "--base", &base, "--format", "json"])
        .code(1)
        .json();
    assert_eq!(rules(&v), ["bdd-link-broken"], "{v:#}");
    assert_eq!(v["findings"][0]["commit"], touched.as_str(), "{v:#}");
}

#[test]
fn an_unparsable_spec_or_plan_is_a_finding_in_the_gate_reported_once() {
    let repo = TestRepo::new();
    gated_world(
        &repo,
        "[bdd]\n[[plan]]\npath = \"plan.json\"\nids = \"/domainSequences/*/id\"\n",
    );
    repo.write("pkg/__tests__/business-bdd/copy.json", "{ \"domain\": ");
    repo.write(
        "plan.json",
        "{ \"domainSequences\": [], \"domainSequences\": [] }",
    );
    repo.git(["add", "-A"]);
    let (v, r) = check_rules(&repo, &[], 1);
    let about = |path: &str| {
        v["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["path"] == path)
            .count()
    };
    assert_eq!(about("pkg/__tests__/business-bdd/copy.json"), 1, "{v:#}");
    assert_eq!(about("plan.json"), 1, "{v:#}");
    assert!(!r.is_empty());
}
