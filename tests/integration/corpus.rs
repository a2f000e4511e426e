//! Corpus tests: the real registry history and the renderx snapshot from `$AUDIT_CORPUS`
//! (read at run time, copied only into temporary repositories). Skipped without it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::corpus_or_skip;
use crate::support::{entry, paths, registry_history, sha256_hex, Run, TestRepo, Version};

const REG: &str = "orchestration-domains.json";

/// Domain ids of a registry document (string ids only), parsed with serde_json.
fn domain_ids(doc: &Value) -> Vec<String> {
    doc["domains"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|x| x["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn domains_by_id(doc: &Value) -> BTreeMap<String, Value> {
    doc["domains"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|x| x["id"].as_str().map(|id| (id.to_string(), x.clone())))
                .collect()
        })
        .unwrap_or_default()
}

#[track_caller]
fn assert_summary_consistent(artifact: &Value) {
    for key in ["summary", "beats"] {
        let s = &artifact[key];
        if s.is_null() {
            continue;
        }
        let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("{key}.{k}: {s}"));
        assert_eq!(
            n("before") - n("removed") + n("added"),
            n("after"),
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
    for i in artifact["items"].as_array().expect("items") {
        assert!(
            seen.insert((i["kind"].to_string(), i["id"].to_string())),
            "duplicate item id {} in {}",
            i["id"],
            artifact["path"]
        );
    }
}

fn ids_with(artifact: &Value, change: &str) -> BTreeSet<String> {
    artifact["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["kind"] == "domain" && i["change"] == change)
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

// ---- Parity ------------------------------------------------------------------------------

const PARITY_GLOB: &str = "v/*/orchestration-domains.json";

/// The three configurations parity.tsv was computed with, as `--config` files.
fn parity_configs(repo: &TestRepo) -> [PathBuf; 3] {
    let texts = [
        format!(
            "[[artifact]]\npath = \"{PARITY_GLOB}\"\nkind = \"json\"\nlock-field = \"\"\nexclude = []\n"
        ),
        format!(
            "[[artifact]]\npath = \"{PARITY_GLOB}\"\nkind = \"registry\"\nexclude = []\n\
             volatile-keys = [\"integrity\", \"generatedAt\", \"lastUpdated\", \"updatedAt\", \"timestamp\"]\n"
        ),
        format!("[[artifact]]\npath = \"{PARITY_GLOB}\"\nkind = \"registry\"\n"),
    ];
    let names = ["raw.toml", "origin.toml", "schema.toml"];
    let mut out: Vec<PathBuf> = Vec::new();
    for (name, text) in names.iter().zip(texts) {
        let path = repo.scratch(name);
        std::fs::write(&path, text).expect("write config");
        out.push(path);
    }
    out.try_into().expect("three configs")
}

fn hash_with(repo: &TestRepo, config: &Path) -> Run {
    repo.audit([
        OsStr::new("--config"),
        config.as_os_str(),
        OsStr::new("hash"),
        OsStr::new("--format"),
        OsStr::new("json"),
    ])
}

#[test]
fn parity_all_three_hashes_of_every_registry_version() {
    let corpus = corpus_or_skip!();
    let versions = registry_history(&corpus);
    let repo = TestRepo::new();
    let mut valid = 0;
    for v in &versions {
        if v.file.is_some() && v.parity.is_some() {
            repo.write(&format!("v/{}/{REG}", v.nnn), v.bytes());
            valid += 1;
        }
    }
    assert!(valid >= 28, "{valid} versions with parity hashes");
    repo.git(["add", "-A"]);
    for (column, config) in parity_configs(&repo).iter().enumerate() {
        let run = hash_with(&repo, config);
        let report = run.code(0).json();
        assert_eq!(report["errors"], json!([]));
        for v in versions
            .iter()
            .filter(|v| v.file.is_some() && v.parity.is_some())
        {
            let path = format!("v/{}/{REG}", v.nnn);
            let row = entry(&report, "artifacts", &path);
            let expected = &v.parity.as_ref().expect("parity")[column];
            assert_eq!(
                row["canonicalHash"],
                expected.as_str(),
                "{} column {column} ({})",
                v.nnn,
                config.display()
            );
            assert_eq!(row["rawHash"], sha256_hex(v.bytes()), "{}", v.nnn);
        }
        assert_eq!(paths(&report, "artifacts").len(), valid);
    }
}

#[test]
fn parity_the_origin_hash_moves_on_regenerations_the_schema_aware_one_ignores() {
    let corpus = corpus_or_skip!();
    let versions: Vec<Version> = registry_history(&corpus)
        .into_iter()
        .filter(|v| v.parity.is_some())
        .collect();
    // The corpus note, checked on the data the binary reproduces above.
    let pairs: Vec<(&Version, &Version)> = versions.windows(2).map(|w| (&w[0], &w[1])).collect();
    let regenerations = pairs
        .iter()
        .filter(|(a, b)| {
            let (pa, pb) = (a.parity.as_ref().unwrap(), b.parity.as_ref().unwrap());
            pa[1] != pb[1] && pa[2] == pb[2]
        })
        .count();
    assert!(regenerations > 0, "the corpus has origin-only changes");
    // 003 → 004 only embeds an integrity block: every hash but the raw one stays.
    let v = |n: &str| versions.iter().find(|v| v.nnn == n).expect("version");
    assert_ne!(
        v("003").parity.as_ref().unwrap()[0],
        v("004").parity.as_ref().unwrap()[0]
    );
    assert_eq!(v("003").schema(), v("004").schema());
}

#[test]
fn parity_the_invalid_version_is_refused_with_its_position() {
    let corpus = corpus_or_skip!();
    let versions = registry_history(&corpus);
    let invalid: Vec<&Version> = versions
        .iter()
        .filter(|v| v.status == "invalid-json")
        .collect();
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    let bad = invalid[0];
    assert_eq!(bad.nnn, "026");
    assert!(bad.parity.is_none(), "parity.tsv says INVALID");
    let good = versions.iter().find(|v| v.nnn == "025").expect("025");
    // Alone, under every configuration; and beside a valid version, which is still hashed.
    let repo = TestRepo::new();
    repo.write(&format!("v/026/{REG}"), bad.bytes());
    repo.write(&format!("v/025/{REG}"), good.bytes());
    repo.git(["add", "-A"]);
    for config in parity_configs(&repo) {
        let run = hash_with(&repo, &config);
        run.code(2)
            .stderr_has(&format!("error: v/026/{REG}:91:5:"))
            .stderr_has("invalid JSON");
        let report = run.json();
        let err = entry(&report, "errors", &format!("v/026/{REG}"));
        assert_eq!(err["rule"], "json-syntax");
        assert_eq!(
            (err["line"].as_u64(), err["column"].as_u64()),
            (Some(91), Some(5))
        );
        assert_eq!(paths(&report, "artifacts"), [format!("v/025/{REG}")]);
    }
    // At the registry's own path with the built-in defaults.
    let repo = TestRepo::new();
    repo.write(REG, bad.bytes());
    repo.git(["add", "-A"]);
    repo.audit(["hash"])
        .code(2)
        .stderr_has(&format!("{REG}:91:5:"));
}

// ---- Real version-to-version diffs ---------------------------------------------------------

/// Commits every version in order at the registry's path (deleting it for `011`), tagging
/// each commit `vNNN`.
fn history_repo(versions: &[Version]) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("README", "history\n");
    repo.commit_all("start");
    for v in versions {
        match &v.file {
            Some(_) => {
                repo.write(REG, v.bytes());
                repo.git(["add", REG]);
            }
            None => {
                assert_eq!(v.status, "deleted", "{v:?}");
                repo.git(["rm", "-q", REG]);
            }
        }
        repo.git(["commit", "-q", "--no-verify", "--allow-empty", "-m", &v.nnn]);
        repo.git(["tag", &v.tag()]);
    }
    repo
}

fn diff_range(repo: &TestRepo, range: &str) -> Run {
    repo.audit(["diff", range, "--format", "json"])
}

#[test]
fn history_every_step_diffs_consistently() {
    let corpus = corpus_or_skip!();
    let versions = registry_history(&corpus);
    let repo = history_repo(&versions);
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for pair in versions.windows(2) {
        let (prev, cur) = (&pair[0], &pair[1]);
        let range = format!("{}..{}", prev.tag(), cur.tag());
        // The same step through git's own notation.
        assert_eq!(
            repo.rev_parse(&format!("{}~1", cur.tag())),
            repo.rev_parse(&prev.tag())
        );
        let run = diff_range(&repo, &range);
        if prev.status == "invalid-json" || cur.status == "invalid-json" {
            let bad = if cur.status == "invalid-json" {
                cur
            } else {
                prev
            };
            run.code(2).stderr_has(&format!("{REG}:91:5:"));
            let report = run.json();
            let err = entry(&report, "errors", REG);
            assert_eq!(err["snapshot"], bad.tag(), "{range}");
            assert_eq!(err["rule"], "json-syntax");
            *tally.entry("refused").or_default() += 1;
            continue;
        }
        let report = run.code(0).json();
        assert_eq!(report["before"], prev.tag());
        assert_eq!(report["after"], cur.tag());
        assert_eq!(report["errors"], json!([]), "{range}");
        if cur.file.is_none() {
            let a = entry(&report, "artifacts", REG);
            assert_eq!(a["status"], "removed", "{range}");
            assert_eq!(a["after"], Value::Null);
            assert_eq!(a["before"]["canonicalHash"], prev.schema());
            assert_eq!(a["summary"]["removed"], a["summary"]["before"]);
            assert_summary_consistent(a);
            *tally.entry("removed").or_default() += 1;
            continue;
        }
        if prev.file.is_none() {
            let a = entry(&report, "artifacts", REG);
            assert_eq!(a["status"], "added", "{range}");
            assert_eq!(a["before"], Value::Null);
            assert_eq!(a["after"]["canonicalHash"], cur.schema());
            assert_eq!(a["summary"]["added"], a["summary"]["after"]);
            assert_summary_consistent(a);
            *tally.entry("added").or_default() += 1;
            continue;
        }
        let (pb, cb) = (prev.bytes(), cur.bytes());
        if pb == cb {
            assert_eq!(
                report["artifacts"],
                json!([]),
                "{range}: same blob, not listed"
            );
            *tally.entry("same blob").or_default() += 1;
            continue;
        }
        let a = entry(&report, "artifacts", REG);
        assert_summary_consistent(a);
        assert_eq!(a["before"]["rawHash"], sha256_hex(&pb), "{range}");
        assert_eq!(a["after"]["rawHash"], sha256_hex(&cb), "{range}");
        assert_eq!(a["before"]["canonicalHash"], prev.schema(), "{range}");
        assert_eq!(a["after"]["canonicalHash"], cur.schema(), "{range}");
        let pd: Value = serde_json::from_slice(&pb).expect("prev parses");
        let cd: Value = serde_json::from_slice(&cb).expect("cur parses");
        assert_eq!(a["summary"]["unit"], "domains");
        assert_eq!(
            a["summary"]["before"].as_u64(),
            pd["domains"].as_array().map(|d| d.len() as u64),
            "{range}"
        );
        assert_eq!(
            a["summary"]["after"].as_u64(),
            cd["domains"].as_array().map(|d| d.len() as u64),
            "{range}"
        );
        if prev.schema() == cur.schema() {
            assert_eq!(a["status"], "unchanged", "{range}");
            assert_eq!(a["rawOnly"], true, "{range}");
            assert_eq!(a["items"], json!([]), "{range}");
            *tally.entry("unchanged").or_default() += 1;
            continue;
        }
        assert_eq!(a["status"], "modified", "{range}");
        assert_eq!(a["rawOnly"], false, "{range}");
        // Domains added, removed and changed, by id, as serde_json sees them.
        let (pids, cids) = (domain_ids(&pd), domain_ids(&cd));
        let (pset, cset): (BTreeSet<String>, BTreeSet<String>) = (
            pids.iter().cloned().collect(),
            cids.iter().cloned().collect(),
        );
        let real = |ids: BTreeSet<String>| -> BTreeSet<String> {
            ids.into_iter()
                .filter(|i| !i.starts_with("(no id"))
                .collect()
        };
        assert_eq!(
            real(ids_with(a, "added")),
            cset.difference(&pset).cloned().collect::<BTreeSet<_>>(),
            "{range}: added"
        );
        assert_eq!(
            real(ids_with(a, "removed")),
            pset.difference(&cset).cloned().collect::<BTreeSet<_>>(),
            "{range}: removed"
        );
        if pids.len() == pset.len() && cids.len() == cset.len() {
            let (pm, cm) = (domains_by_id(&pd), domains_by_id(&cd));
            let changed: BTreeSet<String> = pm
                .iter()
                .filter(|(id, d)| cm.get(*id).is_some_and(|c| c != *d))
                .map(|(id, _)| id.clone())
                .collect();
            assert_eq!(ids_with(a, "changed"), changed, "{range}: changed");
            *tally.entry("changed ids checked").or_default() += 1;
        }
        *tally.entry("modified").or_default() += 1;
        for item in a["items"].as_array().expect("items") {
            let class = item["class"].as_str().expect("class");
            assert!(class == "structural" || class == "metadata", "{item}");
            for c in item["changes"].as_array().expect("changes") {
                assert!(c["pointer"]
                    .as_str()
                    .is_some_and(|p| p.is_empty() || p.starts_with('/')));
                // An item's class is the most significant of its changes.
                if c["class"] == "structural" {
                    assert_eq!(item["class"], "structural", "{item}");
                }
            }
        }
    }
    // Every kind of step was met: the loop above did not pass by skipping.
    let expected_modified = versions
        .windows(2)
        .filter(|w| {
            w[0].parity.is_some() && w[1].parity.is_some() && w[0].schema() != w[1].schema()
        })
        .count();
    assert_eq!(tally.get("modified"), Some(&expected_modified), "{tally:?}");
    assert!(
        tally
            .get("changed ids checked")
            .is_some_and(|n| *n + 1 >= expected_modified),
        "{tally:?}"
    );
    assert_eq!(tally.get("refused"), Some(&2), "{tally:?}");
    assert_eq!(tally.get("removed"), Some(&1), "{tally:?}");
    assert_eq!(tally.get("added"), Some(&1), "{tally:?}");
    assert!(tally.get("unchanged").is_some_and(|n| *n >= 5), "{tally:?}");
    eprintln!("history steps: {tally:?}");
}

#[test]
fn history_pinned_facts_checked_by_hand() {
    let corpus = corpus_or_skip!();
    let versions = registry_history(&corpus);
    let repo = history_repo(&versions);
    let step = |a: &str, b: &str| -> Value {
        let report = diff_range(&repo, &format!("v{a}..v{b}")).code(0).json();
        entry(&report, "artifacts", REG).clone()
    };

    // 003 → 004 embeds the origin's integrity block and nothing else.
    let a = step("003", "004");
    assert_eq!(
        (a["status"].as_str(), a["rawOnly"].as_bool()),
        (Some("unchanged"), Some(true))
    );

    // 004 → 005 adds one domain.
    let a = step("004", "005");
    assert_eq!(ids_with(&a, "added"), set(&["orchestration-audit-system"]));
    assert_eq!(a["summary"]["before"], 59);
    assert_eq!(a["summary"]["after"], 60);

    // 002 → 003: the five unidentified domains of 002 are removed (never merged), five
    // catalog placeholders added; 002's missing ids are reported.
    let a = step("002", "003");
    assert_eq!(
        ids_with(&a, "added"),
        set(&[
            "catalog-placeholder-1",
            "catalog-placeholder-2",
            "catalog-placeholder-3",
            "catalog-placeholder-4",
            "catalog-placeholder-5"
        ])
    );
    let removed = ids_with(&a, "removed");
    assert_eq!(removed.len(), 5, "{removed:?}");
    let problems = a["problems"]
        .as_array()
        .expect("problems for 002's missing ids");
    let before_problems: Vec<&Value> = problems.iter().filter(|p| p["side"] == "before").collect();
    assert_eq!(before_problems.len(), 5, "{problems:#?}");
    for (p, index) in before_problems.iter().zip([14, 36, 45, 48, 53]) {
        assert_eq!(p["pointer"], format!("/domains/{index}"));
    }

    // 019 → 020 adds five domains.
    let a = step("019", "020");
    assert_eq!(
        ids_with(&a, "added"),
        set(&[
            "architecture-governance-enforcement-symphony",
            "build-pipeline-symphony",
            "renderx-web-orchestration",
            "safe-continuous-delivery-pipeline",
            "symphonia-conformity-alignment-pipeline"
        ])
    );
    assert_eq!(ids_with(&a, "removed"), BTreeSet::new());

    // 027 → 028 rewrites four domains' purpose: metadata only.
    let a = step("027", "028");
    let changed = set(&[
        "host-sdk-infrastructure",
        "manifest-tools-infrastructure",
        "components-library-infrastructure",
        "digital-assets-infrastructure",
    ]);
    assert_eq!(ids_with(&a, "changed"), changed);
    for item in a["items"].as_array().expect("items") {
        if item["kind"] != "domain" {
            continue;
        }
        assert_eq!(item["class"], "metadata", "{item:#}");
        let pointers: Vec<&str> = item["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| c["pointer"].as_str().expect("pointer"))
            .collect();
        assert_eq!(pointers, ["/purpose"], "{item:#}");
    }

    // 013 → 014 reshapes one domain: structural, under movements/beats/sketch.
    let a = step("013", "014");
    assert_eq!(
        ids_with(&a, "changed"),
        set(&["musical-conductor-orchestration"])
    );
    let item = a["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == "musical-conductor-orchestration")
        .expect("item");
    assert_eq!(item["class"], "structural");
    let tops: BTreeSet<String> = item["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            c["pointer"]
                .as_str()
                .expect("pointer")
                .split('/')
                .nth(1)
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(tops, set(&["beats", "movements", "sketch"]));

    // 029 → 030 removes one domain.
    let a = step("029", "030");
    assert_eq!(ids_with(&a, "removed"), set(&["build-pipeline-symphony"]));
    assert_eq!(ids_with(&a, "added"), BTreeSet::new());

    // Across the deletion (010 → 011 → 012) the registry means the same again.
    let a = step("010", "012");
    assert_eq!(
        (a["status"].as_str(), a["rawOnly"].as_bool()),
        (Some("unchanged"), Some(true))
    );
    let report = diff_range(&repo, "v010..v011").code(0).json();
    assert_eq!(entry(&report, "artifacts", REG)["status"], "removed");

    // Three dots from a later tag back to the first: the merge base is the older tag.
    let report = diff_range(&repo, "v001...v030").code(0).json();
    assert_eq!(report["before"], repo.rev_parse("v001"));
    let a = entry(&report, "artifacts", REG);
    assert_eq!(a["summary"]["before"], 16);
    assert_eq!(a["summary"]["after"], 74);
}

#[test]
fn history_staged_diff_of_the_last_step_in_markdown() {
    let corpus = corpus_or_skip!();
    let versions = registry_history(&corpus);
    let upto: Vec<Version> = versions
        .iter()
        .filter(|v| v.nnn.as_str() <= "029")
        .cloned()
        .collect();
    let repo = history_repo(&upto);
    let last = versions.iter().find(|v| v.nnn == "030").expect("030");
    repo.write(REG, last.bytes());
    repo.git(["add", REG]);
    let run = repo.audit(["diff", "--format", "markdown"]);
    run.code(0)
        .stdout_has(
            "| `orchestration-domains.json` | registry | modified | domains 75 → 74 (+0 −1 ~",
        )
        .stdout_has("| domain `build-pipeline-symphony` | removed | structural |");
}

// ---- The renderx snapshot ---------------------------------------------------------------------

/// Copies a directory tree's files (readable, writable copies) into `dst`.
pub fn copy_tree(src: &Path, dst: &Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(src).expect("list") {
        let entry = entry.expect("entry");
        let to = dst.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
            n += copy_tree(&entry.path(), &to);
        } else if kind.is_file() {
            std::fs::write(&to, std::fs::read(entry.path()).expect("read")).expect("write");
            n += 1;
        }
    }
    n
}

fn renderx_repo(corpus: &Path) -> TestRepo {
    let repo = TestRepo::new();
    let n = copy_tree(&corpus.join("renderx-2025-11-29"), repo.root());
    assert!(n > 50, "{n} files copied");
    repo.commit_all("renderx 2025-11-29");
    repo
}

const COPY_SEQ: &str = "packages/canvas-component/json-sequences/canvas-component/copy.json";

#[test]
fn renderx_every_governed_file_hashes_and_the_registry_matches_parity() {
    let corpus = corpus_or_skip!();
    let repo = renderx_repo(&corpus);
    let report = repo.audit(["hash", "--format", "json"]).code(0).json();
    assert_eq!(report["errors"], json!([]));
    let listed = paths(&report, "artifacts");
    // Every file the built-in globs govern is there, and only those.
    let expected: Vec<String> = repo
        .git(["ls-files"])
        .lines()
        .filter(|p| *p == REG || (p.contains("json-sequences/") && p.ends_with(".json")))
        .map(str::to_string)
        .collect();
    assert_eq!(
        listed.iter().cloned().collect::<BTreeSet<_>>(),
        expected.iter().cloned().collect::<BTreeSet<_>>()
    );
    assert!(
        !listed.iter().any(|p| p.contains(".ographx/")),
        "not governed by default"
    );
    for row in report["artifacts"].as_array().expect("artifacts") {
        let path = row["path"].as_str().expect("path");
        let bytes = std::fs::read(repo.path(path)).expect("read");
        assert_eq!(row["rawHash"], sha256_hex(&bytes), "{path}");
        assert_eq!(row["size"], bytes.len() as u64, "{path}");
    }
    // The snapshot's registry is history version 030.
    let v030 = registry_history(&corpus)
        .into_iter()
        .find(|v| v.nnn == "030")
        .expect("030");
    assert_eq!(
        entry(&report, "artifacts", REG)["canonicalHash"],
        v030.schema()
    );
}

#[test]
fn renderx_changing_one_beats_handler_names_that_beat() {
    let corpus = corpus_or_skip!();
    let repo = renderx_repo(&corpus);
    let mut doc: Value = serde_json::from_str(&repo.read(COPY_SEQ)).expect("json");
    let beat = &mut doc["movements"][0]["beats"][1];
    assert_eq!(beat["beat"], 2);
    assert_eq!(beat["handler"], "copyToClipboard");
    beat["handler"] = json!("copyToSystemClipboard");
    repo.write(
        COPY_SEQ,
        serde_json::to_string_pretty(&doc).expect("serialise") + "\n",
    );
    repo.git(["add", COPY_SEQ]);
    let report = repo.audit(["diff", "--format", "json"]).code(0).json();
    assert_eq!(paths(&report, "artifacts"), [COPY_SEQ]);
    let a = entry(&report, "artifacts", COPY_SEQ);
    assert_summary_consistent(a);
    assert_eq!(a["kind"], "sequence");
    assert_eq!(a["status"], "modified");
    assert_eq!(a["beats"]["changed"], 1);
    assert_eq!(a["beats"]["unchanged"], 2);
    assert_eq!(
        a["items"],
        json!([{
            "id": "copy-to-clipboard/2",
            "kind": "beat",
            "pointer": "/movements/0/beats/1",
            "change": "changed",
            "class": "structural",
            "changes": [{
                "pointer": "/handler", "op": "changed",
                "before": "copyToClipboard", "after": "copyToSystemClipboard",
                "class": "structural"
            }]
        }])
    );
    repo.audit(["diff"])
        .code(0)
        .stdout_has("copy-to-clipboard/2")
        .stdout_has("~ /handler: \"copyToClipboard\" → \"copyToSystemClipboard\"");
}

#[test]
fn renderx_removing_a_beat_and_retitling_another() {
    let corpus = corpus_or_skip!();
    let repo = renderx_repo(&corpus);
    let mut doc: Value = serde_json::from_str(&repo.read(COPY_SEQ)).expect("json");
    let beats = doc["movements"][0]["beats"].as_array_mut().expect("beats");
    let gone = beats.remove(2);
    assert_eq!(gone["beat"], 3);
    beats[0]["title"] = json!("Serialise the selection");
    // Reformatted compactly as well: only meaning counts.
    repo.write(COPY_SEQ, serde_json::to_string(&doc).expect("serialise"));
    repo.git(["add", COPY_SEQ]);
    let report = repo.audit(["diff", "--format", "json"]).code(0).json();
    let a = entry(&report, "artifacts", COPY_SEQ);
    assert_summary_consistent(a);
    assert_eq!(a["beats"]["removed"], 1);
    assert_eq!(a["beats"]["changed"], 1);
    let items = a["items"].as_array().expect("items");
    let removed = items
        .iter()
        .find(|i| i["change"] == "removed")
        .expect("removed beat");
    assert_eq!(removed["id"], "copy-to-clipboard/3");
    assert_eq!(removed["pointer"], "/movements/0/beats/2");
    let retitled = items
        .iter()
        .find(|i| i["id"] == "copy-to-clipboard/1")
        .expect("beat 1");
    assert_eq!(retitled["class"], "metadata");
    assert_eq!(retitled["changes"][0]["pointer"], "/title");
}
