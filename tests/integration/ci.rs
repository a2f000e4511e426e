//! The pull-request gate and the CI formats through the real binary: `git audit ci` with
//! `--base`, a fake GitHub Actions and GitLab CI environment and a shallow clone; SARIF validated
//! offline against the SARIF 2.1.0 JSON Schema; JUnit XML well-formed; GitHub annotations
//! escaped and within GitHub's limits.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::Path;

use serde_json::{json, Value};

use crate::governance::{
    edit, findings, one, pos_in, run, run_env, run_in, write_world, AUDIT_TOML, COPY, COPY_SEQ,
    PASTE, PLAN, REG, WAIVERS,
};
use crate::support::TestRepo;

/// base → good (handler renamed) → bad (a beat loses its handler) → good (registry tempo).
struct History {
    repo: TestRepo,
    base: String,
    good1: String,
    bad: String,
    good2: String,
}

fn history_with(toml: &str) -> History {
    let repo = TestRepo::new();
    write_world(&repo);
    repo.write("audit.toml", toml);
    repo.commit_all("base");
    let base = repo.rev_parse("HEAD");
    edit(&repo, COPY, "\"serialize\"", "\"serialise\"");
    repo.commit_all("good: rename a handler");
    let good1 = repo.rev_parse("HEAD");
    edit(&repo, PASTE, " \"handler\": \"insert\",", "");
    repo.commit_all("bad: drop the insert handler");
    let bad = repo.rev_parse("HEAD");
    edit(&repo, REG, "\"tempo\": 120", "\"tempo\": 128");
    repo.commit_all("good: faster copy");
    let good2 = repo.rev_parse("HEAD");
    History {
        repo,
        base,
        good1,
        bad,
        good2,
    }
}

/// The history with the changelog check off, so only the governance rules speak.
fn history() -> History {
    history_with(&format!("{AUDIT_TOML}\n[changelog]\nenabled = false\n"))
}

impl History {
    /// Where the bad commit's finding is: paste's beat 2.
    fn bad_at(&self) -> (usize, usize) {
        pos_in(&self.repo, PASTE, "{ \"beat\": 2")
    }
}

#[track_caller]
fn commits_of(report: &Value) -> BTreeSet<String> {
    findings(report)
        .iter()
        .map(|f| {
            f["commit"]
                .as_str()
                .expect("a commit on every finding")
                .to_string()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// git audit ci

#[test]
fn ci_with_base_checks_every_commit_and_names_the_bad_one() {
    let h = history();
    let r = run(&h.repo, &["ci", "--base", &h.base, "--format", "json"]);
    r.code(1);
    let v = r.json();
    assert_eq!(v["commits"], 3, "{v:#}");
    assert_eq!(commits_of(&v), BTreeSet::from([h.bad.clone()]));
    let f = one(&v, "beat-handler-missing");
    assert_eq!(f["path"], PASTE);
    assert_eq!(f["pointer"], "/movements/0/beats/1");
    let (line, col) = h.bad_at();
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(line as u64), Some(col as u64))
    );
    assert!(v["scope"].as_str().unwrap().contains("--base"), "{v:#}");
    // From the bad commit on, and up to the first good one, all is well.
    run(&h.repo, &["ci", "--base", &h.bad, "--format", "json"]).code(0);
    run(&h.repo, &["ci", "--base", &h.base, "--head", &h.good1]).code(0);
    // Human output names the commit.
    let human = run(&h.repo, &["ci", "--base", &h.base]);
    human.code(1).stdout_has(&format!(
        "commit {} bad: drop the insert handler",
        &h.bad[..10]
    ));
    // A base that does not exist (not a shallow clone): says what to fetch.
    run(&h.repo, &["ci", "--base", "no-such-branch"])
        .code(2)
        .stderr_has("no-such-branch");
}

#[test]
fn ci_off_ci_without_base_cannot_run() {
    let h = history();
    let r = run(&h.repo, &["ci"]);
    r.code(2).stderr_has("--base");
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

fn github_env<'a>(
    event: &'a Path,
    name: &'a str,
    summary: Option<&'a Path>,
) -> Vec<(&'static str, &'a OsStr)> {
    let mut env = vec![
        ("GITHUB_ACTIONS", OsStr::new("true")),
        ("GITHUB_EVENT_NAME", OsStr::new(name)),
        ("GITHUB_EVENT_PATH", event.as_os_str()),
    ];
    if let Some(s) = summary {
        env.push(("GITHUB_STEP_SUMMARY", s.as_os_str()));
    }
    env
}

#[test]
fn ci_on_a_github_pull_request_annotates_and_writes_the_step_summary() {
    let h = history();
    let event = h.repo.scratch("event.json");
    std::fs::write(
        &event,
        serde_json::to_vec(&json!({
            "number": 7,
            "pull_request": { "base": { "sha": h.base }, "head": { "sha": h.good2 } }
        }))
        .unwrap(),
    )
    .unwrap();
    let summary = h.repo.scratch("step-summary.md");
    std::fs::write(&summary, "from an earlier step\n").unwrap();
    // HEAD is elsewhere: the event's head is what is checked.
    h.repo.git(["checkout", "-q", &h.base]);
    let r = run_env(
        &h.repo,
        &github_env(&event, "pull_request", Some(&summary)),
        &["ci", "--format", "github"],
    );
    r.code(1);
    let (line, col) = h.bad_at_rev(&h.bad);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "::error file={PASTE},line={line},col={col},title=git-audit beat-handler-missing::beat 2 of movement 1 names no handler%0Aevery beat names the handler that implements it"
        ),
        "{}",
        r.stdout
    );
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(
        lines[1].starts_with("git-audit: 1 blocking, 1 in all"),
        "{}",
        r.stdout
    );
    assert!(
        lines[1].contains("GitHub Actions (pull_request)"),
        "{}",
        r.stdout
    );

    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("from an earlier step\n"),
        "the summary is appended to:\n{md}"
    );
    assert!(md.contains("## git-audit ❌"), "{md}");
    assert!(
        md.contains(&format!(
            "| error | `beat-handler-missing` | `{PASTE}:{line}:{col}` @{} |",
            &h.bad[..10]
        )),
        "{md}"
    );

    // Other formats write no summary, even with GITHUB_STEP_SUMMARY set.
    let before = std::fs::read_to_string(&summary).unwrap();
    let r = run_env(
        &h.repo,
        &github_env(&event, "pull_request", Some(&summary)),
        &["ci", "--format", "json"],
    );
    r.code(1);
    assert_eq!(commits_of(&r.json()), BTreeSet::from([h.bad.clone()]));
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), before);
}

impl History {
    /// [`History::bad_at`] read from a revision rather than the work tree.
    fn bad_at_rev(&self, rev: &str) -> (usize, usize) {
        let text = self.repo.git(["show", &format!("{rev}:{PASTE}")]);
        crate::governance::pos(&text, "{ \"beat\": 2")
    }
}

#[test]
fn ci_on_a_github_push_uses_before_and_the_sha() {
    let h = history();
    let event = h.repo.scratch("push.json");
    std::fs::write(&event, json!({ "before": h.bad }).to_string()).unwrap();
    let mut env = github_env(&event, "push", None);
    env.push(("GITHUB_SHA", OsStr::new(&h.good2)));
    let r = run_env(&h.repo, &env, &["ci", "--format", "json"]);
    r.code(0);
    assert_eq!(r.json()["commits"], 1);
    std::fs::write(&event, json!({ "before": h.good1 }).to_string()).unwrap();
    let r = run_env(&h.repo, &env, &["ci", "--format", "json"]);
    r.code(1);
    assert_eq!(commits_of(&r.json()), BTreeSet::from([h.bad.clone()]));
    // A new branch (before = zeros) names no base: say so, and what to pass.
    std::fs::write(&event, json!({ "before": "0".repeat(40) }).to_string()).unwrap();
    run_env(&h.repo, &env, &["ci"]).code(2).stderr_has("--base");
    // An explicit --base wins over the environment.
    let r = run_env(
        &h.repo,
        &env,
        &["ci", "--base", &h.base, "--format", "json"],
    );
    r.code(1);
    assert_eq!(r.json()["commits"], 3);
}

#[test]
fn ci_on_a_gitlab_merge_request_and_push() {
    let h = history();
    let mr = [
        ("GITLAB_CI", OsStr::new("true")),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", OsStr::new(&h.base)),
        ("CI_COMMIT_SHA", OsStr::new(&h.good2)),
    ];
    let r = run_env(&h.repo, &mr, &["ci", "--format", "json"]);
    r.code(1);
    let v = r.json();
    assert_eq!(v["commits"], 3);
    assert_eq!(commits_of(&v), BTreeSet::from([h.bad.clone()]));
    assert!(
        v["scope"]
            .as_str()
            .unwrap()
            .contains("GitLab CI (merge request)"),
        "{v:#}"
    );
    let push = [
        ("GITLAB_CI", OsStr::new("true")),
        ("CI_COMMIT_BEFORE_SHA", OsStr::new(&h.bad)),
        ("CI_COMMIT_SHA", OsStr::new(&h.good2)),
    ];
    let r = run_env(&h.repo, &push, &["ci", "--format", "json"]);
    r.code(0);
    assert!(r.json()["scope"]
        .as_str()
        .unwrap()
        .contains("GitLab CI (push)"));
    let nothing = [
        ("GITLAB_CI", OsStr::new("true")),
        (
            "CI_COMMIT_BEFORE_SHA",
            OsStr::new("0000000000000000000000000000000000000000"),
        ),
    ];
    run_env(&h.repo, &nothing, &["ci"])
        .code(2)
        .stderr_has("--base");
}

fn shallow_clone(h: &History, depth: u32) -> std::path::PathBuf {
    let dest = h.repo.scratch(&format!("shallow-{depth}"));
    let url = format!("file://{}", h.repo.root().display());
    h.repo.git([
        "clone",
        "-q",
        "--depth",
        &depth.to_string(),
        &url,
        dest.to_str().unwrap(),
    ]);
    dest
}

#[test]
fn ci_in_a_shallow_clone_without_the_base_says_to_fetch_deeper() {
    let h = history();
    let shallow = shallow_clone(&h, 1);
    let r = run_in(&h.repo, &shallow, &[], &["ci", "--base", &h.base]);
    r.code(2).stderr_has("fetch-depth").stderr_has(&h.base);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    // The same from a GitHub pull-request event.
    let event = h.repo.scratch("event.json");
    std::fs::write(
        &event,
        json!({ "pull_request": { "base": { "sha": h.base }, "head": { "sha": h.good2 } } })
            .to_string(),
    )
    .unwrap();
    run_in(
        &h.repo,
        &shallow,
        &github_env(&event, "pull_request", None),
        &["ci"],
    )
    .code(2)
    .stderr_has("fetch-depth");
    // Deep enough to hold the base: the gate runs and names the bad commit.
    let deeper = shallow_clone(&h, 4);
    let r = run_in(
        &h.repo,
        &deeper,
        &[],
        &["ci", "--base", &h.base, "--format", "json"],
    );
    r.code(1);
    assert_eq!(commits_of(&r.json()), BTreeSet::from([h.bad.clone()]));
}

#[test]
fn ci_verifies_the_changelog_that_check_does_not() {
    // The changelog is on (the default): commits made with --no-verify added no entries.
    let h = history_with(AUDIT_TOML);
    let range = format!("{}..{}", h.base, h.good2);
    let check = run(&h.repo, &["check", "--range", &range, "--format", "json"]);
    check.code(1);
    let check = check.json();
    assert!(
        findings(&check)
            .iter()
            .all(|f| f["rule"] != "changelog-missing"),
        "{check:#}"
    );
    let r = run(&h.repo, &["ci", "--base", &h.base, "--format", "json"]);
    r.code(1);
    let v = r.json();
    let missing: Vec<&Value> = findings(&v)
        .iter()
        .filter(|f| f["rule"] == "changelog-missing")
        .collect();
    assert!(!missing.is_empty(), "{v:#}");
    let in_range: BTreeSet<String> = [&h.good1, &h.bad, &h.good2].into_iter().cloned().collect();
    for f in &missing {
        assert_eq!(f["path"], "EVOLUTION.md", "{v:#}");
        assert!(in_range.contains(f["commit"].as_str().unwrap()), "{v:#}");
    }
}

// ---------------------------------------------------------------------------------------------
// SARIF, validated against the SARIF 2.1.0 JSON Schema (tests/data/README.md says where from)

const SARIF_SCHEMA: &str = include_str!("../data/sarif-schema-2.1.0.json");

/// The `pattern` of the SARIF schema's `language` members (of `run` and `toolComponent`) is not a valid ECMA-262 regular
/// expression in strict (unicode) mode: its `]` is unbalanced, which browsers read as a literal
/// `]` (Annex B). The `regex` format check of the draft-07 meta-schema refuses it, so the test
/// escapes that bracket in memory (same meaning; git-audit never writes `language`).
const SARIF_LANGUAGE_PATTERN: (&str, &str) = (
    r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
    r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
);

fn sarif_validator() -> jsonschema::Validator {
    let (from, to) = SARIF_LANGUAGE_PATTERN;
    assert_eq!(
        SARIF_SCHEMA.matches(from).count(),
        2,
        "the vendored schema changed"
    );
    let text = SARIF_SCHEMA.replace(from, to);
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    // Formats checked too (`uri`, `uri-reference`, `date-time`…), whatever the draft's default.
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles offline")
}

/// Every schema error in `doc`, as `message at pointer`.
fn sarif_errors(doc: &Value) -> Vec<String> {
    sarif_validator()
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[track_caller]
fn assert_valid_sarif(doc: &Value) {
    let errors = sarif_errors(doc);
    assert!(
        errors.is_empty(),
        "invalid SARIF 2.1.0:\n{}\n--- document\n{doc:#}",
        errors.join("\n")
    );
}

/// A world with an error, two warnings and a waived (suppressed) error.
fn sarif_world() -> TestRepo {
    let repo = TestRepo::new();
    write_world(&repo);
    repo.write(
        COPY,
        COPY_SEQ
            .replace(" \"handler\": \"toClipboard\",", "")
            .replace("\"beat\": 2,", "\"beat\": 4,"),
    );
    edit(&repo, REG, "\"beats\": 3", "\"beats\": 4");
    edit(
        &repo,
        PLAN,
        "{ \"id\": \"copy-symphony\", \"bddSpec\": \"bdd/copy.feature\" }",
        "{ \"id\": \"copy-symphony\", \"bddSpec\": \"bdd/copy.feature\" },\n    { \"id\": \"cut-symphony\" }",
    );
    repo.write(
        WAIVERS,
        "[[waiver]]\nrule = \"beat-handler-missing\"\npath = \"json-sequences/copy.json\"\nreason = \"lands next sprint\"\nowner = \"ada\"\nexpires = 2026-06-30\n",
    );
    repo.commit_all("findings of every kind");
    repo
}

#[test]
fn sarif_with_findings_and_a_suppression_validates_and_matches_the_json_report() {
    let repo = sarif_world();
    let r = run(&repo, &["check", "--all", "--format", "sarif"]);
    r.code(1);
    let sarif = r.json();
    assert_valid_sarif(&sarif);
    assert_eq!(sarif["version"], "2.1.0");

    let json = run(&repo, &["check", "--all", "--format", "json"]).json();
    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let catalogue = crate::governance::catalogue(&repo);
    let ids: Vec<&Value> = rules.iter().map(|r| &r["id"]).collect();
    let want: Vec<&Value> = catalogue.iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, want, "the driver lists the whole catalogue in order");
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), findings(&json).len(), "{sarif:#}");
    let kinds: BTreeSet<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from([
            "beat-handler-missing",
            "beat-numbering",
            "plan-coverage",
            "registry-sequence-mismatch"
        ])
    );
    for f in findings(&json) {
        let fp = f["fingerprint"].as_str().unwrap();
        let res = results
            .iter()
            .find(|r| r["partialFingerprints"]["gitAudit/v1"] == fp)
            .unwrap_or_else(|| panic!("no SARIF result for {f}"));
        assert_eq!(res["ruleId"], f["rule"]);
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], f["rule"], "ruleIndex of {res}");
        let level = match f["severity"].as_str().unwrap() {
            "info" => "note",
            other => other,
        };
        assert_eq!(res["level"], level);
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], f["path"]);
        assert_eq!(loc["region"]["startLine"], f["line"]);
        assert_eq!(loc["region"]["startColumn"], f["column"]);
        let suppressed = f["suppressed"].is_object();
        assert_eq!(res.get("suppressions").is_some(), suppressed, "{res}");
        if suppressed {
            assert_eq!(res["suppressions"][0]["kind"], "external");
            assert!(res["suppressions"][0]["justification"]
                .as_str()
                .unwrap()
                .contains("lands next sprint"));
        }
    }
    assert!(
        results.iter().any(|r| r.get("suppressions").is_some()),
        "a suppressed result is kept"
    );
}

#[test]
fn sarif_of_a_range_ci_run_and_a_clean_run_validate() {
    let h = history();
    let r = run(
        &h.repo,
        &[
            "check",
            "--range",
            &format!("{}..HEAD", h.base),
            "--format",
            "sarif",
        ],
    );
    r.code(1);
    let v = r.json();
    assert_valid_sarif(&v);
    assert_eq!(
        v["runs"][0]["results"][0]["properties"]["commit"],
        h.bad.as_str()
    );
    let r = run(&h.repo, &["ci", "--base", &h.base, "--format", "sarif"]);
    r.code(1);
    assert_valid_sarif(&r.json());
    // HEAD still has the bad commit's finding; the base commit (against the empty tree) none.
    let all = run(&h.repo, &["check", "--all", "--format", "sarif"]);
    all.code(1);
    assert_valid_sarif(&all.json());
    let r = run(&h.repo, &["check", "--rev", &h.base, "--format", "sarif"]);
    r.code(0);
    let v = r.json();
    assert_valid_sarif(&v);
    assert_eq!(v["runs"][0]["results"], json!([]));
}

#[test]
fn sarif_validation_fails_on_broken_output() {
    // The validation above can fail: each deliberately broken copy of real output is refused.
    let repo = sarif_world();
    let good = run(&repo, &["check", "--all", "--format", "sarif"]).json();
    assert_valid_sarif(&good);
    let suppressed = good["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r.get("suppressions").is_some())
        .expect("a suppressed result");
    type Breaker = Box<dyn Fn(&mut Value)>;
    let breakers: Vec<(&str, Breaker)> = vec![
        ("version 2.0.0", Box::new(|v| v["version"] = json!("2.0.0"))),
        (
            "no runs",
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("runs");
            }),
        ),
        (
            "level fatal",
            Box::new(|v| v["runs"][0]["results"][0]["level"] = json!("fatal")),
        ),
        (
            "line 0",
            Box::new(|v| {
                v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
                    ["startLine"] = json!(0)
            }),
        ),
        (
            "no driver name",
            Box::new(|v| {
                v["runs"][0]["tool"]["driver"]
                    .as_object_mut()
                    .unwrap()
                    .remove("name");
            }),
        ),
        (
            "message without text",
            Box::new(|v| v["runs"][0]["results"][0]["message"] = json!({})),
        ),
        (
            "suppression kind waiver",
            Box::new(move |v| {
                v["runs"][0]["results"][suppressed]["suppressions"][0]["kind"] = json!("waiver")
            }),
        ),
        (
            "unknown result property",
            Box::new(|v| v["runs"][0]["results"][0]["severity"] = json!("error")),
        ),
    ];
    for (what, breaker) in breakers {
        let mut bad = good.clone();
        breaker(&mut bad);
        assert!(
            !sarif_errors(&bad).is_empty(),
            "{what}: the broken copy validated"
        );
    }
}

#[test]
fn sarif_uri_of_a_path_with_a_space_is_a_valid_uri_reference() {
    let repo = sarif_world();
    repo.write(
        "json-sequences/my copy.json",
        COPY_SEQ.replace("copy-symphony", "my-copy-symphony"),
    );
    repo.git(["add", "-A"]);
    let r = run(&repo, &["check", "--all", "--format", "sarif"]);
    r.code(1);
    let v = r.json();
    let uris: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_valid_sarif(&v);
    assert!(uris.contains(&"json-sequences/my%20copy.json"), "{uris:?}");
}

// ---------------------------------------------------------------------------------------------
// JUnit XML

/// A minimal XML well-formedness check: one root element, balanced and properly nested tags,
/// quoted attributes, no raw '<' or stray '&' in text or attribute values.
fn assert_well_formed_xml(xml: &str) {
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .unwrap_or_else(|| panic!("no XML declaration:\n{xml}"));
    let check_text = |t: &str| {
        let mut rest = t;
        while let Some(i) = rest.find('&') {
            rest = &rest[i + 1..];
            let end = rest
                .find(';')
                .unwrap_or_else(|| panic!("unterminated entity in {t:?}"));
            let name = &rest[..end];
            assert!(
                ["amp", "lt", "gt", "quot", "apos"].contains(&name)
                    || (name.starts_with('#') && name.len() > 1),
                "unknown entity &{name}; in {t:?}"
            );
        }
    };
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = body;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..lt];
        if stack.is_empty() {
            assert!(text.trim().is_empty(), "text outside the root: {text:?}");
        }
        check_text(text);
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        // A tag: find its end outside attribute quotes.
        let mut in_quote = false;
        let mut end = None;
        for (i, c) in rest.char_indices().skip(1) {
            match c {
                '"' => in_quote = !in_quote,
                '<' => panic!("'<' inside a tag: {}", &rest[..i + 1]),
                '>' if !in_quote => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let end = end.unwrap_or_else(|| panic!("unterminated tag: {rest}"));
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name.trim(), "mismatched closing tag");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c)),
            "bad element name {name:?}"
        );
        // Attributes: name="value" pairs.
        let mut attrs = tag[name.len()..].trim();
        while !attrs.is_empty() {
            let eq = attrs
                .find("=\"")
                .unwrap_or_else(|| panic!("bad attribute in <{tag}>"));
            let value_end = attrs[eq + 2..]
                .find('"')
                .unwrap_or_else(|| panic!("unterminated attribute in <{tag}>"));
            let value = &attrs[eq + 2..eq + 2 + value_end];
            assert!(!value.contains('<'), "raw '<' in attribute of <{tag}>");
            check_text(value);
            attrs = attrs[eq + 2 + value_end + 1..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
        }
        if !self_closing {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    assert_eq!(roots, 1, "one root element");
}

#[test]
fn junit_is_well_formed_one_case_per_rule_and_escapes() {
    let repo = sarif_world();
    edit(
        &repo,
        COPY,
        "\"canvas:copy:serialize\"",
        "\"canvas:<copy>&'q'\"",
    );
    repo.git(["add", "-A"]);
    let r = run(&repo, &["check", "--all", "--format", "junit"]);
    r.code(1);
    assert_well_formed_xml(&r.stdout);
    let n = crate::governance::catalogue(&repo).len();
    assert!(
        r.stdout.contains(&format!(
            "<testsuites name=\"git-audit\" tests=\"{n}\" failures=\"1\""
        )),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.matches("<testcase ").count(), n, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "<failure type=\"registry-sequence-mismatch\" message=\"1 blocking finding\">"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("canvas:&lt;copy&gt;&amp;&apos;q&apos;"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("suppressed by waiver: json-sequences/copy.json"),
        "{}",
        r.stdout
    );
    // The checker itself refuses broken XML.
    for broken in [
        r.stdout.replace("&amp;", "&"),
        r.stdout.replace("</testsuite>", ""),
        r.stdout.replace("&lt;copy&gt;", "<copy>"),
    ] {
        assert!(
            std::panic::catch_unwind(|| assert_well_formed_xml(&broken)).is_err(),
            "the XML check accepted a broken document"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// GitHub annotations

/// A sequence with `n` beats that have no handler and a bad event name, not in the registry.
fn many_bad_beats(n: usize, event: &str) -> String {
    let beats: Vec<String> = (1..=n)
        .map(|i| format!("        {{ \"beat\": {i}, \"event\": \"{event}\" }}"))
        .collect();
    format!(
        "{{\n  \"id\": \"many-symphony\",\n  \"name\": \"Many\",\n  \"movements\": [\n    {{\n      \"id\": \"m\",\n      \"beats\": [\n{}\n      ]\n    }}\n  ]\n}}\n",
        beats.join(",\n")
    )
}

#[test]
fn github_annotations_are_escaped_one_per_line() {
    let repo = TestRepo::new();
    write_world(&repo);
    let odd = "json-sequences/odd, name:1.json";
    repo.write(odd, many_bad_beats(1, "Canvas 100%"));
    repo.commit_all("odd");
    let r = run(&repo, &["check", "--all", "--format", "github"]);
    r.code(1);
    let escaped = "json-sequences/odd%2C name%3A1.json";
    let mut annotated = BTreeSet::new();
    for line in r.stdout.lines() {
        if line.starts_with("git-audit: ") {
            continue;
        }
        assert!(
            line.starts_with("::"),
            "a stray line (unescaped newline?): {line:?}\n{}",
            r.stdout
        );
        let (props, data) = line[2..].split_once("::").expect("command::data");
        let (command, props) = props.split_once(' ').expect("command and properties");
        assert!(["error", "warning", "notice"].contains(&command), "{line}");
        assert!(props.starts_with(&format!("file={escaped},")), "{line}");
        let title = props.split(",title=").nth(1).expect("a title");
        annotated.insert(title.trim_start_matches("git-audit ").to_string());
        assert!(!data.contains('\n') && !data.contains('\r'));
        // '%' in data is escaped, so GitHub cannot misread it as an escape.
        assert!(
            !data.replace("%25", "").replace("%0A", "").contains('%'),
            "{line}"
        );
    }
    assert_eq!(
        annotated,
        BTreeSet::from([
            "beat-handler-missing".to_string(),
            "event-name".to_string(),
            "registry-missing-sequence".to_string()
        ]),
        "{}",
        r.stdout
    );
    r.stdout_has("Canvas 100%25");
}

#[test]
fn github_annotations_stay_within_ten_per_level() {
    let repo = TestRepo::new();
    write_world(&repo);
    // 12 beats without handler (errors) + the sequence has no domain (an error): 13 errors;
    // 12 bad event names (warnings).
    repo.write("json-sequences/many.json", many_bad_beats(12, "Bad.Name"));
    repo.commit_all("many");
    let r = run(&repo, &["check", "--all", "--format", "github"]);
    r.code(1);
    assert_eq!(
        r.stdout.matches("\n::error ").count() + usize::from(r.stdout.starts_with("::error ")),
        10,
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.matches("\n::warning ").count(), 10, "{}", r.stdout);
    r.stdout_has("::notice title=git-audit::5 more findings not annotated");
    r.stdout_has("git-audit: 13 blocking, 25 in all");
}

#[test]
fn github_notices_stay_within_ten_including_the_overflow_note() {
    let repo = TestRepo::new();
    write_world(&repo);
    repo.write(
        "audit.toml",
        format!("{AUDIT_TOML}\n[rules]\nevent-name = \"info\"\nbeat-handler-missing = \"off\"\nregistry-missing-sequence = \"off\"\n"),
    );
    repo.write("json-sequences/many.json", many_bad_beats(12, "Bad.Name"));
    repo.commit_all("many notes");
    let r = run(&repo, &["check", "--all", "--format", "github"]);
    r.code(0);
    let notices = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("::notice"))
        .count();
    assert!(notices <= 10, "{notices} notice annotations:\n{}", r.stdout);
}
