//! `git audit dashboard`: every checklist item passes and fails for its real reason (a finding,
//! a drifted lock, a stale doc, coverage under its target, a failing test), is `n/a` when its
//! capability is not configured, never passes on a missing report; the JSON shape; byte-identical
//! output on two runs; the HTML parsed by a real HTML parser with an injected `<script>` showing
//! up as text; `--format github`; the corpus's checklist when `AUDIT_CORPUS` is set.

use std::ffi::OsStr;
use std::path::Path;

use serde_json::Value;

use crate::corpus_or_skip;
use crate::fixtures::{good_registry, sequence, REGISTRY, SEQ_A, SEQ_B};
use crate::support::{Run, TestRepo};

/// Stages everything, records the changelog entry (as the hook would), commits.
fn commit_recorded(repo: &TestRepo, message: &str) {
    repo.git(["add", "-A"]);
    repo.audit(["changelog", "record", "--no-check"]).code(0);
    repo.git(["commit", "-q", "--no-verify", "-m", message]);
}

/// Stages everything and commits without a changelog entry.
fn commit_bare(repo: &TestRepo, message: &str) {
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--no-verify", "-m", message]);
}

/// A repository with two recorded commits: a registry of `a` and `b`, two sequences, then `c`.
fn base() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.write(SEQ_B, sequence("b", &["m1", "m2"]));
    commit_recorded(&repo, "base");
    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    commit_recorded(&repo, "add c");
    repo
}

fn json(repo: &TestRepo, args: &[&str]) -> Value {
    let mut all = vec!["dashboard", "--format", "json"];
    all.extend_from_slice(args);
    repo.audit(all).code(0).json()
}

fn item<'v>(d: &'v Value, id: &str) -> &'v Value {
    d["checklist"]
        .as_array()
        .expect("checklist")
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id} in {d:#}"))
}

#[track_caller]
fn assert_item(d: &Value, id: &str, status: &str, reason_has: &str) {
    let i = item(d, id);
    assert_eq!(i["status"], status, "{id}: {i:#}");
    let reason = i["reason"].as_str().expect("reason");
    assert!(
        reason.contains(reason_has),
        "{id}: {reason:?} lacks {reason_has:?}"
    );
}

#[test]
fn json_shape_and_unconfigured_capabilities_are_not_applicable() {
    let repo = base();
    let d = json(&repo, &[]);
    assert_eq!(d["version"], 1);
    let head = repo.rev_parse("HEAD");
    assert_eq!(d["snapshot"]["rev"], "HEAD");
    assert_eq!(d["snapshot"]["commit"], head.as_str());
    // The committer date of the hermetic environment, never today's.
    let date = repo.git(["show", "-s", "--format=%cs", "HEAD"]);
    assert_eq!(d["snapshot"]["date"], date.trim());
    let ids: Vec<&str> = d["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "diff-recorded",
            "hashes-stable",
            "provenance-current",
            "compliance",
            "release-notes",
            "bdd-aligned",
            "handlers-tested"
        ]
    );
    for i in d["checklist"].as_array().unwrap() {
        assert!(i["name"].is_string() && i["reason"].is_string(), "{i:#}");
    }
    for section in [
        "changes",
        "changelog",
        "integrity",
        "compliance",
        "provenance",
        "bdd",
        "handlers",
        "timing",
        "impact",
    ] {
        assert!(d["sections"][section]["status"].is_string(), "{section}");
    }
    assert_item(&d, "provenance-current", "n/a", "no [docs] table");
    assert_item(&d, "bdd-aligned", "n/a", "no [bdd] table");
    assert_item(&d, "handlers-tested", "n/a", "no [handlers] table");
    assert_item(&d, "hashes-stable", "n/a", "no artifact is locked");
    assert_eq!(d["sections"]["timing"]["status"], "not-configured");
    assert_item(&d, "compliance", "pass", "no error-level finding");
    assert_item(
        &d,
        "diff-recorded",
        "pass",
        "changelog verify passes for 1 commit",
    );
    // The structural change of HEAD: domain c added.
    let changes = &d["sections"]["changes"]["artifacts"];
    assert_eq!(changes[0]["path"], REGISTRY);
    assert_eq!(changes[0]["added"], 1);
    let r = &d["readiness"];
    let pass = d["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "pass")
        .count();
    assert_eq!(r["pass"], pass);
    assert_eq!(r["applicable"], 3, "{r}");
}

/// A beat added inside a movement changes no movement count: the structural changes say so
/// in beats, in every format (it read "+0 −0 ~0" before).
#[test]
fn a_beat_added_inside_a_movement_shows_in_the_changes() {
    let repo = base();
    let one_more = sequence("a", &["m1"]).replace(
        "\"handler\": \"m1Handler\" }",
        "\"handler\": \"m1Handler\" }, { \"beat\": 2, \"event\": \"a:m1b\", \"handler\": \"m1bHandler\" }",
    );
    repo.write(SEQ_A, one_more);
    commit_recorded(&repo, "a beat more");
    let d = json(&repo, &[]);
    let row = &d["sections"]["changes"]["artifacts"][0];
    assert_eq!(row["path"], SEQ_A, "{d:#}");
    assert_eq!(row["unit"], "movements");
    assert_eq!(row["added"], 0);
    assert_eq!(row["beats"]["added"], 1, "{row:#}");
    repo.audit(["dashboard"])
        .code(0)
        .stdout_has("movements +0 −0 ~0, beats +1 −0 ~0");
    repo.audit(["dashboard", "--format", "html"])
        .code(0)
        .stdout_has("movements +0 −0 ~0, beats +1 −0 ~0");
}

#[test]
fn compliance_fails_on_an_error_finding_and_passes_without_one() {
    let repo = base();
    assert_item(
        &json(&repo, &[]),
        "compliance",
        "pass",
        "no error-level finding",
    );
    // A duplicate domain id: an error finding in the registry.
    repo.write(REGISTRY, good_registry(&["a", "b", "b"]));
    commit_recorded(&repo, "duplicate b");
    let d = json(&repo, &[]);
    assert_item(&d, "compliance", "fail", "error-level finding");
    let c = &d["sections"]["compliance"];
    assert!(c["blocking"].as_u64().unwrap() >= 1, "{c:#}");
    assert_eq!(c["findings"][0]["severity"], "error");
    assert_eq!(c["findings"][0]["path"], REGISTRY);
    // The dashboard reports; it does not block (exit 0), unless asked to.
    repo.audit(["dashboard"]).code(0).stdout_has("❌ fail");
    repo.audit(["dashboard", "--fail-under", "100"]).code(1);
}

#[test]
fn changelog_item_fails_when_a_commit_lacks_its_entry() {
    let repo = base();
    repo.write(REGISTRY, good_registry(&["a", "b", "c", "d"]));
    commit_bare(&repo, "add d, no entry");
    let d = json(&repo, &[]);
    assert_item(&d, "diff-recorded", "fail", "changelog-missing");
    // The range holding both commits: one of two lacks its entry.
    let d = json(&repo, &["HEAD~2..HEAD"]);
    assert_eq!(d["snapshot"]["commits"], 2);
    assert_item(&d, "diff-recorded", "fail", "changelog-missing");
    // The range before it passes.
    let d = json(&repo, &["HEAD~2..HEAD~1"]);
    assert_item(&d, "diff-recorded", "pass", "1 commit");
}

#[test]
fn hashes_item_fails_on_lock_drift_and_passes_when_locks_hold() {
    let repo = base();
    repo.audit(["lock", "--stage"]).code(0);
    commit_recorded(&repo, "lock");
    let d = json(&repo, &[]);
    assert_item(&d, "hashes-stable", "pass", "hold");
    let locks = d["sections"]["integrity"]["locks"].as_array().unwrap();
    let reg = locks
        .iter()
        .find(|l| l["path"] == REGISTRY)
        .expect("registry lock");
    assert_eq!(reg["state"], "locked");
    assert_eq!(reg["recorded"], reg["canonical"]);
    assert!(
        reg["raw"].is_string() && reg["raw"] != reg["canonical"],
        "{reg:#}"
    );
    // A change without re-locking: drift.
    repo.write(
        REGISTRY,
        repo.read(REGISTRY).replace("\"Domain c\"", "\"Domain C\""),
    );
    commit_recorded(&repo, "rename c");
    let d = json(&repo, &[]);
    assert_item(&d, "hashes-stable", "fail", "1 drifted");
    assert_eq!(d["sections"]["integrity"]["summary"]["drifted"], 1);
}

#[test]
fn provenance_item_fails_on_a_stale_doc_and_passes_when_fresh() {
    let repo = TestRepo::new();
    crate::docs::rendered_world(&repo);
    let d = json(&repo, &[]);
    assert_item(&d, "provenance-current", "pass", "1 doc fresh");
    // A source changes and the doc is not re-rendered.
    repo.write(
        "orchestration-domains.json",
        crate::docs::registry("Copy all", "2025-01-01T00:00:00Z"),
    );
    commit_bare(&repo, "rename copy");
    let d = json(&repo, &[]);
    assert_item(&d, "provenance-current", "fail", "docs/domains.md is stale");
    assert_eq!(d["sections"]["provenance"]["stale"], 1);
}

#[test]
fn bdd_item_fails_below_its_target_and_passes_at_it() {
    let repo = TestRepo::new();
    crate::bdd::bdd_world(&repo);
    repo.write("audit.toml", "[bdd]\ntarget = 1.0\n");
    commit_recorded(&repo, "bdd");
    assert_item(
        &json(&repo, &[]),
        "bdd-aligned",
        "pass",
        "100.0% (2/2 domains)",
    );
    std::fs::remove_file(repo.path("features/Paste-It.feature")).expect("remove");
    commit_recorded(&repo, "drop paste feature");
    let d = json(&repo, &[]);
    assert_item(
        &d,
        "bdd-aligned",
        "fail",
        "50.0% (1/2 domains), target 100.0%",
    );
    assert_eq!(
        d["sections"]["bdd"]["uncovered"],
        serde_json::json!(["paste_it"])
    );
}

#[test]
fn handlers_item_needs_passing_tests_and_coverage_never_a_missing_report() {
    let repo = TestRepo::new();
    crate::handlers::world(&repo);
    commit_recorded(&repo, "cart");
    // Configured, no report: it fails, saying which report is missing.
    let d = json(&repo, &[]);
    assert_item(&d, "handlers-tested", "fail", "no JUnit report given");
    assert_item(&d, "handlers-tested", "fail", "no coverage report given");
    let d = json(&repo, &["--junit", "junit.xml", "--lcov", "lcov.info"]);
    assert_item(&d, "handlers-tested", "pass", "tests pass");
    let h = &d["sections"]["handlers"];
    assert_eq!(h["tests"]["failed"], 0, "{h:#}");
    // A failing test: it fails for that reason.
    let failing = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/handlers/node-junit-failing.xml"
    );
    let d = json(&repo, &["--junit", failing, "--lcov", "lcov.info"]);
    assert_item(&d, "handlers-tested", "fail", "tests failed");
}

#[test]
fn handlers_item_fails_on_coverage_below_target() {
    let repo = TestRepo::new();
    crate::handlers::world(&repo);
    // A coverage target no report meets.
    repo.write(
        "audit.toml",
        crate::handlers::TOML.replacen("[handlers]\n", "[handlers]\ncoverage-target = 1.0\n", 1),
    );
    // An LCOV report that covers no handler line.
    repo.write(
        "lcov.info",
        "TN:\nSF:packages/cart/src/cart.js\nDA:1,0\nend_of_record\n",
    );
    commit_recorded(&repo, "cart");
    let d = json(&repo, &["--junit", "junit.xml", "--lcov", "lcov.info"]);
    assert_item(&d, "handlers-tested", "fail", "below target 100.0%");
}

#[test]
fn release_notes_item_fails_when_the_version_is_not_bumped() {
    let repo = TestRepo::new();
    let reg = |ids: &[&str], version: &str| {
        crate::fixtures::good_registry(ids).replacen(
            "\"metadata\": { \"generated\": \"2026-01-01T00:00:00Z\" }",
            &format!("\"metadata\": {{ \"generated\": \"2026-01-01T00:00:00Z\", \"version\": \"{version}\" }}"),
            1,
        )
    };
    repo.write(REGISTRY, reg(&["a", "b"], "1.0.0"));
    commit_recorded(&repo, "base");
    // A domain removed (major) with a minor bump.
    repo.write(REGISTRY, reg(&["a"], "1.1.0"));
    commit_recorded(&repo, "remove b");
    let d = json(&repo, &[]);
    assert_item(&d, "release-notes", "fail", "needs 2.0.0");
    assert_eq!(d["sections"]["impact"]["level"], "major");
    repo.write(REGISTRY, reg(&["a", "c"], "2.0.0"));
    commit_recorded(&repo, "add c");
    assert_item(
        &json(&repo, &[]),
        "release-notes",
        "pass",
        "every registry version bump",
    );
}

fn render(repo: &TestRepo, format: &str) -> Run {
    let run = repo.audit(["dashboard", "--format", format]);
    run.code(0);
    run
}

#[test]
fn two_runs_give_byte_identical_output_in_every_format() {
    let repo = base();
    for format in ["markdown", "json", "html", "human"] {
        let a = render(&repo, format).stdout.clone();
        let b = render(&repo, format).stdout.clone();
        assert!(!a.is_empty());
        assert_eq!(a, b, "{format}");
    }
    // The clock plays no part: another day gives the same bytes.
    let other_day = repo.audit_env(
        repo.root(),
        &[("GIT_AUDIT_TODAY", OsStr::new("2031-06-01"))],
        ["dashboard", "--format", "json"],
    );
    assert_eq!(other_day.stdout, render(&repo, "json").stdout);
}

#[test]
fn markdown_puts_the_checklist_first_and_says_what_is_not_configured() {
    let repo = base();
    let md = render(&repo, "markdown").stdout.clone();
    let checklist = md.find("## Readiness checklist").expect("checklist");
    let changes = md.find("## Structural changes").expect("changes");
    assert!(checklist < changes);
    assert!(
        md.contains("Not configured: no [bdd] table in audit.toml."),
        "{md}"
    );
    assert!(md.contains("| Compliance PASS | ✅ pass |"), "{md}");
}

/// A registry whose domain id and name are HTML, committed; `[dashboard] repository-url` set.
fn hostile() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[dashboard]\nrepository-url = \"https://example.com/r/blob/{commit}/{path}#L{line}\"\n",
    );
    let evil = r#"{"id": "<script>alert(1)</script>", "name": "<img src=x onerror=alert(2)>"}"#;
    repo.write(
        REGISTRY,
        crate::fixtures::registry(crate::fixtures::Layout::Lines, &[evil, evil]),
    );
    commit_recorded(&repo, "hostile");
    repo
}

#[test]
fn html_is_one_self_contained_page_with_the_injected_script_as_text() {
    use scraper::{Html, Selector};
    let repo = hostile();
    let page = render(&repo, "html").stdout.clone();
    let doc = Html::parse_document(&page);
    let sel = |s: &str| Selector::parse(s).expect("selector");
    // Exactly one script: ours, inline. No external anything.
    let scripts: Vec<_> = doc.select(&sel("script")).collect();
    assert_eq!(scripts.len(), 1, "{page}");
    assert!(scripts[0].value().attr("src").is_none());
    assert!(!scripts[0].inner_html().contains("alert"));
    assert_eq!(
        doc.select(&sel("img, link, iframe, object, embed")).count(),
        0
    );
    for el in doc.select(&sel("*")) {
        for (name, value) in el.value().attrs() {
            assert!(!name.starts_with("on"), "event handler attribute {name}");
            if name == "href" || name == "src" {
                assert!(value.starts_with("https://example.com/"), "{name}={value}");
            }
        }
    }
    // The injected markup shows up as text, in the compliance table.
    let text: String = doc
        .select(&sel("#compliance"))
        .next()
        .expect("compliance section")
        .text()
        .collect();
    assert!(text.contains("<script>alert(1)</script>"), "{text}");
    // The checklist comes first; bars are inline SVG.
    let first = doc.select(&sel("section")).next().expect("a section");
    assert_eq!(first.value().attr("id"), Some("checklist"));
    assert!(doc.select(&sel("svg rect")).count() >= 1);
    // Findings link to their file and line at the commit.
    let head = repo.rev_parse("HEAD");
    let link = doc
        .select(&sel("#findings a"))
        .next()
        .expect("a finding link");
    assert_eq!(
        link.value().attr("href"),
        Some(format!("https://example.com/r/blob/{head}/{REGISTRY}#L4").as_str())
    );
}

#[test]
fn markdown_and_json_carry_the_injected_script_escaped_or_quoted() {
    let repo = hostile();
    let md = render(&repo, "markdown").stdout.clone();
    // Raw markup only ever inside a code span (odd number of backticks before it on its line).
    for line in md.lines() {
        for (at, _) in line.match_indices('<') {
            let ticks = line[..at].matches('`').count();
            assert!(ticks % 2 == 1, "markup outside a code span: {line}");
        }
    }
    assert!(
        md.contains("&lt;script&gt;") || md.contains("`<script>alert(1)</script>`"),
        "{md}"
    );
    let d = json(&repo, &[]);
    assert!(d["sections"]["compliance"]["total"].as_u64().unwrap() >= 1);
}

#[test]
fn a_repository_url_must_be_http_with_known_placeholders() {
    let repo = base();
    for (url, why) in [
        ("javascript:alert(1)//{path}", "is not an http(s) URL"),
        (
            "https://x/{path}/{branch}",
            "unknown placeholder `{branch}`",
        ),
        ("https://x/blob/main", "has no `{path}` placeholder"),
        ("https://x/\"onmouseover=\"{path}", "a quote"),
    ] {
        repo.write(
            "audit.toml",
            format!("[dashboard]\nrepository-url = {}\n", toml_string(url)),
        );
        commit_bare(&repo, "url");
        repo.audit(["dashboard"]).code(2).stderr_has(why);
    }
}

fn toml_string(s: &str) -> String {
    format!("'{s}'")
}

#[test]
fn github_format_writes_the_markdown_to_the_step_summary() {
    let repo = base();
    let summary = repo.scratch("summary.md");
    let run = repo.audit_env(
        repo.root(),
        &[("GITHUB_STEP_SUMMARY", summary.as_os_str())],
        ["dashboard", "--format", "github"],
    );
    run.code(0);
    let written = std::fs::read_to_string(&summary).expect("step summary");
    assert!(written.starts_with("# git-audit dashboard"), "{written}");
    assert_eq!(written, render(&repo, "markdown").stdout);
}

#[test]
fn output_writes_the_file_and_formats_are_checked() {
    let repo = base();
    let out = repo.scratch("dash.html");
    repo.audit([
        "dashboard",
        "--format",
        "html",
        "--output",
        out.to_str().expect("utf-8 path"),
    ])
    .code(0)
    .stderr_has("dashboard written to");
    let page = std::fs::read_to_string(&out).expect("written");
    assert!(page.starts_with("<!DOCTYPE html>"));
    repo.audit(["dashboard", "--format", "sarif"])
        .code(2)
        .stderr_has("`dashboard` writes markdown, human, json, html or github output");
    repo.audit(["check", "--format", "html"]).code(2);
}

#[test]
fn timing_section_reads_the_committed_baseline_and_a_run() {
    let repo = base();
    let run = crate::timing::LOG_ANALYSIS;
    repo.write("runs/log-analysis-1.json", run);
    repo.git(["add", "-A"]);
    repo.audit(["timing", "ingest", "runs/log-analysis-1.json"])
        .code(0);
    repo.audit(["timing", "baseline", "--write", "--stage"])
        .code(0);
    commit_recorded(&repo, "timing baseline");
    let d = json(&repo, &[]);
    let t = &d["sections"]["timing"];
    assert_eq!(t["status"], "ready", "{t:#}");
    assert!(t["run"].is_null());
    let d = json(&repo, &["--timings", "runs/log-analysis-1.json"]);
    let t = &d["sections"]["timing"];
    assert_eq!(t["run"]["regressions"], serde_json::json!([]), "{t:#}");
}

/// The corpus tree in a repository with an audit.toml for every capability, its timing
/// baseline from its log-analysis reports, all in one commit.
fn renderx(corpus: &Path) -> TestRepo {
    let repo = TestRepo::new();
    let n = crate::corpus::copy_tree(&corpus.join("renderx-2025-11-29"), repo.root());
    assert!(n > 50);
    repo.write(
        "audit.toml",
        "[docs]\ngenerated = [\"docs/generated/*.md\"]\n\n[bdd]\n\n[handlers]\n\n[timing]\n",
    );
    repo.git(["add", "-A"]);
    let mut ingest = vec!["timing".to_string(), "ingest".to_string()];
    ingest.extend(log_analysis(repo.root()));
    repo.audit(ingest).code(0);
    repo.audit(["timing", "baseline", "--write", "--stage"])
        .code(0);
    repo.git(["commit", "-q", "--no-verify", "-m", "renderx 2025-11-29"]);
    repo
}

fn log_analysis(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root.join("outputs"))
        .expect("outputs")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.starts_with("log-analysis-") && n.ends_with(".json"))
        .map(|n| format!("outputs/{n}"))
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_readiness_is_computed_from_evidence() {
    let corpus = corpus_or_skip!();
    let repo = renderx(&corpus);
    let mut args = vec![
        "dashboard".to_string(),
        "--format".into(),
        "json".into(),
        "--junit".into(),
        "packages/control-panel/test-results.xml".into(),
        "--timings".into(),
    ];
    args.extend(log_analysis(repo.root()));
    let run = repo.audit(&args);
    run.code(0);
    let d = run.json();
    println!("corpus dashboard readiness: {}", d["readiness"]);
    for i in d["checklist"].as_array().unwrap() {
        println!(
            "  {:<20} {:<5} {}",
            i["id"].as_str().unwrap(),
            i["status"].as_str().unwrap(),
            i["reason"].as_str().unwrap()
        );
    }
    // Real defects, found by content: stale and edited docs, error findings, a failing JUnit
    // report, BDD coverage under its target.
    assert_item(&d, "provenance-current", "fail", "stale");
    assert_item(&d, "compliance", "fail", "error-level finding");
    assert_item(&d, "handlers-tested", "fail", "3 of 196 tests failed");
    assert_item(&d, "bdd-aligned", "fail", "target");
    assert_ne!(d["readiness"]["percent"], 85.7);
    // Deterministic on the real tree too.
    assert_eq!(run.stdout, repo.audit(&args).stdout);
}

#[test]
fn a_root_commit_is_shown_against_the_empty_tree_and_no_commit_is_refused() {
    let empty = TestRepo::new();
    empty
        .audit(["dashboard"])
        .code(2)
        .stderr_has("there is no commit to show");
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a"]));
    commit_recorded(&repo, "root");
    let d = json(&repo, &[]);
    assert_eq!(d["snapshot"]["base"], "the empty tree");
    assert_eq!(d["sections"]["changes"]["artifacts"][0]["change"], "added");
    assert_item(&d, "diff-recorded", "pass", "1 commit");
    repo.audit(["dashboard", "nope"])
        .code(2)
        .stderr_has("unknown revision");
    repo.audit(["dashboard", "HEAD...HEAD"])
        .code(2)
        .stderr_has("A...B is not supported");
}
