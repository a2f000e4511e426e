//! `git audit impact`, the changelog's impact line, release notes' level, the impact rules
//! (`version-bump-missing`, `impact-threshold`) and the corpus registry history replayed.

use serde_json::Value;

use crate::fixtures::{REGISTRY, SEQ_A};
use crate::support::TestRepo;

/// A registry with a version, laid out one domain per line.
fn reg(version: &str, domains: &[&str]) -> String {
    format!(
        "{{\n  \"metadata\": {{ \"version\": \"{version}\" }},\n  \"domains\": [\n    {}\n  ]\n}}\n",
        domains.join(",\n    ")
    )
}

fn dom(id: &str, category: &str, name: &str, movements: u32, beats: u32, tempo: u32) -> String {
    format!(
        r#"{{"id": "{id}", "name": "{name}", "category": "{category}", "tempo": {tempo}, "key": "C Major", "timeSignature": "4/4", "movements": {movements}, "beats": {beats}}}"#
    )
}

fn seq(handler: &str) -> String {
    format!(
        r#"{{"id": "alpha", "name": "Alpha", "category": "plugin", "movements": [{{"id": "m", "beats": [{{"beat": 1, "event": "a:b", "handler": "{handler}"}}]}}]}}"#
    )
}

const BASE_DOMAINS: [(&str, &str, &str, u32, u32, u32); 3] = [
    ("a", "plugin", "A", 3, 9, 120),
    ("o", "orchestration", "O", 2, 4, 100),
    ("gone", "plugin", "Gone", 1, 1, 90),
];

fn base() -> Vec<String> {
    BASE_DOMAINS
        .iter()
        .map(|(i, c, n, m, b, t)| dom(i, c, n, *m, *b, *t))
        .collect()
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn commit(repo: &TestRepo, message: &str) {
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "-m", message]);
}

/// A history with one kind of change per commit after `base`; returns the base commit.
fn synthetic_history(repo: &TestRepo) -> String {
    let mut domains = base();
    repo.write(REGISTRY, reg("1.0.0", &refs(&domains)));
    repo.write(SEQ_A, seq("h"));
    commit(repo, "base");
    let first = repo.rev_parse("HEAD");

    domains.push(dom("new", "orchestration", "New", 1, 1, 60));
    repo.write(REGISTRY, reg("1.0.0", &refs(&domains)));
    commit(repo, "add an orchestration domain");

    domains.retain(|d| !d.contains(r#""id": "gone""#));
    repo.write(REGISTRY, reg("1.0.0", &refs(&domains)));
    commit(repo, "remove a domain");

    repo.write(SEQ_A, seq("h2"));
    commit(repo, "rename a handler");

    domains[0] = dom("a", "plugin", "A", 1, 2, 120);
    repo.write(REGISTRY, reg("1.0.0", &refs(&domains)));
    commit(repo, "cut counts");

    domains[0] = dom("a", "plugin", "A", 1, 2, 90);
    repo.write(REGISTRY, reg("1.0.0", &refs(&domains)));
    commit(repo, "change a tempo");

    domains[1] = dom("o", "orchestration", "Orchestrator", 2, 4, 100);
    repo.write(REGISTRY, reg("1.0.0", &refs(&domains)));
    commit(repo, "rename a domain");

    repo.write(REGISTRY, reg("2.0.0", &refs(&domains)));
    commit(repo, "bump the version only");
    first
}

fn by_summary<'v>(report: &'v Value, summary: &str) -> &'v Value {
    report["commits"]
        .as_array()
        .expect("commits")
        .iter()
        .find(|c| c["summary"] == summary)
        .unwrap_or_else(|| panic!("no commit {summary:?} in {report:#}"))
}

fn items(commit: &Value) -> Vec<(String, String, String, u64, bool)> {
    let mut out = Vec::new();
    for a in commit["artifacts"].as_array().expect("artifacts") {
        for i in a["items"].as_array().expect("items") {
            out.push((
                i["id"].as_str().expect("id").to_string(),
                i["change"].as_str().expect("change").to_string(),
                i["level"].as_str().expect("level").to_string(),
                i["score"].as_u64().expect("score"),
                i["semantic"].as_bool().expect("semantic"),
            ));
        }
    }
    out
}

fn level_score(commit: &Value) -> (String, u64) {
    (
        commit["level"].as_str().expect("level").to_string(),
        commit["score"].as_u64().expect("score"),
    )
}

fn it(
    id: &str,
    change: &str,
    level: &str,
    score: u64,
    semantic: bool,
) -> (String, String, String, u64, bool) {
    (id.into(), change.into(), level.into(), score, semantic)
}

#[test]
fn a_synthetic_history_scores_each_kind_of_change() {
    let repo = TestRepo::new();
    let first = synthetic_history(&repo);
    let run = repo.audit(["impact", &format!("{first}..HEAD"), "--format", "json"]);
    run.code(0);
    let report = run.json();
    assert_eq!(report["version"], 1);
    assert_eq!(report["commits"].as_array().map(Vec::len), Some(7));

    let c = by_summary(&report, "add an orchestration domain");
    assert_eq!(
        level_score(c),
        ("minor".into(), 6),
        "orchestration weighs double: {c:#}"
    );
    assert_eq!(items(c), [it("new", "addition", "minor", 6, false)]);

    let c = by_summary(&report, "remove a domain");
    assert_eq!(level_score(c), ("major".into(), 10));
    assert_eq!(items(c), [it("gone", "removal", "major", 10, false)]);

    let c = by_summary(&report, "rename a handler");
    assert_eq!(level_score(c), ("major".into(), 8));
    assert_eq!(items(c), [it("m/1", "rename", "major", 8, false)]);
    assert_eq!(c["artifacts"][0]["path"], SEQ_A);

    let c = by_summary(&report, "cut counts");
    assert_eq!(
        level_score(c),
        ("minor".into(), 10),
        "a decrease is at least minor"
    );
    assert_eq!(items(c), [it("a", "decrease", "minor", 10, false)]);

    let c = by_summary(&report, "change a tempo");
    assert_eq!(level_score(c), ("patch".into(), 2));
    assert_eq!(items(c), [it("a", "structural", "patch", 2, false)]);

    let c = by_summary(&report, "rename a domain");
    assert_eq!(level_score(c), ("patch".into(), 2));
    assert_eq!(
        items(c),
        [it("o", "metadata", "patch", 2, true)],
        "semantic, listed apart"
    );

    let c = by_summary(&report, "bump the version only");
    assert_eq!(level_score(c), ("none".into(), 0));

    // The range's net change: a domain removed and a handler renamed.
    assert_eq!(report["total"]["level"], "major");
    assert_eq!(report["total"]["commitScore"], 6 + 10 + 8 + 10 + 2 + 2);
    // The range raised the version by a major step: enough for its net change.
    let v = &report["versions"][0];
    assert_eq!(v["path"], REGISTRY);
    assert_eq!((&v["from"], &v["to"]), (&"1.0.0".into(), &"2.0.0".into()));
    assert_eq!(
        (&v["required"], &v["raised"]),
        (&"major".into(), &"major".into())
    );
    assert_eq!(v["verdict"], "enough");
    // Without the last commit, the range's removal finds the version unmoved.
    let report = repo
        .audit(["impact", &format!("{first}..HEAD~1"), "--format", "json"])
        .json();
    let v = &report["versions"][0];
    assert_eq!(
        (&v["verdict"], &v["needed"]),
        (&"too-small".into(), &"2.0.0".into())
    );
}

#[test]
fn human_and_markdown_list_semantic_changes_apart_and_since_gives_the_trend() {
    let repo = TestRepo::new();
    let first = synthetic_history(&repo);
    let run = repo.audit(["impact", "--since", &first, "--color", "never"]);
    run.code(0)
        .stdout_has("semantic (name, description, purpose):")
        .stdout_has("metadata domain o: /name [orchestration]")
        .stdout_has("major   10  removal domain gone")
        .stdout_has("trend (oldest first):")
        .stdout_has("total of --since");
    let md = repo.audit(["impact", "HEAD~1", "--format", "markdown"]);
    md.code(0)
        .stdout_has("## Impact of `HEAD~1`")
        .stdout_has("  - semantic: patch 2: metadata domain `o`: `/name`");
    repo.audit(["impact", "--format", "sarif"])
        .code(2)
        .stderr_has("`impact` writes human, json or markdown output, not sarif");
}

#[test]
fn the_default_is_the_index_against_head() {
    let repo = TestRepo::new();
    synthetic_history(&repo);
    let run = repo.audit(["impact", "--format", "json"]);
    run.code(0);
    assert_eq!(run.json()["commits"].as_array().map(Vec::len), Some(0));
    repo.write(
        REGISTRY,
        reg("2.0.0", &["{\"id\": \"only\", \"category\": \"plugin\"}"]),
    );
    repo.git(["add", "-A"]);
    let report = repo.audit(["impact", "--format", "json"]).json();
    assert_eq!(report["commits"][0]["commit"], "index");
    assert_eq!(report["total"]["level"], "major");
}

#[test]
fn release_notes_suggest_the_impact_level() {
    let repo = TestRepo::new();
    let domains = base();
    repo.write(REGISTRY, reg("1.0.0", &refs(&domains)));
    commit(&repo, "base");
    let mut cut = domains.clone();
    cut[0] = dom("a", "plugin", "A", 1, 2, 120);
    repo.write(REGISTRY, reg("1.0.0", &refs(&cut)));
    commit(&repo, "cut counts");
    let notes = repo
        .audit(["release-notes", "HEAD~1..HEAD", "--format", "json"])
        .json();
    assert_eq!(notes["bump"][0]["level"], "minor", "{notes:#}");
    assert_eq!(notes["bump"][0]["suggested"], "1.1.0");
    let impact = repo
        .audit(["impact", "HEAD~1..HEAD", "--format", "json"])
        .json();
    assert_eq!(impact["total"]["level"], notes["bump"][0]["level"]);
}

#[test]
fn the_changelog_entry_carries_an_impact_line_that_verifies() {
    let repo = TestRepo::new();
    let domains = base();
    repo.write(REGISTRY, reg("1.0.0", &refs(&domains)));
    repo.git(["add", "-A"]);
    repo.audit(["changelog", "record"]).code(0);
    repo.git(["commit", "-q", "-m", "base"]);
    let mut less = domains.clone();
    less.pop();
    repo.write(REGISTRY, reg("1.0.0", &refs(&less)));
    repo.git(["add", "-A"]);
    repo.audit(["changelog", "record"]).code(0);
    repo.git(["commit", "-q", "-m", "remove"]);
    let text = repo.read("EVOLUTION.md");
    assert!(text.contains("- impact: minor (score 3)\n"), "{text}");
    assert!(text.contains("- impact: major (score 10)\n"), "{text}");
    repo.audit(["changelog", "verify"]).code(0);
    let rebuilt = repo.audit(["changelog", "rebuild", "--stdout"]);
    rebuilt.code(0);
    assert_eq!(rebuilt.stdout, text, "rebuild writes the same impact lines");
}

const ENFORCE: &str = "[impact]\nenforce-version-bump = true\n";

fn bump_fixture(repo: &TestRepo, toml: &str, after_version: &str) {
    repo.write("audit.toml", toml);
    repo.write(REGISTRY, reg("1.0.0", &refs(&base())));
    commit(repo, "base");
    let mut less = base();
    less.pop();
    repo.write(REGISTRY, reg(after_version, &refs(&less)));
}

/// Triggers `version-bump-missing`: a domain removed (major), the version raised by a minor step.
pub fn bump_missing(repo: &TestRepo) {
    bump_fixture(repo, ENFORCE, "1.1.0");
}

/// The same change with a major bump.
pub fn bump_made(repo: &TestRepo) {
    bump_fixture(repo, ENFORCE, "2.0.0");
}

/// Triggers `impact-threshold`: a removal (10) above `max-score = 9`.
pub fn over_threshold(repo: &TestRepo) {
    bump_fixture(repo, "[impact]\nmax-score = 9\n", "2.0.0");
}

/// The same removal at `max-score = 10`.
pub fn under_threshold(repo: &TestRepo) {
    bump_fixture(repo, "[impact]\nmax-score = 10\n", "2.0.0");
}

#[test]
fn version_bump_missing_blocks_only_when_enforced_and_names_the_least_version() {
    let repo = TestRepo::new();
    bump_missing(&repo);
    repo.git(["add", "-A"]);
    repo.audit(["check", "--staged", "--color", "never"])
        .code(1)
        .stdout_has("version-bump-missing")
        .stdout_has("needs at least 2.0.0");
    let report = repo.audit(["check", "--staged", "--format", "json"]).json();
    let f = &report["findings"][0];
    assert_eq!(f["rule"], "version-bump-missing");
    assert_eq!(
        (&f["pointer"], &f["line"]),
        (&"/metadata/version".into(), &2.into()),
        "{f:#}"
    );
    repo.audit(["impact", "--color", "never"])
        .code(0)
        .stdout_has("version orchestration-domains.json: \"1.0.0\" → \"1.1.0\", a major change needs at least 2.0.0");
    // Off by default: the same change without the [impact] table passes.
    repo.write("audit.toml", "");
    repo.git(["add", "-A"]);
    repo.audit(["check", "--staged"]).code(0);
    // A commit in a range is judged the same way.
    repo.write("audit.toml", ENFORCE);
    commit(&repo, "remove without a major bump");
    let report = repo
        .audit(["check", "--range", "HEAD~1..HEAD", "--format", "json"])
        .json();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"version-bump-missing"), "{report:#}");
}

/// A version is about its own file (issue 11 item 8, shared by release notes and impact): a
/// handler renamed in a sequence while the registry did not change asks no registry bump; the
/// registry's own change does.
#[test]
fn a_registry_the_change_did_not_touch_needs_no_bump() {
    let repo = TestRepo::new();
    repo.write("audit.toml", ENFORCE);
    repo.write(REGISTRY, reg("1.0.0", &refs(&base())));
    repo.write(SEQ_A, seq("h"));
    commit(&repo, "base");
    repo.write(SEQ_A, seq("renamed"));
    repo.git(["add", "-A"]);
    let checked = repo.audit(["check", "--staged", "--format", "json"]).json();
    let rules: Vec<&str> = checked["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(!rules.contains(&"version-bump-missing"), "{checked:#}");
    let report = repo.audit(["impact", "--format", "json"]).json();
    assert_eq!(report["total"]["level"], "major", "{report:#}");
    let v = &report["versions"][0];
    assert_eq!(
        (&v["required"], &v["verdict"]),
        (&"none".into(), &"enough".into()),
        "{report:#}"
    );
    // The registry's own removal in the same commit: now a major bump is asked of it.
    repo.write(REGISTRY, reg("1.0.0", &refs(&base()[..2])));
    repo.git(["add", "-A"]);
    repo.audit(["check", "--staged"])
        .code(1)
        .stdout_has("its own change is major");
}

#[test]
fn a_missing_version_is_a_finding_when_enforced() {
    let repo = TestRepo::new();
    repo.write("audit.toml", ENFORCE);
    repo.write(REGISTRY, reg("1.0.0", &refs(&base())));
    commit(&repo, "base");
    let text =
        reg("1.0.0", &refs(&base()[..2])).replace(r#""version": "1.0.0""#, r#""owner": "x""#);
    repo.write(REGISTRY, text);
    repo.git(["add", "-A"]);
    repo.audit(["check", "--staged"])
        .code(1)
        .stdout_has("is missing after it, not a MAJOR.MINOR.PATCH version");
}

#[test]
fn impact_config_is_validated_with_positions() {
    let repo = TestRepo::new();
    repo.write(REGISTRY, reg("1.0.0", &refs(&base())));
    commit(&repo, "base");
    repo.write("audit.toml", "[impact.weights]\nremoval = -1\n");
    repo.git(["add", "-A"]);
    repo.audit(["impact"])
        .code(2)
        .stderr_has("audit.toml (index):2")
        .stderr_has("key `removal`: -1 is out of range");
    repo.write("audit.toml", "[impact]\nversion-pointer = \"\"\n");
    repo.git(["add", "-A"]);
    repo.audit(["impact"])
        .code(2)
        .stderr_has("key `version-pointer`: point at the version string");
    repo.write(
        "audit.toml",
        "[impact.categories]\nplugin = 3\n[impact.weights]\nremoval = 1\n",
    );
    repo.git(["add", "-A"]);
    let mut less = base();
    less.pop();
    repo.write(REGISTRY, reg("1.0.0", &refs(&less)));
    repo.git(["add", "-A"]);
    let report = repo.audit(["impact", "--format", "json"]).json();
    assert_eq!(
        report["total"]["score"], 3,
        "weights and factors apply: {report:#}"
    );
}

/// The corpus registry history (001–030) replayed as commits: every transition's level and
/// score, printed for the closing note, and the transitions checked by hand asserted.
#[test]
fn corpus_registry_history_replayed() {
    let corpus = crate::corpus_or_skip!();
    let repo = TestRepo::new();
    repo.git(["commit", "-q", "--allow-empty", "-m", "root"]);
    let root = repo.rev_parse("HEAD");
    for v in crate::support::registry_history(&corpus) {
        match &v.file {
            Some(_) => repo.write(REGISTRY, v.bytes()),
            None => {
                repo.git(["rm", "-q", REGISTRY]);
            }
        }
        repo.git(["add", "-A"]);
        repo.git([
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            &format!("{} {}", v.nnn, v.status),
        ]);
    }
    let run = repo.audit(["impact", "--since", &root, "--format", "json"]);
    // 026 is invalid JSON: its transitions are not assessed, and the run says so.
    run.code(2).stderr_has("invalid JSON");
    let report = run.json();
    let mut seen = std::collections::BTreeMap::new();
    for c in report["commits"].as_array().expect("commits") {
        let nnn = c["summary"].as_str().expect("summary")[..3].to_string();
        println!(
            "{nnn}: {} {} ({} items){}",
            c["level"],
            c["score"],
            c["artifacts"][0]["items"].as_array().map_or(0, Vec::len),
            if c["unassessed"].is_null() {
                ""
            } else {
                " unassessed"
            }
        );
        seen.insert(
            nnn,
            (
                c["level"].as_str().unwrap_or("").to_string(),
                c["score"].as_u64().unwrap_or(0),
            ),
        );
    }
    let at = |n: &str| seen.get(n).cloned().unwrap_or_else(|| panic!("no {n}"));
    assert_eq!(seen.len(), 30, "every version touched the registry");
    // 004 only adds the origin's integrity block (excluded): no change.
    assert_eq!(at("004"), ("none".into(), 0));
    // 011 deletes the registry: a removal.
    assert_eq!(at("011"), ("major".into(), 10));
    // 012 brings it back: an addition.
    assert_eq!(at("012"), ("minor".into(), 3));
    // 017 cut beat and movement counts of 10 domains (release notes called it a patch).
    assert_eq!(at("017").0, "minor");
    // 030 removes the orchestration domain build-pipeline-symphony (weighs double).
    assert_eq!(at("030").0, "major");
    let c030 = by_summary(&report, "030 ok");
    assert!(
        items(c030).contains(&it(
            "build-pipeline-symphony",
            "removal",
            "major",
            20,
            false
        )),
        "{c030:#}"
    );
}
