//! `git audit timing ingest | baseline | check` and the timing rules of `check`: every input
//! format (own fixtures), detection and its refusals, the deterministic baseline, regressions
//! (a warning unless configured as an error), coverage, stale entries, and the corpus's 17
//! log-analysis reports when `AUDIT_CORPUS` is set.

use std::time::Instant;

use serde_json::Value;

use crate::corpus_or_skip;
use crate::fixtures::{domain, good_registry, registry, Layout, REGISTRY};
use crate::support::TestRepo;

pub const BASELINE: &str = "audit-timing-baseline.json";

/// OTLP file exporter output (JSON Lines of TracesData): a sequence span and a beat span for
/// `a`, a span of something else, on two lines.
pub const OTLP: &str = concat!(
    r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},"scopeSpans":[{"scope":{"name":"conductor","version":"1"},"spans":["#,
    r#"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"","name":"sequence a","kind":1,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000004000000","attributes":[{"key":"sequence.id","value":{"stringValue":"a"}}],"status":{}},"#,
    r#"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174","name":"beat","kind":1,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001500000","attributes":[{"key":"sequence.id","value":{"stringValue":"a"}},{"key":"beat.number","value":{"intValue":"1"}}],"status":{}}"#,
    "]}]}]}\n",
    r#"{"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[{"traceId":"1","spanId":"2","name":"GET /","startTimeUnixNano":"1","endTimeUnixNano":"5"}]}]}]}"#,
    "\n"
);

/// git-audit's JSON Lines: `c` by id, `b` by name, one sequence no domain has.
pub const JSONL: &str = "{\"sequence\": \"c\", \"durationMs\": 5}\n\
{\"sequence\": \"Domain b\", \"beat\": 2, \"durationMs\": 1.25}\n\
{\"sequence\": \"Retired Thing\", \"durationMs\": 9}\n";

/// Conductor log lines: beats before their sequence's completion line.
pub const CONDUCTOR: &str = "[12:00:00.001] 🎵 Beat 1 (a:start) completed in 1.5ms\n\
[12:00:00.002] 🎵 Beat 2 (a:end) completed in 2ms\n\
[12:00:00.003] ✅ SequenceExecutor: Sequence \"Domain a\" completed in 4ms\n\
[12:00:00.004] unrelated line\n";

/// A log-analysis report in the origin's shape, names carrying console styling.
pub const LOG_ANALYSIS: &str = r#"{
  "file": "C:\\logs\\run-7.log",
  "totalLines": 10,
  "sequences": {
    "registered": 1,
    "byName": {"Domain b": 1},
    "details": {
      "Domain b color: #007BFF; font-weight: bold;": {"count": 0, "ids": [], "timestamps": [], "beats": {"1": [2.5, 3.5]}}
    },
    "executions": [
      {"name": "%cDomain b", "start": "2025-11-10T21:56:20.005Z", "end": "2025-11-10T21:56:20.012Z", "durationMs": 7},
      {"name": "Domain b", "start": "2025-11-10T21:56:21.000Z", "end": null, "durationMs": null}
    ]
  }
}
"#;

/// A repository whose index holds a registry of domains `a`, `b`, `c` (named `Domain a`, …).
pub fn timing_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    repo.git(["add", REGISTRY]);
    repo
}

/// A baseline file as `timing baseline` writes it, for the given durations per sequence.
pub fn baseline_json(sequences: &[(&str, &[f64])]) -> String {
    let mut seqs = serde_json::Map::new();
    let mut sorted: Vec<&(&str, &[f64])> = sequences.iter().collect();
    sorted.sort_by_key(|(id, _)| *id);
    for (id, values) in sorted {
        let mut v: Vec<f64> = values.to_vec();
        v.sort_by(f64::total_cmp);
        let rank = |p: usize| v[((p * v.len()).div_ceil(100)).max(1) - 1];
        seqs.insert(
            id.to_string(),
            serde_json::json!({"max": v[v.len() - 1], "p50": rank(50), "p95": rank(95), "samples": v.len()}),
        );
    }
    let doc = serde_json::json!({"sequences": seqs, "unit": "ms", "version": 1});
    format!("{}\n", serde_json::to_string_pretty(&doc).expect("json"))
}

fn rules_of(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["rule"].as_str().unwrap_or("?").to_string())
        .collect()
}

#[test]
fn ingest_reads_every_format_and_maps_by_id_and_by_name() {
    let repo = timing_repo();
    repo.write("runs/trace.jsonl", OTLP);
    repo.write("runs/own.jsonl", JSONL);
    repo.write("runs/conductor.log", CONDUCTOR);
    repo.write("runs/log-analysis-1.json", LOG_ANALYSIS);
    let run = repo.audit([
        "timing",
        "ingest",
        "runs/trace.jsonl",
        "runs/own.jsonl",
        "runs/conductor.log",
        "runs/log-analysis-1.json",
        "--format",
        "json",
    ]);
    run.code(0);
    let r = run.json();
    let files = r["files"].as_array().expect("files");
    let inputs: Vec<&str> = files.iter().map(|f| f["input"].as_str().unwrap()).collect();
    assert_eq!(inputs, ["otlp", "jsonl", "conductor", "log-analysis"]);
    let counts: Vec<(u64, u64, u64)> = files
        .iter()
        .map(|f| {
            (
                f["measurements"].as_u64().unwrap(),
                f["mapped"].as_u64().unwrap(),
                f["ignored"].as_u64().unwrap(),
            )
        })
        .collect();
    // OTLP: 2 spans with a sequence (1 without); JSON Lines: 3, one unknown; conductor: 3;
    // log analysis: 1 finished execution (1 unfinished) and 2 beat samples, styling removed.
    assert_eq!(counts, [(2, 2, 1), (3, 2, 0), (3, 3, 0), (3, 3, 1)]);
    assert_eq!(files[3]["run"], "C:\\logs\\run-7.log");
    let unknown = r["unknown"].as_array().expect("unknown");
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0]["sequence"], "Retired Thing");
    assert_eq!(unknown[0]["line"], 3);
    assert_eq!(r["store"]["sequences"], 3);
    assert_eq!(r["store"]["samples"], 10);
    assert_eq!(r["coverage"]["domains"], 3);
    // Samples were kept in the git directory, not the work tree.
    assert!(repo.git_dir().join("audit/timing-samples.json").is_file());

    // Human output names the unknown sequence with its file and line.
    repo.audit(["timing", "ingest", "--reset", "runs/own.jsonl"])
        .code(0)
        .stdout_has("warning: runs/own.jsonl:3: `Retired Thing` maps to no registry domain")
        .stdout_has("coverage: 0 of 3 registry domains");
}

#[test]
fn detection_refuses_what_it_cannot_tell_and_input_settles_it() {
    let repo = timing_repo();
    repo.write("notes.txt", "nothing measured here\n");
    repo.audit(["timing", "ingest", "notes.txt"])
        .code(2)
        .stderr_has("notes.txt: not a measurement format")
        .stderr_has("--input");
    // A JSON Lines record whose name reads like a conductor line.
    repo.write(
        "both.jsonl",
        "{\"sequence\": \"Beat 1 (x) completed in 2ms\", \"durationMs\": 3}\n",
    );
    repo.audit(["timing", "ingest", "both.jsonl"])
        .code(2)
        .stderr_has("ambiguous: it reads as jsonl and conductor");
    repo.audit(["timing", "ingest", "both.jsonl", "--input", "jsonl"])
        .code(0);
    // A file that fails to parse changes nothing: the earlier files are not kept either.
    repo.write(
        "bad.jsonl",
        "{\"sequence\": \"a\", \"durationMs\": \"slow\"}\n",
    );
    repo.write("good.jsonl", "{\"sequence\": \"a\", \"durationMs\": 1}\n");
    let before = std::fs::read(repo.git_dir().join("audit/timing-samples.json")).unwrap();
    repo.audit([
        "timing",
        "ingest",
        "good.jsonl",
        "bad.jsonl",
        "--input",
        "jsonl",
    ])
    .code(2)
    .stderr_has("bad.jsonl: jsonl: line 1: `durationMs`");
    let after = std::fs::read(repo.git_dir().join("audit/timing-samples.json")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn ingest_without_a_registry_fails_closed() {
    let repo = TestRepo::new();
    repo.write("own.jsonl", JSONL);
    repo.audit(["timing", "ingest", "own.jsonl"])
        .code(2)
        .stderr_has("no registry in the index");
}

#[test]
fn the_baseline_is_deterministic_counts_a_file_once_and_is_staged() {
    let repo = timing_repo();
    repo.write(
        "r1.jsonl",
        "{\"sequence\":\"a\",\"durationMs\":3}\n{\"sequence\":\"a\",\"durationMs\":1}\n{\"sequence\":\"a\",\"beat\":1,\"durationMs\":0.5}\n",
    );
    repo.write("r2.jsonl", "{\"sequence\":\"a\",\"durationMs\":2}\n");
    repo.audit(["timing", "baseline"])
        .code(2)
        .stderr_has("nothing has been ingested")
        .stderr_has("git audit timing ingest");
    repo.audit(["timing", "ingest", "r1.jsonl", "r2.jsonl"])
        .code(0);
    // The same file again is counted once.
    repo.audit(["timing", "ingest", "r1.jsonl"])
        .code(0)
        .stdout_has("ingested before; counted once");
    let printed = repo.audit(["timing", "baseline"]).code(0).stdout.clone();
    assert_eq!(printed, repo.audit(["timing", "baseline"]).stdout);
    let doc: Value = serde_json::from_str(&printed).expect("the baseline is JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["unit"], "ms");
    let a = &doc["sequences"]["a"];
    assert_eq!(
        (&a["samples"], &a["p50"], &a["p95"], &a["max"]),
        (
            &Value::from(3),
            &Value::from(2.0),
            &Value::from(3.0),
            &Value::from(3.0)
        )
    );
    assert_eq!(a["beats"]["1"]["samples"], 1);
    assert!(!printed.contains("generated"), "{printed}");
    // Keys are sorted at every level.
    assert!(printed.find("\"sequences\"") < printed.find("\"unit\""));
    assert!(printed.find("\"beats\"") < printed.find("\"max\""));

    repo.audit(["timing", "baseline", "--stage"])
        .code(0)
        .stdout_has("wrote audit-timing-baseline.json: 1 sequences, 4 samples (staged)")
        .stdout_has("coverage: 1 of 3 registry domains have at least 3 samples");
    assert_eq!(repo.read(BASELINE), printed);
    assert_eq!(repo.git(["show", &format!(":{BASELINE}")]), printed);
    let json = repo
        .audit(["timing", "baseline", "--write", "--format", "json"])
        .code(0)
        .json();
    assert_eq!(json["path"], BASELINE);
    assert_eq!(json["staged"], false);
    assert_eq!(json["coverage"]["measured"], 1);
}

#[test]
fn the_baseline_never_overwrites_a_hand_written_file() {
    let repo = timing_repo();
    repo.write("r.jsonl", "{\"sequence\":\"a\",\"durationMs\":3}\n");
    repo.audit(["timing", "ingest", "r.jsonl"]).code(0);
    repo.write(BASELINE, "{\"mine\": true}\n");
    repo.audit(["timing", "baseline", "--write"])
        .code(2)
        .stderr_has("exists and is not a timing baseline");
    assert_eq!(repo.read(BASELINE), "{\"mine\": true}\n");
    // Elsewhere, as configured.
    repo.write("audit.toml", "[timing]\nbaseline = \"perf/timing.json\"\n");
    repo.git(["add", "audit.toml"]);
    repo.audit(["timing", "baseline", "--write"]).code(0);
    assert!(repo.read("perf/timing.json").contains("\"a\""));
}

fn with_baseline(repo: &TestRepo, sequences: &[(&str, &[f64])]) {
    repo.write(BASELINE, baseline_json(sequences));
    repo.git(["add", BASELINE]);
}

const FULL: &[(&str, &[f64])] = &[
    ("a", &[10.0, 10.0, 10.0]),
    ("b", &[5.0, 5.0, 5.0]),
    ("c", &[1.0, 1.0, 1.0]),
];

#[test]
fn a_slower_run_is_a_warning_unless_configured_as_an_error() {
    let repo = timing_repo();
    with_baseline(&repo, FULL);
    repo.write(
        "slow.jsonl",
        "{\"sequence\":\"a\",\"durationMs\":15}\n{\"sequence\":\"a\",\"durationMs\":16}\n{\"sequence\":\"Domain a\",\"durationMs\":15}\n",
    );
    repo.write(
        "same.jsonl",
        "{\"sequence\":\"a\",\"durationMs\":11}\n{\"sequence\":\"a\",\"durationMs\":10}\n{\"sequence\":\"a\",\"durationMs\":12}\n",
    );
    let run = repo.audit(["timing", "check", "slow.jsonl", "--format", "json"]);
    run.code(0);
    let r = run.json();
    assert_eq!(rules_of(&r), ["timing-regression"]);
    let f = &r["findings"][0];
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["path"], BASELINE);
    assert_eq!(f["pointer"], "/sequences/a/p50");
    assert!(f["message"].as_str().unwrap().contains("p50 15 ms"), "{f}");
    let run = repo.audit(["timing", "check", "same.jsonl", "--format", "json"]);
    run.code(0);
    assert!(rules_of(&run.json()).is_empty());

    // Error on request: a severity in [rules], as for every rule.
    repo.write("audit.toml", "[rules]\ntiming-regression = \"error\"\n");
    repo.git(["add", "audit.toml"]);
    repo.audit(["timing", "check", "slow.jsonl"])
        .code(1)
        .stdout_has("error[timing-regression]");
    repo.audit(["timing", "check", "same.jsonl"]).code(0);

    // p95 and a threshold from [timing].
    repo.write(
        "audit.toml",
        "[rules]\ntiming-regression = \"error\"\n\n[timing]\nmetric = \"p95\"\nthreshold = 0.6\n",
    );
    repo.git(["add", "audit.toml"]);
    repo.audit(["timing", "check", "slow.jsonl"]).code(0);
}

/// Two log-analysis reports of one browser log are one run in `timing check`, as in `timing
/// ingest`: their samples are not added up (on the corpus, 17 reports of 11 logs made 13
/// samples of a sequence out of 10 and a spurious regression).
#[test]
fn reports_of_one_run_count_once_when_a_run_is_checked() {
    let repo = timing_repo();
    with_baseline(&repo, FULL);
    let report = |lines: u32| {
        format!(
            r#"{{"file": "C:\\logs\\run-9.log", "totalLines": {lines}, "sequences": {{"executions": [
  {{"name": "Domain b", "durationMs": 20}}, {{"name": "Domain b", "durationMs": 20}}]}}}}"#
        )
    };
    let check = || {
        repo.audit([
            "timing",
            "check",
            "runs/log-analysis-1.json",
            "runs/log-analysis-2.json",
            "--format",
            "json",
        ])
    };
    repo.write("runs/log-analysis-1.json", report(10));
    repo.write("runs/log-analysis-2.json", report(11));
    // One run, two samples of b: under min-samples (3), so nothing is compared.
    let run = check();
    run.code(0);
    assert!(rules_of(&run.json()).is_empty(), "{}", run.stdout);
    // Two runs of the same sequence do add up: four samples at 20 ms against 5 ms.
    repo.write(
        "runs/log-analysis-2.json",
        report(11).replace("run-9.log", "run-10.log"),
    );
    let run = check();
    run.code(0);
    assert_eq!(
        rules_of(&run.json()),
        ["timing-regression"],
        "{}",
        run.stdout
    );
}

#[test]
fn timing_check_needs_a_committed_baseline_and_readable_runs() {
    let repo = timing_repo();
    repo.write("r.jsonl", "{\"sequence\":\"a\",\"durationMs\":3}\n");
    repo.audit(["timing", "check", "r.jsonl"])
        .code(2)
        .stderr_has("no timing baseline at audit-timing-baseline.json in the index")
        .stderr_has("git audit timing baseline --write --stage");
    // An unstaged baseline is not the committed one.
    repo.write(BASELINE, baseline_json(FULL));
    repo.audit(["timing", "check", "r.jsonl"]).code(2);
    repo.git(["add", BASELINE]);
    repo.audit(["timing", "check", "r.jsonl"]).code(0);
    repo.audit(["timing", "check", "missing.jsonl"])
        .code(2)
        .stderr_has("cannot read missing.jsonl");
    repo.write(BASELINE, "{\"version\": 7}\n");
    repo.git(["add", BASELINE]);
    repo.audit(["timing", "check", "r.jsonl"])
        .code(2)
        .stderr_has("is not a timing baseline in the index");
}

#[test]
fn check_reports_coverage_and_stale_entries_when_the_baseline_or_registry_changes() {
    let repo = timing_repo();
    with_baseline(&repo, FULL);
    repo.audit(["check", "--staged"]).code(0);
    repo.git(["commit", "-q", "--no-verify", "-m", "registry and baseline"]);

    // Domain c goes: its baseline entry is stale, and 2 of 2 are still measured.
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.git(["add", REGISTRY]);
    let r = repo
        .audit(["check", "--staged", "--format", "json"])
        .code(0)
        .json();
    assert_eq!(rules_of(&r), ["timing-baseline-stale"]);
    assert_eq!(r["findings"][0]["pointer"], "/sequences/c");
    repo.git(["reset", "-q"]);
    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));

    // Domains d..f arrive unmeasured: 3 of 6 (50%) is below 70%.
    repo.write(REGISTRY, good_registry(&["a", "b", "c", "d", "e", "f"]));
    repo.git(["add", REGISTRY]);
    let r = repo
        .audit(["check", "--staged", "--format", "json"])
        .code(0)
        .json();
    assert_eq!(rules_of(&r), ["timing-coverage"]);
    assert!(
        r["findings"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("3 of 6 registry domains (50.0%)"),
        "{r}"
    );
    repo.git(["commit", "-q", "--no-verify", "-m", "more domains"]);
    // The same for a commit checked in a range (the pre-push hook, `ci`), stamped with it.
    let r = repo
        .audit(["check", "--range", "HEAD~1..HEAD", "--format", "json"])
        .json();
    assert_eq!(rules_of(&r), ["timing-coverage"]);
    assert_eq!(r["findings"][0]["commit"], repo.rev_parse("HEAD"));

    // A change to neither the baseline nor a registry reports nothing; --all does.
    repo.write("README.md", "hello\n");
    repo.git(["add", "README.md"]);
    let r = repo.audit(["check", "--staged", "--format", "json"]).json();
    assert!(rules_of(&r).is_empty(), "{r}");
    let r = repo
        .audit(["check", "--staged", "--all", "--format", "json"])
        .json();
    assert_eq!(rules_of(&r), ["timing-coverage"]);

    // Off when the configuration says so.
    repo.write("audit.toml", "[timing]\ncheck = false\n");
    repo.git(["add", "audit.toml"]);
    let r = repo
        .audit(["check", "--staged", "--all", "--format", "json"])
        .json();
    assert!(rules_of(&r).is_empty(), "{r}");
}

#[test]
fn a_timing_hint_is_never_a_measurement() {
    let repo = TestRepo::new();
    let immediate =
        |id: &str| domain(id).replace(r#""tempo": 120"#, r#""tempo": 120, "timing": "immediate""#);
    repo.write(
        REGISTRY,
        registry(
            Layout::Lines,
            &[domain("a"), immediate("b"), immediate("c")],
        ),
    );
    repo.write(BASELINE, baseline_json(&[("a", &[1.0, 1.0, 1.0])]));
    repo.git(["add", "-A"]);
    let r = repo
        .audit(["check", "--staged", "--format", "json"])
        .code(0)
        .json();
    assert_eq!(rules_of(&r), ["timing-coverage"]);
    assert!(
        r["findings"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("1 of 3 registry domains"),
        "{r}"
    );
}

#[test]
fn corpus_log_analysis_reports_give_a_baseline() {
    let corpus = corpus_or_skip!();
    let snap = corpus.join("renderx-2025-11-29");
    let outputs = snap.join("outputs");
    let mut files: Vec<String> = std::fs::read_dir(&outputs)
        .expect("outputs")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("log-analysis-") && n.ends_with(".json"))
        })
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    assert_eq!(files.len(), 17);
    let repo = TestRepo::new();
    repo.write(
        REGISTRY,
        std::fs::read(snap.join(REGISTRY)).expect("the corpus registry"),
    );
    repo.git(["add", REGISTRY]);
    let mut args = vec!["timing", "ingest", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let start = Instant::now();
    let run = repo.audit(args);
    let took = start.elapsed();
    run.code(0);
    let r = run.json();
    // 17 reports of 11 browser logs: each run counted once.
    assert_eq!(r["store"]["sources"], 11, "{}", r["store"]);
    assert!(
        r["unknown"].as_array().unwrap().is_empty(),
        "{}",
        r["unknown"]
    );
    let measured = r["coverage"]["measured"].as_u64().unwrap();
    let domains = r["coverage"]["domains"].as_u64().unwrap();
    assert_eq!(domains, 74);
    let baseline = repo.audit(["timing", "baseline"]).code(0).stdout.clone();
    assert_eq!(baseline, repo.audit(["timing", "baseline"]).stdout);
    let doc: Value = serde_json::from_str(&baseline).expect("json");
    let seqs = doc["sequences"].as_object().unwrap();
    // Console styling stripped: every name mapped to a domain id.
    assert!(seqs.contains_key("library-load-symphony"), "{baseline}");
    assert!(seqs.keys().all(|k| !k.contains(' ')), "{baseline}");
    println!(
        "corpus: 17 log-analysis files, {} kept, {} sequences with samples, {} samples; {measured} of {domains} domains with >= 3 samples; ingest took {took:?}",
        r["store"]["sources"], r["store"]["sequences"], r["store"]["samples"]
    );
    for (id, s) in seqs {
        println!(
            "  {id}: samples {} p50 {} p95 {} max {} beats {}",
            s["samples"],
            s["p50"],
            s["p95"],
            s["max"],
            s["beats"].as_object().map_or(0, |b| b.len())
        );
    }
}
