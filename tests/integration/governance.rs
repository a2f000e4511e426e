//! The governance rules, severities, waivers, the baseline and the rule catalogue, through the
//! real binary in temporary repositories. Every rule has a triggering fixture (asserting rule id,
//! path, pointer, line and column, worked out here from the fixture text) and a clean one.

use std::collections::BTreeSet;
use std::ffi::OsStr;

use serde_json::Value;

use crate::support::{Run, TestRepo};

/// "Today" for every run here, so waiver expiry never depends on the clock.
pub const TODAY: &str = "2026-01-15";

/// CI variables the test process may inherit (these tests may run on CI themselves).
pub const CI_VARS: &[&str] = &[
    "GITHUB_ACTIONS",
    "GITHUB_EVENT_NAME",
    "GITHUB_EVENT_PATH",
    "GITHUB_SHA",
    "GITHUB_BASE_REF",
    "GITHUB_STEP_SUMMARY",
    "GITLAB_CI",
    "CI_MERGE_REQUEST_DIFF_BASE_SHA",
    "CI_COMMIT_BEFORE_SHA",
    "CI_COMMIT_SHA",
    "GIT_AUDIT_TODAY",
];

pub const AUDIT_TOML: &str = r#"[[artifact]]
path = "orchestration-domains.json"
kind = "registry"
path-keys = ["sequenceFile", "docsPath"]

[[artifact]]
path = "json-sequences/*.json"
kind = "sequence"
schema = "schemas/sequence.schema.json"

[[plan]]
path = "plan.json"
ids = "/domainSequences/*/id"
"#;

pub const REG: &str = "orchestration-domains.json";
pub const COPY: &str = "json-sequences/copy.json";
pub const PASTE: &str = "json-sequences/paste.json";
pub const PLAN: &str = "plan.json";
pub const WAIVERS: &str = "audit-waivers.toml";

pub const REGISTRY: &str = r#"{
  "metadata": {
    "generated": "2026-01-01T00:00:00Z",
    "version": "1"
  },
  "domains": [
    {
      "id": "copy-symphony",
      "name": "Copy",
      "category": "plugin",
      "tempo": 120,
      "key": "C Major",
      "timeSignature": "4/4",
      "sequenceFile": "json-sequences/copy.json",
      "docsPath": "docs/copy.md",
      "movements": 1,
      "beats": 2
    },
    {
      "id": "paste-symphony",
      "name": "Paste",
      "category": "plugin",
      "tempo": 96,
      "key": "G Major",
      "timeSignature": "3/4",
      "sequenceFile": "json-sequences/paste.json",
      "docsPath": "docs/",
      "movements": 2,
      "beats": 3
    }
  ]
}
"#;

pub const COPY_SEQ: &str = r#"{
  "id": "copy-symphony",
  "name": "Copy",
  "movements": [
    {
      "id": "copy-main",
      "beats": [
        { "beat": 1, "event": "canvas:copy:serialize", "handler": "serialize", "timing": "immediate" },
        { "beat": 2, "event": "canvas:copy:clipboard", "handler": "toClipboard", "timing": "immediate" }
      ]
    }
  ]
}
"#;

pub const PASTE_SEQ: &str = r#"{
  "id": "paste-symphony",
  "name": "Paste",
  "movements": [
    {
      "id": "paste-read",
      "beats": [
        { "beat": 1, "event": "canvas:paste:read", "handler": "readClipboard", "timing": "immediate" },
        { "beat": 2, "event": "canvas:paste:insert", "handler": "insert", "timing": "deferred" }
      ]
    },
    {
      "id": "paste-notify",
      "beats": [
        { "beat": 1, "event": "canvas:paste:notify", "handler": "notify", "timing": "deferred" }
      ]
    }
  ]
}
"#;

/// A draft 2020-12 schema for the sequences (with a local `$ref` into `$defs`).
pub const SCHEMA_2020: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["id", "name", "movements"],
  "properties": {
    "id": { "type": "string" },
    "name": { "type": "string" },
    "movements": {
      "type": "array",
      "items": {
        "type": "object",
        "required": ["id", "beats"],
        "properties": {
          "beats": { "type": "array", "items": { "$ref": "#/$defs/beat" } }
        }
      }
    }
  },
  "$defs": {
    "beat": {
      "type": "object",
      "properties": {
        "beat": { "type": "integer", "minimum": 1 },
        "timing": { "enum": ["immediate", "deferred"] }
      }
    }
  }
}
"##;

pub const PLAN_DOC: &str = r#"{
  "domainSequences": [
    { "id": "copy-symphony", "bddSpec": "bdd/copy.feature" },
    { "id": "paste-symphony", "bddSpec": "bdd/paste.feature" }
  ]
}
"#;

/// A clean world: a registry, two sequences, a schema, a plan and a doc, nothing to report.
pub fn write_world(repo: &TestRepo) {
    repo.write("audit.toml", AUDIT_TOML);
    repo.write(REG, REGISTRY);
    repo.write(COPY, COPY_SEQ);
    repo.write(PASTE, PASTE_SEQ);
    repo.write("schemas/sequence.schema.json", SCHEMA_2020);
    repo.write(PLAN, PLAN_DOC);
    repo.write("docs/copy.md", "# Copy\n");
}

/// [`write_world`], committed as the base commit.
pub fn world() -> TestRepo {
    let repo = TestRepo::new();
    write_world(&repo);
    repo.commit_all("base");
    repo
}

/// Replaces the one occurrence of `from` in a work-tree file.
#[track_caller]
pub fn edit(repo: &TestRepo, rel: &str, from: &str, to: &str) {
    let text = repo.read(rel);
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} must occur exactly once in {rel}:\n{text}"
    );
    repo.write(rel, text.replacen(from, to, 1));
}

/// 1-based line and column (in characters) of the one occurrence of `needle` in `text`.
#[track_caller]
pub fn pos(text: &str, needle: &str) -> (usize, usize) {
    assert_eq!(
        text.matches(needle).count(),
        1,
        "{needle:?} must occur exactly once in:\n{text}"
    );
    let at = text.find(needle).expect("found");
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// Where `needle` is in a work-tree file.
#[track_caller]
pub fn pos_in(repo: &TestRepo, rel: &str, needle: &str) -> (usize, usize) {
    pos(&repo.read(rel), needle)
}

/// Runs git-audit at the top of the work tree with "today" fixed and no CI variables.
pub fn run(repo: &TestRepo, args: &[&str]) -> Run {
    run_env(repo, &[], args)
}

/// [`run`] with extra environment variables (set last).
pub fn run_env(repo: &TestRepo, env: &[(&str, &OsStr)], args: &[&str]) -> Run {
    run_in(repo, repo.root(), env, args)
}

pub fn run_in(
    repo: &TestRepo,
    dir: &std::path::Path,
    env: &[(&str, &OsStr)],
    args: &[&str],
) -> Run {
    let mut cmd = repo.audit_cmd_in(dir);
    for var in CI_VARS {
        cmd.env_remove(var);
    }
    cmd.env("GIT_AUDIT_TODAY", TODAY);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::from(cmd.args(args).output().expect("run git-audit"))
}

/// `check --format json ARGS`, asserting the exit code; the report.
#[track_caller]
pub fn check(repo: &TestRepo, args: &[&str], code: i32) -> Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(repo, &all);
    r.code(code);
    let v = r.json();
    assert_eq!(
        v["ok"],
        code == 0,
        "ok disagrees with the exit code:\n{v:#}"
    );
    v
}

/// The findings of a report.
#[track_caller]
pub fn findings(report: &Value) -> &Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings list in:\n{report:#}"))
}

/// The one finding of `rule` in a report.
#[track_caller]
pub fn one<'v>(report: &'v Value, rule: &str) -> &'v Value {
    let mine: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect();
    assert_eq!(mine.len(), 1, "expected one {rule} finding in:\n{report:#}");
    mine[0]
}

/// A finding as (rule, path, pointer, line, column).
pub type Brief = (String, String, String, usize, usize);

pub fn brief(f: &Value) -> Brief {
    (
        f["rule"].as_str().unwrap_or("?").to_string(),
        f["path"].as_str().unwrap_or("?").to_string(),
        f["pointer"].as_str().unwrap_or("?").to_string(),
        f["line"].as_u64().unwrap_or(0) as usize,
        f["column"].as_u64().unwrap_or(0) as usize,
    )
}

/// Asserts the report's findings are exactly these (in any order).
#[track_caller]
pub fn assert_findings(report: &Value, expected: &[(&str, &str, &str, (usize, usize))]) {
    let mut got: Vec<Brief> = findings(report).iter().map(brief).collect();
    got.sort();
    let mut want: Vec<Brief> = expected
        .iter()
        .map(|(r, p, ptr, (l, c))| (r.to_string(), p.to_string(), ptr.to_string(), *l, *c))
        .collect();
    want.sort();
    assert_eq!(got, want, "findings differ; the report:\n{report:#}");
}

fn rules_of(report: &Value) -> BTreeSet<String> {
    findings(report)
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("?").to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The clean world

#[test]
fn clean_world_has_no_findings_staged_or_all() {
    let repo = world();
    let all = check(&repo, &["--all"], 0);
    assert_findings(&all, &[]);
    assert_eq!(all["checked"], 3, "registry and two sequences:\n{all:#}");
    // A staged change that keeps everything consistent: a handler renamed.
    edit(&repo, COPY, "\"toClipboard\"", "\"writeClipboard\"");
    repo.git(["add", "-A"]);
    let staged = check(&repo, &[], 0);
    assert_findings(&staged, &[]);
    assert_eq!(staged["checked"], 1, "{staged:#}");
    let human = run(&repo, &["check"]);
    human.code(0).stdout_has("git-audit: no findings");
}

// ---------------------------------------------------------------------------------------------
// registry-missing-sequence

const EXTRA: &str = "json-sequences/extra.json";
const EXTRA_SEQ: &str = r#"{
  "id": "extra-symphony",
  "name": "Extra",
  "movements": [
    {
      "id": "extra-main",
      "beats": [
        { "beat": 1, "event": "canvas:extra:run", "handler": "run", "timing": "immediate" }
      ]
    }
  ]
}
"#;

const EXTRA_DOMAIN: &str = r#",
    {
      "id": "extra-symphony",
      "name": "Extra",
      "category": "plugin",
      "tempo": 60,
      "key": "D Minor",
      "timeSignature": "4/4",
      "sequenceFile": "json-sequences/extra.json",
      "movements": 1,
      "beats": 1
    }
  ]"#;

#[test]
fn registry_missing_sequence_blocks_a_staged_sequence_without_a_domain() {
    let repo = world();
    repo.write(EXTRA, EXTRA_SEQ);
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    assert_findings(&v, &[("registry-missing-sequence", EXTRA, "", (1, 1))]);
    let f = one(&v, "registry-missing-sequence");
    assert_eq!(f["severity"], "error");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("extra-symphony") && msg.contains(REG), "{msg}");

    // Clean: the same sequence with its domain staged alongside.
    edit(&repo, REG, "\n  ]", EXTRA_DOMAIN);
    repo.git(["add", "-A"]);
    assert_findings(&check(&repo, &[], 0), &[]);
}

#[test]
fn registry_missing_sequence_of_an_old_orphan_blocks_when_the_registry_changes() {
    let repo = world();
    repo.write(EXTRA, EXTRA_SEQ);
    repo.commit_all("an orphan sequence");
    // An unrelated sequence change: the orphan is not this commit's business.
    edit(&repo, PASTE, "\"notify\"", "\"notifyPasted\"");
    repo.git(["add", "-A"]);
    assert_findings(&check(&repo, &[], 0), &[]);
    // Regenerating the registry without it is.
    repo.git(["reset", "-q"]);
    repo.git(["checkout", "--", PASTE]);
    edit(&repo, REG, "\"tempo\": 96", "\"tempo\": 100");
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    assert_findings(&v, &[("registry-missing-sequence", EXTRA, "", (1, 1))]);
}

// ---------------------------------------------------------------------------------------------
// registry-dangling-sequence

#[test]
fn registry_dangling_sequence_names_the_domain_member() {
    let repo = world();
    edit(
        &repo,
        REG,
        "\"json-sequences/paste.json\"",
        "\"json-sequences/gone.json\"",
    );
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    let at = pos_in(&repo, REG, "\"sequenceFile\": \"json-sequences/gone.json\"");
    assert_findings(
        &v,
        &[(
            "registry-dangling-sequence",
            REG,
            "/domains/1/sequenceFile",
            at,
        )],
    );
    assert!(one(&v, "registry-dangling-sequence")["message"]
        .as_str()
        .unwrap()
        .contains("paste-symphony"));
}

#[test]
fn removing_a_sequence_blocks_with_the_dangling_domain_though_the_registry_is_untouched() {
    let repo = world();
    repo.git(["rm", "-q", COPY]);
    let v = check(&repo, &[], 1);
    let at = pos(REGISTRY, "\"sequenceFile\": \"json-sequences/copy.json\"");
    assert_findings(
        &v,
        &[(
            "registry-dangling-sequence",
            REG,
            "/domains/0/sequenceFile",
            at,
        )],
    );
}

// ---------------------------------------------------------------------------------------------
// registry-sequence-mismatch

const THIRD_COPY_BEAT: &str = r#"{ "beat": 2, "event": "canvas:copy:clipboard", "handler": "toClipboard", "timing": "immediate" },
        { "beat": 3, "event": "canvas:copy:notify", "handler": "notify", "timing": "immediate" }"#;

#[test]
fn registry_sequence_mismatch_blocks_when_only_the_sequence_changed() {
    let repo = world();
    edit(
        &repo,
        COPY,
        r#"{ "beat": 2, "event": "canvas:copy:clipboard", "handler": "toClipboard", "timing": "immediate" }"#,
        THIRD_COPY_BEAT,
    );
    repo.git(["add", COPY]);
    let v = check(&repo, &[], 1);
    assert_findings(
        &v,
        &[(
            "registry-sequence-mismatch",
            REG,
            "/domains/0/beats",
            pos(REGISTRY, "\"beats\": 2"),
        )],
    );
    let msg = one(&v, "registry-sequence-mismatch")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("copy-symphony")
            && msg.contains('2')
            && msg.contains('3')
            && msg.contains(COPY),
        "{msg}"
    );
    // Clean: the registry regenerated in the same commit.
    edit(&repo, REG, "\"beats\": 2", "\"beats\": 3");
    repo.git(["add", "-A"]);
    assert_findings(&check(&repo, &[], 0), &[]);
}

#[test]
fn registry_sequence_mismatch_of_movements() {
    let repo = world();
    edit(&repo, REG, "\"movements\": 2", "\"movements\": 3");
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    assert_findings(
        &v,
        &[(
            "registry-sequence-mismatch",
            REG,
            "/domains/1/movements",
            pos_in(&repo, REG, "\"movements\": 3"),
        )],
    );
}

#[test]
fn registry_sequence_mismatch_links_a_domain_without_sequence_file_by_id() {
    let repo = world();
    edit(
        &repo,
        REG,
        "      \"sequenceFile\": \"json-sequences/copy.json\",\n",
        "",
    );
    edit(&repo, REG, "\"beats\": 2", "\"beats\": 5");
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    assert_findings(
        &v,
        &[(
            "registry-sequence-mismatch",
            REG,
            "/domains/0/beats",
            pos_in(&repo, REG, "\"beats\": 5"),
        )],
    );
}

#[test]
fn an_old_mismatch_in_an_untouched_pair_blocks_only_its_own_changes_or_all() {
    let repo = TestRepo::new();
    write_world(&repo);
    edit(&repo, REG, "\"beats\": 2", "\"beats\": 5");
    repo.commit_all("base with a stale count for copy");
    let stale = pos_in(&repo, REG, "\"beats\": 5");

    // An unrelated staged change (the paste pair) does not block on the old copy mismatch.
    edit(&repo, PASTE, "\"notify\"", "\"notifyPasted\"");
    repo.git(["add", "-A"]);
    assert_findings(&check(&repo, &[], 0), &[]);

    // --all reports it (and fails).
    let all = check(&repo, &["--all"], 1);
    assert_findings(
        &all,
        &[("registry-sequence-mismatch", REG, "/domains/0/beats", stale)],
    );

    // Touching the copy sequence (still 2 beats) makes it this commit's business.
    edit(&repo, COPY, "\"toClipboard\"", "\"writeClipboard\"");
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    assert_findings(
        &v,
        &[("registry-sequence-mismatch", REG, "/domains/0/beats", stale)],
    );
}

// ---------------------------------------------------------------------------------------------
// sequence-id-duplicate

#[test]
fn sequence_id_duplicate_names_both_files() {
    let repo = world();
    let dup = "json-sequences/copy2.json";
    repo.write(dup, COPY_SEQ);
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    assert_findings(
        &v,
        &[(
            "sequence-id-duplicate",
            dup,
            "/id",
            pos(COPY_SEQ, "\"id\": \"copy-symphony\""),
        )],
    );
    let msg = one(&v, "sequence-id-duplicate")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("copy-symphony") && msg.contains(COPY), "{msg}");

    // Clean: give it its own id (and a domain).
    edit(&repo, dup, "\"copy-symphony\"", "\"copy2-symphony\"");
    edit(
        &repo,
        REG,
        "\n  ]",
        &EXTRA_DOMAIN
            .replace("extra-symphony", "copy2-symphony")
            .replace("json-sequences/extra.json", dup)
            .replace("\"beats\": 1", "\"beats\": 2"),
    );
    repo.git(["add", "-A"]);
    assert_findings(&check(&repo, &[], 0), &[]);
}

#[test]
fn an_old_sequence_id_duplicate_does_not_block_an_unrelated_change() {
    let repo = world();
    repo.write("json-sequences/copy2.json", COPY_SEQ);
    repo.commit_all("a duplicate");
    edit(&repo, PASTE, "\"notify\"", "\"notifyPasted\"");
    repo.git(["add", "-A"]);
    assert_findings(&check(&repo, &[], 0), &[]);
    let all = check(&repo, &["--all"], 1);
    assert_eq!(
        rules_of(&all),
        BTreeSet::from(["sequence-id-duplicate".to_string()])
    );
}

// ---------------------------------------------------------------------------------------------
// beat-numbering, beat-handler-missing, beat-event-missing, event-name

#[test]
fn beat_numbering_is_a_warning_at_the_first_wrong_number() {
    let repo = world();
    edit(
        &repo,
        COPY,
        "\"beat\": 2, \"event\": \"canvas:copy:clipboard\"",
        "\"beat\": 3, \"event\": \"canvas:copy:clipboard\"",
    );
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 0);
    assert_findings(
        &v,
        &[(
            "beat-numbering",
            COPY,
            "/movements/0/beats/1/beat",
            pos_in(&repo, COPY, "\"beat\": 3"),
        )],
    );
    assert_eq!(one(&v, "beat-numbering")["severity"], "warning");
}

#[test]
fn beat_numbering_flags_a_beat_without_a_number_and_restarts_per_movement() {
    let repo = world();
    // The clean world already numbers paste's second movement from 1 again.
    edit(&repo, PASTE, "\"beat\": 2, ", "");
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 0);
    assert_findings(
        &v,
        &[(
            "beat-numbering",
            PASTE,
            "/movements/0/beats/1",
            pos_in(&repo, PASTE, "{ \"event\": \"canvas:paste:insert\""),
        )],
    );
}

#[test]
fn beat_handler_missing_points_at_the_beat() {
    let repo = world();
    edit(&repo, COPY, " \"handler\": \"toClipboard\",", "");
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    assert_findings(
        &v,
        &[(
            "beat-handler-missing",
            COPY,
            "/movements/0/beats/1",
            pos_in(&repo, COPY, "{ \"beat\": 2"),
        )],
    );
    // An empty handler is no handler either.
    repo.write(COPY, COPY_SEQ.replace("\"toClipboard\"", "\"  \""));
    repo.git(["add", "-A"]);
    assert_eq!(
        brief(one(&check(&repo, &[], 1), "beat-handler-missing")).2,
        "/movements/0/beats/1"
    );
    // Clean: a handler definition object with a name names a handler.
    repo.write(
        COPY,
        COPY_SEQ.replace("\"toClipboard\"", "{ \"name\": \"toClipboard\" }"),
    );
    repo.git(["add", "-A"]);
    assert_findings(&check(&repo, &[], 0), &[]);
}

#[test]
fn beat_event_missing_points_at_the_beat() {
    let repo = world();
    edit(&repo, PASTE, " \"event\": \"canvas:paste:notify\",", "");
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    assert_findings(
        &v,
        &[(
            "beat-event-missing",
            PASTE,
            "/movements/1/beats/0",
            pos_in(&repo, PASTE, "{ \"beat\": 1, \"handler\": \"notify\""),
        )],
    );
}

#[test]
fn event_name_default_pattern_is_a_warning_at_the_event() {
    let repo = world();
    edit(&repo, COPY, "\"canvas:copy:clipboard\"", "\"Canvas.Copy\"");
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 0);
    assert_findings(
        &v,
        &[(
            "event-name",
            COPY,
            "/movements/0/beats/1/event",
            pos_in(&repo, COPY, "\"event\": \"Canvas.Copy\""),
        )],
    );
    assert_eq!(one(&v, "event-name")["severity"], "warning");
    // A single segment without ':' does not match the default pattern either.
    repo.write(
        COPY,
        COPY_SEQ.replace("\"canvas:copy:clipboard\"", "\"copied\""),
    );
    repo.git(["add", "-A"]);
    assert_eq!(
        rules_of(&check(&repo, &[], 0)),
        BTreeSet::from(["event-name".to_string()])
    );
}

#[test]
fn event_name_follows_a_configured_pattern_and_an_empty_one_checks_nothing() {
    let repo = world();
    let with = |pattern: &str| {
        AUDIT_TOML.replace(
            "schema = \"schemas/sequence.schema.json\"\n",
            &format!("schema = \"schemas/sequence.schema.json\"\nevent-pattern = '{pattern}'\n"),
        )
    };
    repo.write("audit.toml", with("^canvas:copy:[a-z]+$"));
    repo.commit_all("copy events only");
    let v = check(&repo, &["--all"], 0);
    // Every paste event breaks that pattern; copy's do not.
    let mut pointers: Vec<String> = findings(&v)
        .iter()
        .map(|f| {
            assert_eq!(f["rule"], "event-name", "{v:#}");
            assert_eq!(f["path"], PASTE, "{v:#}");
            f["pointer"].as_str().unwrap().to_string()
        })
        .collect();
    pointers.sort();
    assert_eq!(
        pointers,
        [
            "/movements/0/beats/0/event",
            "/movements/0/beats/1/event",
            "/movements/1/beats/0/event"
        ]
    );
    repo.write("audit.toml", with(""));
    repo.write(
        COPY,
        COPY_SEQ.replace("\"canvas:copy:clipboard\"", "\"Canvas.Copy\""),
    );
    repo.git(["add", "-A"]);
    assert_findings(&check(&repo, &["--all"], 0), &[]);
}

// ---------------------------------------------------------------------------------------------
// path-separator, path-missing

#[test]
fn path_separator_in_a_registry_path() {
    let repo = world();
    edit(
        &repo,
        REG,
        "\"json-sequences/copy.json\"",
        r#""json-sequences\\copy.json""#,
    );
    edit(&repo, REG, "\"docs/copy.md\"", r#""docs\\copy.md""#);
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    // Backslashes, but both name files that exist: no dangling or missing path on top.
    assert_findings(
        &v,
        &[
            (
                "path-separator",
                REG,
                "/domains/0/sequenceFile",
                pos_in(
                    &repo,
                    REG,
                    "\"sequenceFile\": \"json-sequences\\\\copy.json\"",
                ),
            ),
            (
                "path-separator",
                REG,
                "/domains/0/docsPath",
                pos_in(&repo, REG, "\"docsPath\": \"docs\\\\copy.md\""),
            ),
        ],
    );
}

#[test]
fn path_missing_for_a_configured_path_key() {
    let repo = world();
    edit(&repo, REG, "\"docs/copy.md\"", "\"docs/gone.md\"");
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    assert_findings(
        &v,
        &[(
            "path-missing",
            REG,
            "/domains/0/docsPath",
            pos_in(&repo, REG, "\"docsPath\": \"docs/gone.md\""),
        )],
    );
    assert!(one(&v, "path-missing")["message"]
        .as_str()
        .unwrap()
        .contains("docs/gone.md"));
    // Clean: a directory that exists (with or without './' and a trailing '/').
    edit(&repo, REG, "\"docs/gone.md\"", "\"./docs/\"");
    repo.git(["add", "-A"]);
    assert_findings(&check(&repo, &[], 0), &[]);
}

// ---------------------------------------------------------------------------------------------
// schema

#[test]
fn schema_2020_12_errors_map_to_pointer_line_and_column() {
    let repo = world();
    edit(
        &repo,
        PASTE,
        "\"handler\": \"insert\", \"timing\": \"deferred\"",
        "\"handler\": \"insert\", \"timing\": \"later\"",
    );
    edit(&repo, PASTE, "  \"name\": \"Paste\",\n", "");
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    assert_findings(
        &v,
        &[
            ("schema", PASTE, "", (1, 1)),
            (
                "schema",
                PASTE,
                "/movements/0/beats/1/timing",
                pos_in(&repo, PASTE, "\"timing\": \"later\""),
            ),
        ],
    );
    let messages: Vec<&str> = findings(&v)
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(messages.iter().any(|m| m.contains("name")), "{messages:?}");
    assert!(
        messages
            .iter()
            .all(|m| m.contains("schemas/sequence.schema.json")),
        "{messages:?}"
    );
}

#[test]
fn schema_draft_07_and_a_remote_reference_fails_closed_offline() {
    let repo = world();
    let draft7 = r##"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["id", "movements"],
  "properties": {
    "movements": { "type": "array", "items": { "$ref": "#/definitions/movement" } }
  },
  "definitions": {
    "movement": {
      "type": "object",
      "properties": { "beats": { "type": "array", "maxItems": 1 } }
    }
  }
}
"##;
    repo.write("schemas/sequence.schema.json", draft7);
    repo.commit_all("draft 7 schema");
    // copy's one movement has two beats: maxItems 1 fails there; paste's first movement too.
    let v = check(&repo, &["--all"], 1);
    assert_findings(
        &v,
        &[
            (
                "schema",
                COPY,
                "/movements/0/beats",
                pos(COPY_SEQ, "\"beats\": ["),
            ),
            (
                "schema",
                PASTE,
                "/movements/0/beats",
                pos(
                    PASTE_SEQ,
                    "\"beats\": [\n        { \"beat\": 1, \"event\": \"canvas:paste:read\"",
                ),
            ),
        ],
    );
    // A schema that needs the network cannot be used: the check cannot run (exit 2).
    repo.write(
        "schemas/sequence.schema.json",
        r#"{ "$schema": "http://json-schema.org/draft-07/schema#", "$ref": "https://example.invalid/sequence.json" }"#,
    );
    repo.git(["add", "-A"]);
    let r = run(&repo, &["check", "--all"]);
    r.code(2).stderr_has("schemas/sequence.schema.json");
    // A schema path that names nothing is refused too.
    repo.write(
        "audit.toml",
        AUDIT_TOML.replace("schemas/sequence.schema.json", "schemas/none.json"),
    );
    repo.git(["add", "-A"]);
    run(&repo, &["check", "--all"])
        .code(2)
        .stderr_has("schemas/none.json");
}

// ---------------------------------------------------------------------------------------------
// plan-coverage

#[test]
fn plan_coverage_reports_a_listed_id_missing_from_the_registry() {
    let repo = world();
    edit(
        &repo,
        PLAN,
        "{ \"id\": \"paste-symphony\", \"bddSpec\": \"bdd/paste.feature\" }",
        "{ \"id\": \"paste-symphony\", \"bddSpec\": \"bdd/paste.feature\" },\n    { \"id\": \"cut-symphony\", \"bddSpec\": \"bdd/cut.feature\" }",
    );
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 0);
    let at = pos_in(&repo, PLAN, "\"id\": \"cut-symphony\"");
    assert_findings(&v, &[("plan-coverage", PLAN, "/domainSequences/2/id", at)]);
    assert_eq!(one(&v, "plan-coverage")["severity"], "warning");
    repo.commit_all("plan lists cut");

    // Old and unrelated to a staged sequence change: not reported; --all reports it.
    edit(&repo, PASTE, "\"notify\"", "\"notifyPasted\"");
    repo.git(["add", "-A"]);
    assert_findings(&check(&repo, &[], 0), &[]);
    assert_findings(
        &check(&repo, &["--all"], 0),
        &[("plan-coverage", PLAN, "/domainSequences/2/id", at)],
    );
    // As an error it blocks.
    repo.write(
        "audit.toml",
        format!("{AUDIT_TOML}\n[rules]\nplan-coverage = \"error\"\n"),
    );
    repo.git(["add", "-A"]);
    assert_eq!(
        one(&check(&repo, &[], 1), "plan-coverage")["severity"],
        "error"
    );
}

#[test]
fn plan_coverage_follows_a_registry_change() {
    let repo = world();
    // Drop the paste domain: the plan still lists it, and paste.json lost its domain.
    let text = repo.read(REG);
    let start = text
        .find(",\n    {\n      \"id\": \"paste-symphony\"")
        .unwrap();
    let end = text.rfind("\n  ]").unwrap();
    repo.write(REG, format!("{}{}", &text[..start], &text[end..]));
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    assert_findings(
        &v,
        &[
            (
                "plan-coverage",
                PLAN,
                "/domainSequences/1/id",
                pos(PLAN_DOC, "\"id\": \"paste-symphony\""),
            ),
            ("registry-missing-sequence", PASTE, "", (1, 1)),
        ],
    );
}

const PLAN_WITH_DUPLICATE_KEY: &str = r#"{
  "owner": "a",
  "owner": "b",
  "domainSequences": [
    { "id": "copy-symphony" },
    { "id": "paste-symphony" }
  ]
}
"#;

#[test]
fn a_staged_plan_that_cannot_be_read_blocks_at_its_position() {
    let repo = world();
    repo.write(PLAN, PLAN_WITH_DUPLICATE_KEY);
    repo.git(["add", "-A"]);
    let v = check(&repo, &[], 1);
    let (line, _) = pos(PLAN_WITH_DUPLICATE_KEY, "\"owner\": \"b\"");
    let f = one(&v, "json-duplicate-key");
    assert_eq!(
        (f["path"].as_str(), f["line"].as_u64()),
        (Some(PLAN), Some(line as u64))
    );
    assert_eq!(findings(&v).len(), 1, "{v:#}");
}

#[test]
fn an_old_unreadable_plan_does_not_block_an_unrelated_change() {
    let repo = world();
    repo.write(PLAN, PLAN_WITH_DUPLICATE_KEY);
    repo.commit_all("a plan with a duplicate key");
    edit(&repo, PASTE, "\"notify\"", "\"notifyPasted\"");
    repo.git(["add", "-A"]);
    assert_findings(&check(&repo, &[], 0), &[]);
}

// ---------------------------------------------------------------------------------------------
// Severities

/// The clean world plus a beat without a handler (error) and one misnumbered beat (warning).
fn two_problems() -> TestRepo {
    let repo = TestRepo::new();
    write_world(&repo);
    repo.write(
        COPY,
        COPY_SEQ
            .replace(" \"handler\": \"toClipboard\",", "")
            .replace("\"beat\": 2,", "\"beat\": 7,"),
    );
    repo.commit_all("two problems");
    repo
}

fn with_rules(repo: &TestRepo, global: &str, local: &str) {
    let toml = AUDIT_TOML.replace(
        "schema = \"schemas/sequence.schema.json\"\n",
        &format!("schema = \"schemas/sequence.schema.json\"\n{local}"),
    );
    repo.write("audit.toml", format!("{toml}\n[rules]\n{global}"));
    repo.git(["add", "-A"]);
}

#[test]
fn severities_off_drops_and_warning_does_not_block() {
    let repo = two_problems();
    let v = check(&repo, &["--all"], 1);
    assert_eq!(
        rules_of(&v),
        BTreeSet::from(["beat-handler-missing".into(), "beat-numbering".into()])
    );
    with_rules(&repo, "beat-numbering = \"off\"\n", "");
    let v = check(&repo, &["--all"], 1);
    assert_eq!(
        rules_of(&v),
        BTreeSet::from(["beat-handler-missing".into()])
    );
    with_rules(
        &repo,
        "beat-numbering = \"off\"\nbeat-handler-missing = \"warning\"\n",
        "",
    );
    let v = check(&repo, &["--all"], 0);
    assert_eq!(one(&v, "beat-handler-missing")["severity"], "warning");
    with_rules(
        &repo,
        "beat-handler-missing = \"info\"\nbeat-numbering = \"error\"\n",
        "",
    );
    let v = check(&repo, &["--all"], 1);
    assert_eq!(one(&v, "beat-handler-missing")["severity"], "info");
    assert_eq!(one(&v, "beat-numbering")["severity"], "error");
}

#[test]
fn a_per_artifact_severity_wins_over_the_global_one() {
    let repo = two_problems();
    // Globally an error, off for the sequences.
    with_rules(
        &repo,
        "beat-handler-missing = \"error\"\n",
        "rules = { beat-handler-missing = \"off\", beat-numbering = \"error\" }\n",
    );
    let v = check(&repo, &["--all"], 1);
    assert_eq!(rules_of(&v), BTreeSet::from(["beat-numbering".into()]));
    assert_eq!(one(&v, "beat-numbering")["severity"], "error");
    // Globally a warning, an error for the sequences.
    with_rules(
        &repo,
        "beat-handler-missing = \"warning\"\nbeat-numbering = \"off\"\n",
        "rules = { beat-handler-missing = \"error\" }\n",
    );
    let v = check(&repo, &["--all"], 1);
    assert_eq!(one(&v, "beat-handler-missing")["severity"], "error");
    // The override applies only to the artifact it names: the registry's findings keep the
    // global level.
    edit(&repo, REG, "\"beats\": 2", "\"beats\": 9");
    with_rules(
        &repo,
        "registry-sequence-mismatch = \"warning\"\nbeat-handler-missing = \"off\"\n",
        "rules = { registry-sequence-mismatch = \"error\" }\n",
    );
    let v = check(&repo, &["--all"], 0);
    assert_eq!(one(&v, "registry-sequence-mismatch")["severity"], "warning");
}

#[test]
fn an_unknown_rule_in_audit_toml_cannot_run_and_says_where() {
    let repo = world();
    repo.write(
        "audit.toml",
        format!("{AUDIT_TOML}\n[rules]\nbeat-numbering = \"off\"\nbeat-numberin = \"off\"\n"),
    );
    repo.git(["add", "-A"]);
    let line = AUDIT_TOML.lines().count() + 4;
    let r = run(&repo, &["check"]);
    r.code(2)
        .stderr_has(&format!("audit.toml (index):{line}:1:"))
        .stderr_has("beat-numberin");
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    // Per artifact too.
    repo.write(
        "audit.toml",
        AUDIT_TOML.replace(
            "kind = \"sequence\"\n",
            "kind = \"sequence\"\nrules = { nope = \"off\" }\n",
        ),
    );
    repo.git(["add", "-A"]);
    let line = pos(&repo.read("audit.toml"), "rules = { nope").0;
    run(&repo, &["check", "--all"])
        .code(2)
        .stderr_has(&format!("audit.toml (index):{line}:"))
        .stderr_has("nope");
    // And an unknown level.
    repo.write(
        "audit.toml",
        format!("{AUDIT_TOML}\n[rules]\nschema = \"fatal\"\n"),
    );
    repo.git(["add", "-A"]);
    run(&repo, &["check"]).code(2).stderr_has("fatal");
}

// ---------------------------------------------------------------------------------------------
// Waivers

/// A waiver of the missing handler in copy's beat 2, preceded by a comment line.
fn waiver(expires: &str) -> String {
    format!(
        "# accepted for now\n[[waiver]]\nrule = \"beat-handler-missing\"\npath = \"json-sequences/*.json\"\npointer = \"/movements/0\"\nreason = \"the handler lands next sprint\"\nowner = \"ada\"\nexpires = {expires}\n"
    )
}

fn handler_missing() -> TestRepo {
    let repo = TestRepo::new();
    write_world(&repo);
    repo.write(COPY, COPY_SEQ.replace(" \"handler\": \"toClipboard\",", ""));
    repo.commit_all("a missing handler");
    repo
}

#[test]
fn a_live_waiver_suppresses_and_the_finding_is_still_reported_in_json_and_sarif() {
    let repo = handler_missing();
    check(&repo, &["--all"], 1);
    repo.write(WAIVERS, waiver("2026-03-31"));
    repo.git(["add", "-A"]);
    let all = check(&repo, &["--all"], 0);
    repo.commit_all("waive it");
    // A staged change to the waived file: still reported, still suppressed.
    edit(&repo, COPY, "\"serialize\"", "\"serialise\"");
    repo.git(["add", "-A"]);
    let staged = check(&repo, &[], 0);
    for v in [&all, &staged] {
        let f = one(v, "beat-handler-missing");
        assert_eq!(f["severity"], "error");
        assert_eq!(f["suppressed"]["kind"], "waiver", "{v:#}");
        assert_eq!(f["suppressed"]["owner"], "ada");
        assert_eq!(f["suppressed"]["expires"], "2026-03-31");
        assert_eq!(
            f["suppressed"]["justification"],
            "the handler lands next sprint"
        );
        assert!(!rules_of(v).contains("waiver-expired"), "{v:#}");
    }
    let sarif = run(&repo, &["check", "--all", "--format", "sarif"]);
    sarif.code(0);
    let sarif = sarif.json();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{sarif:#}");
    assert_eq!(results[0]["ruleId"], "beat-handler-missing");
    let s = &results[0]["suppressions"][0];
    assert_eq!(s["kind"], "external");
    assert!(
        s["justification"]
            .as_str()
            .unwrap()
            .contains("the handler lands next sprint"),
        "{s}"
    );
    // Expiry day itself still holds.
    let v = check_today(&repo, "2026-03-31", 0);
    assert!(one(&v, "beat-handler-missing")["suppressed"].is_object());
}

#[test]
fn a_live_waiver_is_reported_as_suppressed_in_human_output() {
    let repo = handler_missing();
    repo.write(WAIVERS, waiver("2026-03-31"));
    repo.git(["add", "-A"]);
    // By default a count (issue 11, item 6); listed with --show-suppressed.
    run(&repo, &["check", "--all"])
        .code(0)
        .stdout_has("1 suppressed by waivers or the baseline");
    let r = run(&repo, &["check", "--all", "--show-suppressed"]);
    r.code(0);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("beat-handler-missing"))
        .unwrap_or_else(|| panic!("the waived finding is not reported:\n{}", r.stdout));
    assert!(
        r.stdout.to_lowercase().contains("suppressed") || r.stdout.contains("waive"),
        "nothing says the finding is waived: {line}\n{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("1 error"),
        "a waived finding is counted as an error while the check passes:\n{}",
        r.stdout
    );
}

fn check_today(repo: &TestRepo, today: &str, code: i32) -> Value {
    let r = run_env(
        repo,
        &[("GIT_AUDIT_TODAY", OsStr::new(today))],
        &["check", "--all", "--format", "json"],
    );
    r.code(code);
    r.json()
}

/// `SOURCE_DATE_EPOCH` stamps generated files; it never decides what today is, so a build
/// environment that sets it to an old commit's time cannot make an expired waiver waive.
#[test]
fn source_date_epoch_never_revives_an_expired_waiver() {
    let repo = handler_missing();
    repo.write(WAIVERS, waiver("2026-03-31"));
    repo.commit_all("waive it");
    // 2026-01-01, before the expiry; the real clock (this test runs after 2026-03-31) decides.
    let r = run_env(
        &repo,
        &[
            ("SOURCE_DATE_EPOCH", OsStr::new("1767225600")),
            // No fixed test date: the clock is read.
            ("GIT_AUDIT_TODAY", OsStr::new("")),
        ],
        &["check", "--all", "--format", "json"],
    );
    r.code(1);
    let v = r.json();
    assert!(
        one(&v, "beat-handler-missing")["suppressed"].is_null(),
        "{v:#}"
    );
    one(&v, "waiver-expired");
}

#[test]
fn an_expired_waiver_stops_waiving_and_says_so() {
    let repo = handler_missing();
    let text = waiver("2026-03-31");
    repo.write(WAIVERS, &text);
    repo.commit_all("waive it");
    let v = check_today(&repo, "2026-04-01", 1);
    let handler = pos(COPY_SEQ, "{ \"beat\": 2");
    assert_findings(
        &v,
        &[
            (
                "beat-handler-missing",
                COPY,
                "/movements/0/beats/1",
                handler,
            ),
            (
                "waiver-expired",
                WAIVERS,
                "",
                (pos(&text, "[[waiver]]").0, 1),
            ),
        ],
    );
    assert!(one(&v, "beat-handler-missing")["suppressed"].is_null());
    let expired = one(&v, "waiver-expired");
    assert_eq!(expired["severity"], "warning");
    let msg = expired["message"].as_str().unwrap();
    assert!(
        msg.contains("beat-handler-missing") && msg.contains("2026-03-31") && msg.contains("ada"),
        "{msg}"
    );
    // In a staged check that touches the waived file the expired waiver is reported as well.
    edit(&repo, COPY, "\"serialize\"", "\"serialise\"");
    repo.git(["add", "-A"]);
    let r = run_env(
        &repo,
        &[("GIT_AUDIT_TODAY", OsStr::new("2026-04-01"))],
        &["check", "--format", "json"],
    );
    r.code(1);
    assert!(rules_of(&r.json()).contains("waiver-expired"));
    // As an error, an expired waiver blocks by itself.
    repo.write(
        "audit.toml",
        format!("{AUDIT_TOML}\n[rules]\nwaiver-expired = \"error\"\nbeat-handler-missing = \"warning\"\n"),
    );
    repo.git(["add", "-A"]);
    let v = check_today(&repo, "2026-04-01", 1);
    assert_eq!(one(&v, "waiver-expired")["severity"], "error");
    repo.git(["checkout", "HEAD", "--", "audit.toml"]);
    // Clean: renewed.
    repo.write(WAIVERS, waiver("2026-12-31"));
    repo.git(["add", "-A"]);
    let v = check_today(&repo, "2026-04-01", 0);
    assert!(!rules_of(&v).contains("waiver-expired"), "{v:#}");
}

#[test]
fn a_waiver_by_fingerprint_waives_exactly_that_finding() {
    let repo = handler_missing();
    // A second missing handler in paste.
    repo.write(PASTE, PASTE_SEQ.replace(" \"handler\": \"notify\",", ""));
    repo.commit_all("another");
    let v = check(&repo, &["--all"], 1);
    let copy = findings(&v)
        .iter()
        .find(|f| f["path"] == COPY)
        .expect("copy finding");
    let fp = copy["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(fp.len(), 16, "{fp}");
    repo.write(
        WAIVERS,
        format!("[[waiver]]\nrule = \"beat-handler-missing\"\npath = \"**\"\nfingerprint = \"{fp}\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2026-06-30\"\n"),
    );
    repo.git(["add", "-A"]);
    let v = check(&repo, &["--all"], 1);
    for f in findings(&v) {
        assert_eq!(f["rule"], "beat-handler-missing");
        assert_eq!(f["suppressed"].is_object(), f["path"] == COPY, "{v:#}");
    }
    // The fingerprint is stable across runs.
    assert_eq!(
        findings(&v).iter().find(|f| f["path"] == COPY).unwrap()["fingerprint"],
        fp.as_str()
    );
}

#[test]
fn an_invalid_waivers_file_cannot_run() {
    let repo = handler_missing();
    let cases: &[(&str, &str)] = &[
        (
            "[[waiver]]\nrule = \"beat-handler-misssing\"\npath = \"*\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2026-06-30\n",
            "beat-handler-misssing",
        ),
        (
            "[[waiver]]\nrule = \"schema\"\npath = \"*\"\nreason = \"r\"\nexpires = 2026-06-30\n",
            "owner",
        ),
        (
            "[[waiver]]\nrule = \"schema\"\npath = \"*\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"soon\"\n",
            "soon",
        ),
        (
            "[[waiver]]\nrule = \"schema\"\npath = \"*\"\nreason = \"\"\nowner = \"o\"\nexpires = 2026-06-30\n",
            "reason",
        ),
        ("[[waiver]\n", "audit-waivers.toml (index):1:"),
    ];
    for (text, needle) in cases {
        repo.write(WAIVERS, text);
        repo.git(["add", "-A"]);
        let r = run(&repo, &["check", "--all"]);
        r.code(2)
            .stderr_has(needle)
            .stderr_has("audit-waivers.toml (index):");
    }
}

#[test]
fn a_waiver_expiry_must_be_a_real_date() {
    let repo = handler_missing();
    repo.write(
        WAIVERS,
        "[[waiver]]\nrule = \"beat-handler-missing\"\npath = \"**\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2026-13-45\"\n",
    );
    repo.git(["add", "-A"]);
    run(&repo, &["check", "--all"])
        .code(2)
        .stderr_has("2026-13-45");
}

#[test]
fn a_waivers_file_elsewhere_is_read_from_waivers_path() {
    let repo = handler_missing();
    repo.write(
        "audit.toml",
        format!("{AUDIT_TOML}\n[waivers]\npath = \"governance/waivers.toml\"\n"),
    );
    repo.write("governance/waivers.toml", waiver("2026-03-31"));
    repo.git(["add", "-A"]);
    let v = check(&repo, &["--all"], 0);
    assert_eq!(
        one(&v, "beat-handler-missing")["suppressed"]["kind"],
        "waiver"
    );
    let v = check_today(&repo, "2026-04-01", 1);
    assert_eq!(one(&v, "waiver-expired")["path"], "governance/waivers.toml");
}

// ---------------------------------------------------------------------------------------------
// Baseline

#[test]
fn baseline_accepts_todays_findings_and_only_new_ones_block() {
    let repo = handler_missing();
    edit(&repo, REG, "\"docs/copy.md\"", "\"docs/gone.md\"");
    repo.commit_all("two old problems");
    let before = check(&repo, &["--all"], 1);
    assert_eq!(
        rules_of(&before),
        BTreeSet::from(["beat-handler-missing".into(), "path-missing".into()])
    );

    // --stdout writes nothing.
    let printed = run(&repo, &["baseline", "--stdout"]);
    printed.code(0);
    let printed_json = printed.json();
    assert!(!repo.path("audit-baseline.json").exists());

    let r = run(&repo, &["baseline"]);
    r.code(0).stdout_has("audit-baseline.json");
    let written: Value =
        serde_json::from_str(&repo.read("audit-baseline.json")).expect("baseline is JSON");
    assert_eq!(written, printed_json);
    let entries = written["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{written:#}");
    let mut fps: Vec<&str> = entries
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap())
        .collect();
    fps.sort();
    let mut expected: Vec<&str> = findings(&before)
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    expected.sort();
    assert_eq!(fps, expected);

    // Not yet staged: the baseline is read from the index, so nothing changes.
    check(&repo, &["--all"], 1);
    repo.git(["add", "audit-baseline.json"]);
    let after = check(&repo, &["--all"], 0);
    for f in findings(&after) {
        assert_eq!(f["suppressed"]["kind"], "baseline", "{after:#}");
    }
    repo.commit_all("baseline");

    // A new finding blocks; the old ones stay suppressed.
    edit(&repo, PASTE, " \"event\": \"canvas:paste:notify\",", "");
    repo.git(["add", "-A"]);
    let staged = check(&repo, &[], 1);
    assert_findings(
        &staged,
        &[(
            "beat-event-missing",
            PASTE,
            "/movements/1/beats/0",
            pos_in(&repo, PASTE, "{ \"beat\": 1, \"handler\": \"notify\""),
        )],
    );
    let all = check(&repo, &["--all"], 1);
    let blocking: Vec<Brief> = findings(&all)
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .map(brief)
        .collect();
    assert_eq!(blocking.len(), 1, "{all:#}");
    assert_eq!(blocking[0].0, "beat-event-missing");
    assert_eq!(findings(&all).len(), 3, "{all:#}");
}

#[test]
fn an_invalid_baseline_cannot_run() {
    let repo = handler_missing();
    repo.write(
        "audit-baseline.json",
        "{\"version\": 9, \"findings\": []}\n",
    );
    repo.git(["add", "-A"]);
    run(&repo, &["check", "--all"])
        .code(2)
        .stderr_has("audit-baseline.json");
    repo.write("audit-baseline.json", "{\"version\": 1, \"findings\": [\n");
    repo.git(["add", "-A"]);
    run(&repo, &["check", "--all"])
        .code(2)
        .stderr_has("audit-baseline.json");
}

// ---------------------------------------------------------------------------------------------
// The catalogue: rules and explain

/// The ids of `git audit rules --format json`.
pub fn catalogue(repo: &TestRepo) -> Vec<Value> {
    let r = run(repo, &["rules", "--format", "json"]);
    r.code(0);
    let v = r.json();
    assert_eq!(v["version"], 1);
    v["rules"].as_array().expect("rules list").clone()
}

/// Every rule the governance issue names, plus the waiver rule.
pub const GOVERNANCE_RULES: &[&str] = &[
    "registry-missing-sequence",
    "registry-dangling-sequence",
    "registry-sequence-mismatch",
    "sequence-id-duplicate",
    "beat-numbering",
    "beat-handler-missing",
    "beat-event-missing",
    "event-name",
    "path-separator",
    "path-missing",
    "schema",
    "plan-coverage",
    "waiver-expired",
];

#[test]
fn rules_lists_every_rule_in_human_and_json() {
    let repo = TestRepo::new();
    let rules = catalogue(&repo);
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for id in GOVERNANCE_RULES {
        assert!(ids.contains(id), "{id} missing from {ids:?}");
    }
    let unique: BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids: {ids:?}");
    for r in &rules {
        for key in ["description", "rationale", "example"] {
            assert!(
                r[key].as_str().is_some_and(|s| !s.trim().is_empty()),
                "{key} of {r}"
            );
        }
        assert!(
            ["error", "warning", "info"].contains(&r["severity"].as_str().unwrap()),
            "{r}"
        );
    }
    let human = run(&repo, &["rules"]);
    human.code(0);
    for r in &rules {
        let id = r["id"].as_str().unwrap();
        let line = human
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} not listed:\n{}", human.stdout));
        assert!(line.contains(r["severity"].as_str().unwrap()), "{line}");
        assert!(line.contains(r["description"].as_str().unwrap()), "{line}");
    }
}

#[test]
fn explain_shows_each_rule_in_full() {
    let repo = TestRepo::new();
    for r in catalogue(&repo) {
        let id = r["id"].as_str().unwrap();
        let human = run(&repo, &["explain", id]);
        human.code(0);
        for key in ["description", "rationale", "example", "severity"] {
            human.stdout_has(r[key].as_str().unwrap());
        }
        let json = run(&repo, &["explain", id, "--format", "json"]);
        json.code(0);
        assert_eq!(json.json(), r, "explain --format json of {id}");
    }
}

#[test]
fn explain_an_unknown_rule_cannot_run_and_suggests() {
    let repo = TestRepo::new();
    let r = run(&repo, &["explain", "nope"]);
    r.code(2).stderr_has("nope").stderr_has("git audit rules");
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let r = run(&repo, &["explain", "beat-numbers"]);
    r.code(2)
        .stderr_has("did you mean")
        .stderr_has("beat-numbering");
}

#[test]
fn explain_suggests_the_rule_a_typo_meant() {
    let repo = TestRepo::new();
    run(&repo, &["explain", "shcema"])
        .code(2)
        .stderr_has("did you mean")
        .stderr_has("schema");
}

#[test]
fn docs_rule_table_matches_the_catalogue_severities() {
    // The unit test checks that each id is mentioned; this one checks docs/rules.md's table row
    // of each rule carries the default severity the binary reports.
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md"))
        .expect("read docs/rules.md");
    let repo = TestRepo::new();
    for r in catalogue(&repo) {
        let id = r["id"].as_str().unwrap();
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{id}` |")))
            .unwrap_or_else(|| panic!("docs/rules.md has no rule-table row for `{id}`"));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[2], r["severity"], "docs/rules.md row for {id}: {row}");
    }
}

// ---------------------------------------------------------------------------------------------
// --range over several commits

#[test]
fn range_names_the_one_bad_commit_in_the_middle() {
    let repo = world();
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

    let range = format!("{base}..HEAD");
    let v = check(&repo, &["--range", &range], 1);
    assert_eq!(v["commits"], 3, "{v:#}");
    assert_findings(
        &v,
        &[(
            "beat-handler-missing",
            PASTE,
            "/movements/0/beats/1",
            pos_in(&repo, PASTE, "{ \"beat\": 2"),
        )],
    );
    assert_eq!(one(&v, "beat-handler-missing")["commit"], bad.as_str());
    for good in [&good1, &good2] {
        assert!(
            findings(&v).iter().all(|f| f["commit"] != good.as_str()),
            "{v:#}"
        );
    }
    let human = run(&repo, &["check", "--range", &range]);
    human.code(1);
    let header = format!("commit {} bad: drop the insert handler", &bad[..10]);
    human.stdout_has(&header);
    for good in [&good1, &good2] {
        assert!(!human.stdout.contains(&good[..10]), "{}", human.stdout);
    }
    // The good commits alone pass.
    check(&repo, &["--range", &format!("{base}..{good1}")], 0);
    check(&repo, &["--range", &format!("{bad}..{good2}")], 0);
    // --rev names one commit too.
    let v = check(&repo, &["--rev", &bad], 1);
    assert_eq!(one(&v, "beat-handler-missing")["commit"], bad.as_str());
}

// ---------------------------------------------------------------------------------------------
// The renderx corpus (AUDIT_CORPUS), copied into a temporary repository at run time

/// audit.toml for the renderx snapshot: its registry, its sequences (the `json-sequences`
/// folders less their index, package and tsconfig files and two workflow documents that have no
/// movements, and the ographx sequences less its container file), its plan and its schema.
const RENDERX_TOML: &str = r#"[[artifact]]
path = "orchestration-domains.json"
kind = "registry"

[[artifact]]
path = "**/json-sequences/**/*.json"
kind = "sequence"
ignore = [
  "**/index.json",
  "**/package.json",
  "**/tsconfig.json",
  "packages/self-healing/json-sequences/baseline.metrics.establish.json",
  "packages/self-healing/json-sequences/handler-implementation.workflow.json",
]
schema = "docs/schemas/musical-sequence.schema.json"

[[artifact]]
path = "packages/ographx/.ographx/sequences/*.json"
kind = "sequence"
ignore = ["packages/ographx/.ographx/sequences/graphing-orchestration.json"]
schema = "docs/schemas/musical-sequence.schema.json"

[[plan]]
path = "orchestration-audit-system-project-plan.json"
ids = "/domainSequences/*/id"
"#;

const RENDERX_PLAN: &str = "orchestration-audit-system-project-plan.json";

/// Copies a directory tree's regular files into `dst`; the number copied.
fn copy_files(src: &std::path::Path, dst: &std::path::Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(src).expect("list") {
        let entry = entry.expect("entry");
        let to = dst.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
            n += copy_files(&entry.path(), &to);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &to).expect("copy");
            n += 1;
        }
    }
    n
}

fn renderx(corpus: &std::path::Path) -> TestRepo {
    let repo = TestRepo::new();
    let n = copy_files(&corpus.join("renderx-2025-11-29"), repo.root());
    assert!(n > 90, "{n} files copied");
    repo.write("audit.toml", RENDERX_TOML);
    repo.commit_all("renderx 2025-11-29 with an audit.toml");
    repo
}

fn counts(report: &Value) -> std::collections::BTreeMap<String, usize> {
    let mut out = std::collections::BTreeMap::new();
    for f in findings(report) {
        *out.entry(f["rule"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    out
}

fn pointers_of(report: &Value, rule: &str) -> BTreeSet<(String, String)> {
    findings(report)
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["pointer"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn corpus_renderx_check_all_finds_what_an_independent_count_finds() {
    let corpus = crate::corpus_or_skip!();
    let repo = renderx(&corpus);
    let v = check(&repo, &["--all"], 1);
    // 74 sequence files and the registry.
    assert_eq!(v["checked"], 75, "{}", v["checked"]);

    // Counts by rule, each verified independently by a separate script over the corpus (see
    // the closing note of the change that added this test); plan-coverage is 0 because all five
    // ids of the plan's domainSequences are registry domains (and the plan itself is refused for
    // a duplicate key, below).
    let expected: std::collections::BTreeMap<String, usize> = [
        ("beat-event-missing", 59),
        ("beat-numbering", 5),
        ("event-name", 6),
        // Six sequences give a movement's `beats` as a number (a count), not an array of beats.
        // One counting rule (`core::sequence`, shared with registry generation) sums those
        // counts: no `field-type`, and the domains whose claims equal the sums
        // (safe-continuous-delivery-pipeline 18, orchestration-registry-audit-pipeline 12)
        // are no longer mismatches; the ographx domains that claim 0 are (41, 25, 24).
        ("json-duplicate-key", 1),
        ("path-separator", 4),
        ("registry-dangling-sequence", 2),
        ("registry-missing-sequence", 12),
        ("registry-sequence-mismatch", 8),
        ("required-field", 4),
        ("schema", 167),
        ("sequence-id-duplicate", 1),
    ]
    .into_iter()
    .map(|(r, n)| (r.to_string(), n))
    .collect();
    assert_eq!(counts(&v), expected);
    assert!(!counts(&v).contains_key("plan-coverage"));

    // The registry-side findings, pointer by pointer (checked by hand in the files).
    assert_eq!(
        pointers_of(&v, "registry-dangling-sequence"),
        set(&[
            (REG, "/domains/56/sequenceFile"),
            (REG, "/domains/57/sequenceFile")
        ])
    );
    assert_eq!(
        pointers_of(&v, "path-separator"),
        set(&[
            (REG, "/domains/57/sequenceFile"),
            (REG, "/domains/58/sequenceFile"),
            (REG, "/domains/59/sequenceFile"),
            (REG, "/domains/60/sequenceFile"),
        ])
    );
    assert_eq!(
        pointers_of(&v, "registry-sequence-mismatch"),
        set(&[
            (REG, "/domains/58/beats"),
            (REG, "/domains/59/beats"),
            (REG, "/domains/60/beats"),
            (REG, "/domains/63/beats"),
            (REG, "/domains/64/movements"),
            (REG, "/domains/64/beats"),
            (REG, "/domains/68/movements"),
            (REG, "/domains/68/beats"),
        ])
    );
    let missing: BTreeSet<String> = pointers_of(&v, "registry-missing-sequence")
        .into_iter()
        .map(|(p, ptr)| {
            assert_eq!(ptr, "");
            p
        })
        .collect();
    let self_healing = [
        "anomaly.detect",
        "deployment.deploy",
        "diagnosis.analyze",
        "fix.generate",
        "learning.track",
        "telemetry.parse",
        "validation.run",
    ];
    let mut want: BTreeSet<String> = self_healing
        .iter()
        .map(|n| format!("packages/self-healing/json-sequences/{n}.json"))
        .collect();
    for n in [
        "dashboard.export.report",
        "dashboard.load",
        "dashboard.refresh.metrics",
    ] {
        want.insert(format!("packages/slo-dashboard/json-sequences/{n}.json"));
    }
    for n in ["build-pipeline-orchestration", "symphony-report-pipeline"] {
        want.insert(format!("packages/orchestration/json-sequences/{n}.json"));
    }
    assert_eq!(missing, want);
    assert_eq!(
        pointers_of(&v, "sequence-id-duplicate"),
        set(&[(
            "packages/real-estate-analyzer/json-sequences/real-estate-analyzer/search-property.json",
            "/id"
        )])
    );
    let fractal =
        "packages/orchestration/json-sequences/fractal-orchestration-domain-symphony.json";
    assert_eq!(
        pointers_of(&v, "beat-numbering"),
        set(&[
            (
                "packages/canvas-component/json-sequences/canvas-component/export.json",
                "/movements/0/beats/3/beat"
            ),
            (fractal, "/movements/1/beats/0/beat"),
            (fractal, "/movements/2/beats/0/beat"),
            (fractal, "/movements/3/beats/0/beat"),
            (fractal, "/movements/4/beats/0/beat"),
        ])
    );

    // Lines checked by hand: export.json's fourth beat repeats 3 on line 38; the renderx-web
    // domain says 30 beats on line 2594 (its sequence has 22); the cag-agent-workflow domain's
    // backslash path is on line 2329; the plan repeats `scripts` in one object at line 1107.
    let at = |rule: &str, path: &str, pointer: &str| -> usize {
        findings(&v)
            .iter()
            .find(|f| f["rule"] == rule && f["path"] == path && f["pointer"] == pointer)
            .unwrap_or_else(|| panic!("no {rule} at {path}{pointer}"))["line"]
            .as_u64()
            .unwrap() as usize
    };
    assert_eq!(
        at(
            "beat-numbering",
            "packages/canvas-component/json-sequences/canvas-component/export.json",
            "/movements/0/beats/3/beat"
        ),
        38
    );
    assert_eq!(
        at("registry-sequence-mismatch", REG, "/domains/63/beats"),
        2594
    );
    assert_eq!(at("path-separator", REG, "/domains/58/sequenceFile"), 2329);
    assert_eq!(at("json-duplicate-key", RENDERX_PLAN, ""), 1107);
    let mismatch = findings(&v)
        .iter()
        .find(|f| f["pointer"] == "/domains/63/beats")
        .unwrap();
    let msg = mismatch["message"].as_str().unwrap();
    assert!(msg.contains("30") && msg.contains("22"), "{msg}");

    // Recomputed here with serde_json, independently of the binary: the duplicate sequence id,
    // the backslash paths and the plan ids the registry lacks.
    let reg: Value = serde_json::from_str(&repo.read(REG)).unwrap();
    let domains = reg["domains"].as_array().unwrap();
    let backslashed: BTreeSet<(String, String)> = domains
        .iter()
        .enumerate()
        .filter(|(_, d)| d["sequenceFile"].as_str().is_some_and(|s| s.contains('\\')))
        .map(|(i, _)| (REG.to_string(), format!("/domains/{i}/sequenceFile")))
        .collect();
    assert_eq!(backslashed, pointers_of(&v, "path-separator"));
    let a: Value = serde_json::from_str(
        &repo.read("catalog/json-sequences/real-estate-analyzer/real-estate-analyzer-search.json"),
    )
    .unwrap();
    let b: Value = serde_json::from_str(&repo.read(
        "packages/real-estate-analyzer/json-sequences/real-estate-analyzer/search-property.json",
    ))
    .unwrap();
    assert_eq!(a["id"], b["id"]);
    let ids: BTreeSet<&str> = domains.iter().filter_map(|d| d["id"].as_str()).collect();
    let plan_text = repo.read(RENDERX_PLAN);
    let plan: Value = serde_json::from_str(&plan_text).unwrap();
    let listed: Vec<&str> = plan["domainSequences"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["id"].as_str())
        .collect();
    assert_eq!(listed.len(), 5);
    assert!(listed.iter().all(|id| ids.contains(id)), "{listed:?}");
}

#[test]
fn corpus_renderx_staged_edit_of_one_sequence_reports_only_its_pair() {
    let corpus = crate::corpus_or_skip!();
    let repo = renderx(&corpus);
    let seq = "packages/orchestration/json-sequences/renderx-web-orchestration.json";
    // One handler renamed: a change to this file alone.
    edit(
        &repo,
        seq,
        "\"header/ui#getCurrentTheme\"",
        "\"header/ui#currentTheme\"",
    );
    repo.git(["add", seq]);
    let v = check(&repo, &[], 1);
    for f in findings(&v) {
        // The untouched plan's old duplicate key is reported too: a known bug, pinned by
        // `an_old_unreadable_plan_does_not_block_an_unrelated_change` (ignored until fixed).
        if f["path"] == RENDERX_PLAN && f["rule"] == "json-duplicate-key" {
            continue;
        }
        let ok = f["path"] == seq
            || (f["path"] == REG && f["pointer"].as_str().unwrap().starts_with("/domains/63/"));
        assert!(ok, "a finding outside the edited pair: {f}");
    }
    assert_eq!(
        pointers_of(&v, "registry-sequence-mismatch"),
        set(&[(REG, "/domains/63/beats")])
    );
    assert_eq!(v["checked"], 1);
}
