//! Integration tests: `git audit diff` between snapshots, in every output format.

use std::collections::HashSet;
use std::ffi::OsStr;

use serde_json::{json, Value};

use crate::fixtures::{registry, registry_jcs, registry_of, Layout};
use crate::support::{entry, paths, sha256_hex, TestRepo};

const REG: &str = "orchestration-domains.json";
const SEQ: &str = "json-sequences/copy.json";

const V1: &[(&str, &str, i64)] = &[("a", "A", 1), ("b", "B", 1)];
const V2: &[(&str, &str, i64)] = &[("a", "A", 2), ("b", "B", 1)];
const V3: &[(&str, &str, i64)] = &[("a", "A", 3), ("b", "B", 1), ("c", "C", 1)];

fn canonical(domains: &[(&str, &str, i64)]) -> String {
    sha256_hex(registry_jcs(domains))
}

fn diff_json(repo: &TestRepo, args: &[&str]) -> Value {
    let mut all = vec!["diff", "--format", "json"];
    all.extend_from_slice(args);
    repo.audit(&all).code(0).json()
}

fn items(artifact: &Value) -> &Vec<Value> {
    artifact["items"].as_array().expect("items is an array")
}

#[track_caller]
fn item<'v>(artifact: &'v Value, id: &str) -> &'v Value {
    items(artifact)
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id:?} in {artifact:#}"))
}

/// The summary invariants every artifact diff must satisfy.
#[track_caller]
fn assert_consistent(artifact: &Value) {
    for key in ["summary", "beats"] {
        let s = &artifact[key];
        if s.is_null() {
            continue;
        }
        let n = |k: &str| {
            s[k].as_u64()
                .unwrap_or_else(|| panic!("{key}.{k} in {artifact:#}"))
        };
        assert_eq!(
            n("before") + n("added"),
            n("after") + n("removed"),
            "{key}: {s}"
        );
        assert_eq!(
            n("unchanged") + n("changed") + n("removed"),
            n("before"),
            "{key}: {s}"
        );
        assert_eq!(
            n("unchanged") + n("changed") + n("added"),
            n("after"),
            "{key}: {s}"
        );
    }
    let mut seen = HashSet::new();
    for i in items(artifact) {
        let key = (i["kind"].to_string(), i["id"].to_string());
        assert!(seen.insert(key), "duplicate item {i} in {artifact:#}");
    }
}

fn sequence(beats: &[(i64, &str, &str)]) -> String {
    let beats: Vec<Value> = beats
        .iter()
        .map(|(n, event, handler)| json!({"beat": n, "event": event, "handler": handler, "title": format!("Beat {n}")}))
        .collect();
    serde_json::to_string_pretty(&json!({
        "id": "copy-symphony",
        "name": "Copy",
        "movements": [ { "id": "m1", "name": "Main", "beats": beats } ]
    }))
    .expect("serialise")
        + "\n"
}

#[test]
fn registry_change_lists_domains_with_ids_classes_and_field_pointers() {
    let repo = TestRepo::new();
    repo.write(
        REG,
        registry_of("2026-01-01", &[("a", "A", 1), ("b", "B", 1), ("c", "C", 1)]),
    );
    repo.commit_all("v1");
    repo.write(
        REG,
        registry_of(
            "2026-01-02",
            &[("a", "A", 2), ("b", "Bee", 1), ("d", "D", 4)],
        ),
    );
    repo.git(["add", REG]);
    let report = diff_json(&repo, &[]);
    assert_eq!(report["version"], 1);
    assert_eq!(report["before"], "HEAD");
    assert_eq!(report["after"], "index");
    assert_eq!(paths(&report, "artifacts"), [REG]);
    let reg = entry(&report, "artifacts", REG);
    assert_consistent(reg);
    assert_eq!(reg["kind"], "registry");
    assert_eq!(reg["status"], "modified");
    assert_eq!(reg["rawOnly"], false);
    assert_eq!(
        reg["summary"],
        json!({"unit": "domains", "before": 3, "after": 3, "added": 1, "removed": 1, "changed": 2, "unchanged": 0})
    );
    let a = item(reg, "a");
    assert_eq!(a["kind"], "domain");
    assert_eq!(a["change"], "changed");
    assert_eq!(a["class"], "structural");
    assert_eq!(a["pointer"], "/domains/0");
    assert_eq!(
        a["changes"],
        json!([{"pointer": "/tempo", "op": "changed", "before": 1, "after": 2, "class": "structural"}])
    );
    let b = item(reg, "b");
    assert_eq!(b["class"], "metadata");
    assert_eq!(
        b["changes"],
        json!([{"pointer": "/name", "op": "changed", "before": "B", "after": "Bee", "class": "metadata"}])
    );
    let c = item(reg, "c");
    assert_eq!(c["change"], "removed");
    assert_eq!(
        c["pointer"], "/domains/2",
        "removed items point into the before document"
    );
    let d = item(reg, "d");
    assert_eq!(d["change"], "added");
    assert_eq!(d["class"], "structural");
    assert_eq!(items(reg).len(), 4);
    // The generated stamp (excluded) never shows up as a change.
    assert!(!reg.to_string().contains("2026-01-02"), "{reg:#}");
}

#[test]
fn the_class_table_decides_structural_and_metadata() {
    let repo = TestRepo::new();
    let base = json!({
        "id": "x", "name": "X", "description": "d", "purpose": "p", "emoji": "a",
        "category": "plugin", "status": "active", "pluginId": "P", "sequenceFile": "s.json",
        "relatedDomains": ["y"], "movements": 1, "beats": 2, "tempo": 100, "key": "C",
        "timeSignature": "4/4", "sketch": {"title": "t", "phases": [{"name": "one", "items": ["i"]}]}
    });
    repo.write(
        REG,
        registry(
            Layout::Pretty { generated: "g" },
            std::slice::from_ref(&base),
        ),
    );
    repo.commit_all("base");
    let cases: &[(&str, Value, &str)] = &[
        ("name", json!("Y"), "metadata"),
        ("description", json!("e"), "metadata"),
        ("purpose", json!("q"), "metadata"),
        ("emoji", json!("b"), "metadata"),
        ("category", json!("other"), "structural"),
        ("status", json!("deprecated"), "structural"),
        ("pluginId", json!("Q"), "structural"),
        ("sequenceFile", json!("t.json"), "structural"),
        ("relatedDomains", json!(["z"]), "structural"),
        ("movements", json!(2), "structural"),
        ("beats", json!(3), "structural"),
        ("tempo", json!(90), "structural"),
        ("key", json!("D"), "structural"),
        ("timeSignature", json!("3/4"), "structural"),
        ("brandNewField", json!(1), "structural"),
    ];
    for (field, value, class) in cases {
        let mut d = base.clone();
        d[*field] = value.clone();
        repo.write(REG, registry(Layout::Pretty { generated: "g" }, &[d]));
        repo.git(["add", REG]);
        let report = diff_json(&repo, &[]);
        let reg = entry(&report, "artifacts", REG);
        let x = item(reg, "x");
        assert_eq!(x["class"], *class, "{field}: {x:#}");
        let changes = x["changes"].as_array().expect("changes");
        assert!(!changes.is_empty(), "{field}: {x:#}");
        for c in changes {
            assert!(c["pointer"]
                .as_str()
                .expect("pointer")
                .starts_with(&format!("/{field}")));
            assert_eq!(c["class"], *class, "{field}: {c}");
        }
    }
    // sketch phases are structural, the sketch's title metadata.
    let mut d = base.clone();
    d["sketch"]["phases"][0]["items"] = json!(["i", "j"]);
    d["sketch"]["title"] = json!("u");
    repo.write(REG, registry(Layout::Pretty { generated: "g" }, &[d]));
    repo.git(["add", REG]);
    let report = diff_json(&repo, &[]);
    let x = item(entry(&report, "artifacts", REG), "x");
    assert_eq!(x["class"], "structural");
    let classes: Vec<(String, String)> = x["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["pointer"].as_str().unwrap().to_string(),
                c["class"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        classes.contains(&("/sketch/phases/0/items/1".into(), "structural".into())),
        "{classes:?}"
    );
    assert!(
        classes.contains(&("/sketch/title".into(), "metadata".into())),
        "{classes:?}"
    );
}

#[test]
fn generated_stamp_only_change_is_unchanged_and_raw_only() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("2026-01-01T00:00:00Z", V1));
    repo.commit_all("v1");
    repo.write(REG, registry_of("2026-02-02T00:00:00Z", V1));
    repo.git(["add", REG]);
    let report = diff_json(&repo, &[]);
    let reg = entry(&report, "artifacts", REG);
    assert_eq!(reg["status"], "unchanged");
    assert_eq!(reg["rawOnly"], true);
    assert_eq!(reg["items"], json!([]));
    assert_eq!(
        reg["before"]["canonicalHash"],
        reg["after"]["canonicalHash"]
    );
    assert_eq!(reg["after"]["canonicalHash"], canonical(V1));
    assert_ne!(reg["before"]["rawHash"], reg["after"]["rawHash"]);
    assert_consistent(reg);
    assert_eq!(reg["summary"]["unchanged"], 2);
    repo.audit(["diff"])
        .code(0)
        .stdout_has("unchanged")
        .stdout_has("rawHash differs");
    repo.audit(["diff", "--format", "markdown"])
        .code(0)
        .stdout_has("| unchanged |");
}

#[test]
fn embedded_lock_block_and_reformatting_are_raw_only() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.commit_all("v1");
    let mut doc: Value = serde_json::from_str(&registry_of("g", V1)).expect("json");
    doc["integrity"] = json!({"algorithm": "sha256", "hash": "abc"});
    // Compact, with the lock block: different bytes, same meaning.
    repo.write(REG, serde_json::to_string(&doc).expect("serialise"));
    repo.git(["add", REG]);
    let report = diff_json(&repo, &[]);
    let reg = entry(&report, "artifacts", REG);
    assert_eq!(reg["status"], "unchanged", "{reg:#}");
    assert_eq!(reg["rawOnly"], true);
}

#[test]
fn identical_bytes_are_not_listed() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.write(SEQ, sequence(&[(1, "e", "h")]));
    repo.commit_all("v1");
    repo.write(SEQ, sequence(&[(1, "e", "h2")]));
    repo.git(["add", SEQ]);
    let report = diff_json(&repo, &[]);
    assert_eq!(paths(&report, "artifacts"), [SEQ]);
    // Nothing staged: nothing listed.
    repo.git(["reset", "-q"]);
    let report = diff_json(&repo, &[]);
    assert_eq!(report["artifacts"], json!([]));
    repo.audit(["diff"])
        .code(0)
        .stdout_has("no governed artifact changed");
}

#[test]
fn an_unchanged_blob_is_never_parsed() {
    let repo = TestRepo::new();
    // Invalid JSON, identical in HEAD and in the index.
    repo.write(REG, "{ \"domains\": [ oops ] }\n");
    repo.write(SEQ, sequence(&[(1, "e", "h")]));
    repo.commit_all("broken registry");
    repo.write(SEQ, sequence(&[(1, "e", "h2")]));
    repo.git(["add", SEQ]);
    // hash proves the file is invalid…
    repo.audit(["hash"]).code(2).stderr_has(REG);
    // …diff never reads it, because its blob did not change.
    let run = repo.audit(["diff", "--format", "json"]);
    run.code(0);
    assert!(!run.stderr.contains(REG), "{run:?}");
    let report = run.json();
    assert_eq!(report["errors"], json!([]));
    assert_eq!(paths(&report, "artifacts"), [SEQ]);
    repo.commit_all("seq");
    let run = repo.audit(["diff", "HEAD~1..HEAD", "--format", "json"]);
    run.code(0);
    assert_eq!(run.json()["errors"], json!([]));
}

#[test]
fn invalid_json_in_the_index_stops_diff_with_path_line_and_column() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.commit_all("v1");
    repo.write(REG, "{\n  \"domains\": [],\n  \"domains\": []\n}\n");
    repo.git(["add", REG]);
    let run = repo.audit(["diff", "--format", "json"]);
    run.code(2).stderr_has(&format!("error: {REG}:3:3:"));
    let report = run.json();
    let err = entry(&report, "errors", REG);
    assert_eq!(err["snapshot"], "index");
    assert_eq!(err["rule"], "json-duplicate-key");
    assert!(!paths(&report, "artifacts").contains(&REG.to_string()));
}

#[test]
fn invalid_json_on_the_before_side_names_that_snapshot() {
    let repo = TestRepo::new();
    repo.write(REG, "{\"domains\": [}\n");
    repo.commit_all("broken");
    repo.write(REG, registry_of("g", V1));
    repo.git(["add", REG]);
    let run = repo.audit(["diff", "--format", "json"]);
    run.code(2).stderr_has(&format!("{REG}:1:14:"));
    let report = run.json();
    assert_eq!(entry(&report, "errors", REG)["snapshot"], "HEAD");
}

#[test]
fn first_commit_diff_shows_everything_added() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V3));
    repo.write(SEQ, sequence(&[(1, "e1", "h1"), (2, "e2", "h2")]));
    repo.git(["add", "-A"]);
    let report = diff_json(&repo, &[]);
    assert_eq!(paths(&report, "artifacts"), [SEQ, REG]);
    assert_eq!(report["after"], "index");
    let reg = entry(&report, "artifacts", REG);
    assert_eq!(reg["status"], "added");
    assert_eq!(reg["before"], Value::Null);
    assert_eq!(reg["after"]["canonicalHash"], canonical(V3));
    assert_eq!(reg["summary"]["before"], 0);
    assert_eq!(reg["summary"]["after"], 3);
    assert_eq!(reg["summary"]["added"], 3);
    assert_consistent(reg);
    let ids: Vec<&str> = items(reg)
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    for id in ["a", "b", "c"] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    let seq = entry(&report, "artifacts", SEQ);
    assert_eq!(seq["status"], "added");
    assert_eq!(seq["beats"]["added"], 2);
    assert_consistent(seq);
    repo.audit(["diff"]).code(0).stdout_has(REG);
}

#[test]
fn removed_artifact_is_reported_removed() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.commit_all("v1");
    repo.git(["rm", "-q", REG]);
    let report = diff_json(&repo, &[]);
    let reg = entry(&report, "artifacts", REG);
    assert_eq!(reg["status"], "removed");
    assert_eq!(reg["after"], Value::Null);
    assert_eq!(reg["before"]["canonicalHash"], canonical(V1));
    assert_eq!(reg["summary"]["removed"], 2);
    assert_consistent(reg);
}

#[test]
fn staged_is_the_default_and_worktree_reads_the_disk() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.commit_all("v1");
    repo.write(REG, registry_of("g", V2));
    repo.git(["add", REG]);
    repo.write(REG, registry_of("g", V3));
    let default = diff_json(&repo, &[]);
    let staged = diff_json(&repo, &["--staged"]);
    assert_eq!(default, staged);
    let reg = entry(&default, "artifacts", REG);
    assert_eq!(reg["after"]["canonicalHash"], canonical(V2));
    let worktree = diff_json(&repo, &["--worktree"]);
    assert_eq!(worktree["before"], "HEAD");
    assert_eq!(worktree["after"], "working tree");
    let reg = entry(&worktree, "artifacts", REG);
    assert_eq!(reg["after"]["canonicalHash"], canonical(V3));
    assert_eq!(reg["summary"]["added"], 1);
    let run = repo.audit(["diff", "--staged", "--worktree"]);
    assert_ne!(run.code, 0, "{run:?}");
}

/// main: c1 (V1) → c2 (V2); feature from c1: c3 (V3). The index holds main's V2.
fn branched() -> (TestRepo, String) {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.commit_all("c1");
    let c1 = repo.rev_parse("HEAD");
    repo.git(["checkout", "-q", "-b", "feature"]);
    repo.write(REG, registry_of("g", V3));
    repo.commit_all("c3");
    repo.git(["checkout", "-q", "main"]);
    repo.write(REG, registry_of("g", V2));
    repo.commit_all("c2");
    (repo, c1)
}

fn hashes(report: &Value) -> (Value, Value) {
    let reg = entry(report, "artifacts", REG);
    (
        reg["before"]["canonicalHash"].clone(),
        reg["after"]["canonicalHash"].clone(),
    )
}

#[test]
fn two_dot_range_compares_the_two_revisions() {
    let (repo, _) = branched();
    let report = diff_json(&repo, &["main..feature"]);
    assert_eq!(report["before"], "main");
    assert_eq!(report["after"], "feature");
    assert_eq!(
        hashes(&report),
        (json!(canonical(V2)), json!(canonical(V3)))
    );
    let reg = entry(&report, "artifacts", REG);
    assert_eq!(item(reg, "a")["changes"][0]["before"], 2);
    assert_eq!(item(reg, "a")["changes"][0]["after"], 3);
    // An empty side means HEAD.
    let report = diff_json(&repo, &["feature.."]);
    assert_eq!(
        hashes(&report),
        (json!(canonical(V3)), json!(canonical(V2)))
    );
    let report = diff_json(&repo, &["HEAD~1..HEAD"]);
    assert_eq!(
        hashes(&report),
        (json!(canonical(V1)), json!(canonical(V2)))
    );
}

#[test]
fn three_dot_range_starts_from_the_merge_base() {
    let (repo, c1) = branched();
    let report = diff_json(&repo, &["main...feature"]);
    assert_eq!(report["before"], c1.as_str());
    assert_eq!(report["after"], "feature");
    assert_eq!(
        hashes(&report),
        (json!(canonical(V1)), json!(canonical(V3)))
    );
    let report = diff_json(&repo, &["feature...main"]);
    assert_eq!(
        hashes(&report),
        (json!(canonical(V1)), json!(canonical(V2)))
    );
}

#[test]
fn single_revision_compares_it_with_the_index() {
    let (repo, c1) = branched();
    let report = diff_json(&repo, &[&c1]);
    assert_eq!(report["after"], "index");
    assert_eq!(
        hashes(&report),
        (json!(canonical(V1)), json!(canonical(V2)))
    );
    let report = diff_json(&repo, &["feature", "--worktree"]);
    assert_eq!(report["after"], "working tree");
    assert_eq!(
        hashes(&report),
        (json!(canonical(V3)), json!(canonical(V2)))
    );
    // HEAD against the index: nothing staged, nothing listed.
    assert_eq!(diff_json(&repo, &["HEAD"])["artifacts"], json!([]));
}

#[test]
fn bad_revisions_and_ranges_are_errors() {
    let (repo, _) = branched();
    for spec in ["nope", "main..nope", "nope...main"] {
        let run = repo.audit(["diff", spec]);
        run.code(2).stderr_has("error:").stderr_has("nope");
        assert!(run.stdout.is_empty(), "{run:?}");
    }
    repo.audit(["diff", "main..feature", "--worktree"])
        .code(2)
        .stderr_has("error:");
}

#[test]
fn markdown_summary_is_a_table_a_pull_request_can_carry() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.write(SEQ, sequence(&[(1, "e", "h")]));
    repo.commit_all("v1");
    repo.write(REG, registry_of("g", V3));
    repo.write(SEQ, sequence(&[(1, "e", "h|pipe")]));
    repo.git(["add", "-A"]);
    let run = repo.audit(["diff", "--format", "markdown"]);
    run.code(0);
    let md = &run.stdout;
    assert!(md.starts_with("### git-audit: `HEAD` → `index`"), "{md}");
    assert!(
        md.contains("| Artifact | Kind | Status | Summary |\n|---|---|---|---|\n"),
        "{md}"
    );
    assert!(
        md.contains(
            "| `orchestration-domains.json` | registry | modified | domains 2 → 3 (+1 −0 ~1) |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| `json-sequences/copy.json` | sequence | modified |"),
        "{md}"
    );
    assert!(md.contains("| Item | Change | Class | Fields |"), "{md}");
    assert!(md.contains("| domain `c` | added | structural |"), "{md}");
    // A `|` inside a value cannot break the table.
    let row = md
        .lines()
        .find(|l| l.contains("h\\|pipe"))
        .unwrap_or_else(|| panic!("{md}"));
    assert_eq!(
        row.matches(" | ").count() + 2,
        row.matches('|').count() - row.matches("\\|").count(),
        "{row}"
    );
    assert!(!md.contains('\u{1b}'), "no colour in markdown");
    // Nothing changed: it says so.
    repo.git(["commit", "-q", "--no-verify", "-m", "v3"]);
    repo.audit(["diff", "--format", "markdown"])
        .code(0)
        .stdout_has("No governed artifact changed.");
}

#[test]
fn human_output_is_compact_and_coloured_on_request() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.commit_all("v1");
    repo.write(REG, registry_of("g", &[("a", "Ay", 2), ("b", "B", 1)]));
    repo.git(["add", REG]);
    let plain = repo.audit(["diff", "--color", "never"]);
    plain
        .code(0)
        .stdout_has("HEAD → index")
        .stdout_has(&format!("M {REG}"))
        .stdout_has("domain a")
        .stdout_has("~ /tempo: 1 → 2")
        .stdout_has("~ /name: \"A\" → \"Ay\"");
    assert!(!plain.stdout.contains('\u{1b}'));
    let colour = repo.audit(["diff", "--color", "always"]);
    assert!(colour.stdout.contains("\u{1b}["), "{colour:?}");
    assert_eq!(crate::hash::strip_ansi(&colour.stdout), plain.stdout);
    let no_color = repo.audit_env(
        repo.root(),
        &[("NO_COLOR", OsStr::new("1"))],
        ["diff", "--color", "auto"],
    );
    assert!(!no_color.stdout.contains('\u{1b}'), "{no_color:?}");
}

#[test]
fn sequence_beat_handler_change_is_a_structural_beat_item() {
    let repo = TestRepo::new();
    repo.write(
        SEQ,
        sequence(&[(1, "copy:start", "start"), (2, "copy:end", "finish")]),
    );
    repo.commit_all("v1");
    repo.write(
        SEQ,
        sequence(&[
            (1, "copy:start", "start"),
            (2, "copy:end", "finishAndNotify"),
        ]),
    );
    repo.git(["add", SEQ]);
    let report = diff_json(&repo, &[]);
    let seq = entry(&report, "artifacts", SEQ);
    assert_eq!(seq["kind"], "sequence");
    assert_consistent(seq);
    assert_eq!(seq["summary"]["unit"], "movements");
    // The movement's own fields did not change; its beat did.
    assert_eq!(seq["summary"]["unchanged"], 1);
    assert_eq!(seq["beats"]["changed"], 1);
    assert_eq!(seq["beats"]["unchanged"], 1);
    let beat = items(seq)
        .iter()
        .find(|i| i["kind"] == "beat")
        .unwrap_or_else(|| panic!("{seq:#}"));
    assert_eq!(beat["id"], "m1/2");
    assert_eq!(beat["class"], "structural");
    assert_eq!(beat["pointer"], "/movements/0/beats/1");
    assert_eq!(
        beat["changes"],
        json!([{"pointer": "/handler", "op": "changed", "before": "finish", "after": "finishAndNotify", "class": "structural"}])
    );
}

#[test]
fn inserted_beat_reads_as_one_added_beat() {
    let repo = TestRepo::new();
    repo.write(
        SEQ,
        sequence(&[(1, "a", "ha"), (2, "b", "hb"), (3, "c", "hc")]),
    );
    repo.commit_all("v1");
    let mut doc: Value = serde_json::from_str(&repo.read(SEQ)).expect("json");
    let beats = doc["movements"][0]["beats"].as_array_mut().expect("beats");
    beats.insert(
        1,
        json!({"beat": 4, "event": "x", "handler": "hx", "title": "X"}),
    );
    repo.write(SEQ, serde_json::to_string_pretty(&doc).expect("serialise"));
    repo.git(["add", SEQ]);
    let report = diff_json(&repo, &[]);
    let seq = entry(&report, "artifacts", SEQ);
    assert_consistent(seq);
    let beat_items: Vec<&Value> = items(seq).iter().filter(|i| i["kind"] == "beat").collect();
    assert_eq!(beat_items.len(), 1, "{seq:#}");
    assert_eq!(beat_items[0]["change"], "added");
    assert_eq!(beat_items[0]["id"], "m1/4");
    assert_eq!(seq["beats"]["unchanged"], 3);
}

#[test]
fn plain_json_arrays_align_so_one_insertion_is_one_change() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"data/*.json\"\nkind = \"json\"\n",
    );
    repo.write(
        "data/list.json",
        r#"{"list": ["a", "b", "c", "d", "e"], "n": 1}"#,
    );
    repo.commit_all("v1");
    repo.write(
        "data/list.json",
        r#"{"list": ["a", "b", "X", "c", "d", "e"], "n": 1}"#,
    );
    repo.git(["add", "-A"]);
    let report = diff_json(&repo, &[]);
    let art = entry(&report, "artifacts", "data/list.json");
    assert_eq!(art["kind"], "json");
    assert_consistent(art);
    assert_eq!(art["summary"]["unit"], "members");
    let list = item(art, "list");
    assert_eq!(list["kind"], "member");
    assert_eq!(
        list["changes"],
        json!([{"pointer": "/2", "op": "added", "before": null, "after": "X", "class": "structural"}]),
        "{list:#}"
    );
    assert_eq!(items(art).len(), 1);
}

#[test]
fn arrays_of_objects_with_the_id_key_are_matched_by_id() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"data/*.json\"\nkind = \"json\"\nid-key = \"key\"\n",
    );
    repo.write(
        "data/x.json",
        r#"{"things": [{"key": "p", "v": 1}, {"key": "q", "v": 2}, {"key": "r", "v": 3}]}"#,
    );
    repo.commit_all("v1");
    // q removed from the middle, r changed: by id, not by position.
    repo.write(
        "data/x.json",
        r#"{"things": [{"key": "p", "v": 1}, {"key": "r", "v": 30}]}"#,
    );
    repo.git(["add", "-A"]);
    let report = diff_json(&repo, &[]);
    let things = item(entry(&report, "artifacts", "data/x.json"), "things");
    let changes = things["changes"].as_array().expect("changes");
    assert!(
        changes.contains(&json!({"pointer": "/1", "op": "removed", "before": {"key": "q", "v": 2}, "after": null, "class": "structural"})),
        "{things:#}"
    );
    assert!(
        changes.contains(&json!({"pointer": "/1/v", "op": "changed", "before": 3, "after": 30, "class": "structural"})),
        "{things:#}"
    );
    assert_eq!(changes.len(), 2, "{things:#}");
}

#[test]
fn duplicate_and_missing_domain_ids_are_reported_never_merged() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.commit_all("v1");
    let domains = vec![
        json!({"id": "a", "name": "A", "status": "active", "tempo": 1}),
        json!({"id": "a", "name": "A again", "status": "active", "tempo": 5}),
        json!({"name": "anonymous", "tempo": 1}),
        json!({"id": "b", "name": "B", "status": "active", "tempo": 1}),
    ];
    repo.write(REG, registry(Layout::Pretty { generated: "g" }, &domains));
    repo.git(["add", REG]);
    let report = diff_json(&repo, &[]);
    let reg = entry(&report, "artifacts", REG);
    assert_consistent(reg);
    assert_eq!(
        reg["summary"]["after"], 4,
        "every occurrence is counted: {reg:#}"
    );
    let problems = reg["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems in {reg:#}"));
    let text = Value::Array(problems.clone()).to_string();
    assert!(text.contains("duplicate"), "{text}");
    assert!(text.contains("/domains/1"), "{text}");
    assert!(text.contains("/domains/2") && text.contains("id"), "{text}");
    assert!(problems.iter().all(|p| p["side"] == "after"), "{text}");
    // The first `a` is unchanged; the second occurrence is its own added item.
    assert_eq!(reg["summary"]["added"], 2, "{reg:#}");
    assert_eq!(reg["summary"]["unchanged"], 2, "{reg:#}");
    // Problems are shown to people too.
    repo.audit(["diff"]).code(0).stdout_has("duplicate");
}

#[test]
fn symlink_replacing_a_governed_file_is_skipped_not_parsed() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.commit_all("v1");
    std::fs::remove_file(repo.path(REG)).expect("rm");
    std::os::unix::fs::symlink("elsewhere.json", repo.path(REG)).expect("symlink");
    repo.git(["add", "-A"]);
    let run = repo.audit(["diff", "--format", "json"]);
    let report = run.json();
    assert_eq!(report["errors"], json!([]), "{report:#}");
    assert!(entry(&report, "skipped", REG)["reason"]
        .as_str()
        .expect("reason")
        .contains("symbolic link"));
    run.stderr_has("warning:");
}

#[test]
fn from_a_subdirectory_output_paths_stay_repository_relative() {
    let repo = TestRepo::new();
    let seq = "packages/app/json-sequences/a.json";
    repo.write(seq, sequence(&[(1, "e", "h")]));
    repo.commit_all("v1");
    repo.write(seq, sequence(&[(1, "e", "h2")]));
    repo.git(["add", "-A"]);
    let run = repo.audit_in(
        &repo.path("packages/app/json-sequences"),
        ["diff", "--format", "json"],
    );
    assert_eq!(paths(&run.code(0).json(), "artifacts"), [seq]);
    let human = repo.audit_in(&repo.path("packages/app"), ["diff"]);
    human.code(0).stdout_has(&format!("M {seq}"));
}

#[test]
fn diff_reads_the_staged_audit_toml() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"data/*.json\"\nkind = \"json\"\n",
    );
    repo.write("data/a.json", "{\"x\": 1}");
    repo.commit_all("v1");
    repo.write("data/a.json", "{\"x\": 2}");
    repo.git(["add", "-A"]);
    // An unstaged edit that would stop governing data/ has no effect.
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"other/*.json\"\nkind = \"json\"\n",
    );
    assert_eq!(paths(&diff_json(&repo, &[]), "artifacts"), ["data/a.json"]);
}

#[test]
fn config_flag_applies_to_diff() {
    let repo = TestRepo::new();
    repo.write("data/a.json", "{\"x\": 1, \"stamp\": 1}");
    repo.commit_all("v1");
    repo.write("data/a.json", "{\"x\": 1, \"stamp\": 2}");
    repo.git(["add", "-A"]);
    // Built-in defaults do not govern data/.
    assert_eq!(diff_json(&repo, &[])["artifacts"], json!([]));
    let cfg = repo.scratch("cfg.toml");
    std::fs::write(
        &cfg,
        "[[artifact]]\npath = \"data/*.json\"\nkind = \"json\"\nvolatile-keys = [\"stamp\"]\n",
    )
    .expect("write");
    let run = repo.audit([
        OsStr::new("--config"),
        cfg.as_os_str(),
        OsStr::new("diff"),
        OsStr::new("--format"),
        OsStr::new("json"),
    ]);
    let report = run.code(0).json();
    let a = entry(&report, "artifacts", "data/a.json");
    assert_eq!(a["status"], "unchanged");
    assert_eq!(a["rawOnly"], true);
}

#[test]
fn dash_c_applies_to_diff() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.commit_all("v1");
    repo.write(REG, registry_of("g", V2));
    repo.git(["add", REG]);
    let elsewhere = repo.scratch("");
    let run = repo.audit_in(
        &elsewhere,
        [
            OsStr::new("-C"),
            repo.root().as_os_str(),
            OsStr::new("diff"),
            OsStr::new("--format"),
            OsStr::new("json"),
        ],
    );
    assert_eq!(
        hashes(&run.code(0).json()),
        (json!(canonical(V1)), json!(canonical(V2)))
    );
}

#[test]
fn a_refused_artifact_is_not_called_unchanged() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("g", V1));
    repo.commit_all("v1");
    repo.write(REG, "{ \"domains\": [ oops ] }");
    repo.git(["add", REG]);
    let human = repo.audit(["diff"]);
    human.code(2).stderr_has(REG);
    assert!(
        !human.stdout.contains("no governed artifact changed"),
        "{human:?}"
    );
    let md = repo.audit(["diff", "--format", "markdown"]);
    md.code(2);
    assert!(
        !md.stdout.contains("No governed artifact changed."),
        "{md:?}"
    );
}
