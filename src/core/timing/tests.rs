//! Unit tests of the timing core: names, mapping, the estimator, the baseline, the findings.

use super::*;
use crate::core::config::Config;

fn registry() -> Value {
    serde_json::json!({"domains": [
        {"id": "library-load-symphony", "name": "Library Load", "timing": "immediate"},
        {"id": "copy-symphony", "name": "Canvas Copy"},
        {"id": "twin-a", "name": "Twin"},
        {"id": "twin-b", "name": "Twin"},
        {"id": "idle-symphony", "name": "Idle", "timing": "immediate"}
    ]})
}

fn domains() -> Domains {
    Domains::from_registries([&registry()])
}

#[test]
fn console_styling_is_removed_from_names() {
    assert_eq!(
        clean_name("Library Load color: #007BFF; font-weight: bold;"),
        "Library Load"
    );
    assert_eq!(clean_name("%cLibrary Load"), "Library Load");
    assert_eq!(
        clean_name("%cLibrary Load%c color: #007BFF;"),
        "Library Load"
    );
    assert_eq!(
        clean_name("Control Panel UI Init (Batched)"),
        "Control Panel UI Init (Batched)"
    );
    // Not CSS: capitalised, or no closing semicolon.
    assert_eq!(clean_name("Note: Copy;"), "Note: Copy;");
    assert_eq!(clean_name("Load color: red"), "Load color: red");
}

#[test]
fn sequences_map_by_id_then_by_unique_name() {
    let d = domains();
    assert_eq!(
        d.resolve("copy-symphony"),
        Resolved::Domain("copy-symphony".into())
    );
    assert_eq!(
        d.resolve("Library Load color: #007BFF; font-weight: bold;"),
        Resolved::Domain("library-load-symphony".into())
    );
    assert_eq!(d.resolve("Nope"), Resolved::Unknown);
    assert_eq!(
        d.resolve("Twin"),
        Resolved::Ambiguous(vec!["twin-a".into(), "twin-b".into()])
    );
}

#[test]
fn mapping_collects_samples_and_unknowns() {
    let text = "{\"sequence\":\"Canvas Copy\",\"durationMs\":4}\n\
                {\"sequence\":\"copy-symphony\",\"beat\":1,\"durationMs\":1.5}\n\
                {\"sequence\":\"Gone\",\"durationMs\":1}\n\
                {\"sequence\":\"Gone\",\"durationMs\":2}\n";
    let read = parse::read(text.as_bytes(), Input::Jsonl).unwrap();
    let m = map(&read, &domains(), "run.jsonl");
    assert_eq!(m.used, 2);
    assert_eq!(m.samples["copy-symphony"].durations, [4.0]);
    assert_eq!(m.samples["copy-symphony"].beats["1"], [1.5]);
    assert_eq!(m.unknown.len(), 1);
    assert_eq!(m.unknown[0].measurements, 2);
    assert_eq!(m.unknown[0].line, 3);
    let f = unknown_findings(&m.unknown);
    assert_eq!(f[0].rule, RuleId::TimingUnknownSequence);
    assert_eq!((f[0].path.as_str(), f[0].line), ("run.jsonl", 3));
}

#[test]
fn nearest_rank_picks_measured_values() {
    assert_eq!(nearest_rank(&[], 50), None);
    assert_eq!(nearest_rank(&[7.0], 95), Some(7.0));
    let v: Vec<f64> = (1..=20).map(f64::from).collect();
    assert_eq!(nearest_rank(&v, 50), Some(10.0));
    assert_eq!(nearest_rank(&v, 95), Some(19.0));
    assert_eq!(nearest_rank(&[1.0, 2.0, 3.0, 4.0], 50), Some(2.0));
    let s = Stats::of(&[3.0, 1.0, 2.0]);
    assert_eq!(
        (s.samples, s.p50, s.p95, s.max),
        (3, Some(2.0), Some(3.0), Some(3.0))
    );
}

#[test]
fn the_baseline_is_deterministic_with_sorted_keys() {
    let mut samples = Samples::new();
    samples.insert(
        "b".into(),
        SequenceSamples {
            durations: vec![2.0, 1.0],
            beats: BTreeMap::from([("2".into(), vec![1.0]), ("10".into(), vec![0.5])]),
        },
    );
    samples.insert(
        "a".into(),
        SequenceSamples {
            durations: vec![],
            beats: BTreeMap::new(),
        },
    );
    let text = Baseline::of(&samples).render();
    assert_eq!(text, Baseline::of(&samples.clone()).render());
    let a = text.find("\"a\"").unwrap();
    let b = text.find("\"b\"").unwrap();
    assert!(a < b, "{text}");
    assert!(text.find("\"sequences\"").unwrap() < text.find("\"unit\"").unwrap());
    let tail = &text[b..];
    assert!(tail.find("\"beats\"").unwrap() < tail.find("\"max\"").unwrap());
    assert!(tail.find("\"10\"").unwrap() < tail.find("\"2\"").unwrap());
    assert!(!text.contains("generated") && text.ends_with("}\n"));
    let back = Baseline::parse(&text).unwrap();
    assert_eq!(back, Baseline::of(&samples));
    assert_eq!(back.sequences["a"].p50, None);
    assert!(
        Baseline::parse("{\"sequences\":{},\"unit\":\"ms\",\"version\":2}")
            .unwrap_err()
            .contains("version 2")
    );
    assert!(Baseline::parse("{\"sequences\":{},\"unit\":\"s\",\"version\":1}").is_err());
}

fn timing(text: &str) -> Timing {
    Config::parse(&format!("[timing]\n{text}"), "audit.toml")
        .unwrap()
        .timing
}

fn baseline_of(pairs: &[(&str, &[f64])]) -> Baseline {
    let samples: Samples = pairs
        .iter()
        .map(|(id, v)| {
            (
                id.to_string(),
                SequenceSamples {
                    durations: v.to_vec(),
                    beats: BTreeMap::new(),
                },
            )
        })
        .collect();
    Baseline::of(&samples)
}

#[test]
fn coverage_counts_samples_never_the_timing_hint() {
    let b = baseline_of(&[
        ("library-load-symphony", &[1.0, 2.0, 3.0]),
        ("copy-symphony", &[1.0]),
    ]);
    let t = Timing::default();
    let c = coverage(&b, &domains(), &t);
    // library-load has 3 samples; copy has 1 (< min-samples 3); idle is `immediate` only.
    assert_eq!((c.measured, c.domains), (1, 5));
    let text = b.render();
    let committed = Committed {
        path: "audit-timing-baseline.json",
        bytes: text.as_bytes(),
        baseline: &b,
    };
    let f = baseline_findings(&committed, &domains(), &t);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, RuleId::TimingCoverage);
    assert!(
        f[0].message.starts_with("1 of 5 registry domains (20.0%)"),
        "{}",
        f[0].message
    );
    let lenient = timing("coverage-target = 0.2\nmin-samples = 1\n");
    assert!(baseline_findings(&committed, &domains(), &lenient).is_empty());
}

#[test]
fn stale_entries_are_found_at_their_line() {
    let b = baseline_of(&[("gone-symphony", &[1.0]), ("copy-symphony", &[1.0])]);
    let text = b.render();
    let committed = Committed {
        path: "t.json",
        bytes: text.as_bytes(),
        baseline: &b,
    };
    let t = timing("coverage-target = 0\n");
    let f = baseline_findings(&committed, &domains(), &t);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, RuleId::TimingBaselineStale);
    assert_eq!(f[0].pointer.to_string(), "/sequences/gone-symphony");
    let line = text
        .lines()
        .position(|l| l.contains("\"gone-symphony\""))
        .unwrap()
        + 1;
    assert_eq!(f[0].line, line);
}

#[test]
fn regressions_need_the_threshold_the_delta_and_the_samples() {
    let b = baseline_of(&[("copy-symphony", &[10.0, 10.0, 10.0])]);
    let text = b.render();
    let committed = Committed {
        path: "t.json",
        bytes: text.as_bytes(),
        baseline: &b,
    };
    let run = |v: &[f64]| -> Samples {
        Samples::from([(
            "copy-symphony".to_string(),
            SequenceSamples {
                durations: v.to_vec(),
                beats: BTreeMap::new(),
            },
        )])
    };
    let t = Timing::default();
    let f = regressions(&committed, &run(&[15.0, 15.0, 15.0]), &t);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, RuleId::TimingRegression);
    assert_eq!(f[0].pointer.to_string(), "/sequences/copy-symphony/p50");
    assert!(f[0].message.contains("+50%"), "{}", f[0].message);
    // Within the threshold (+20%).
    assert!(regressions(&committed, &run(&[12.0, 12.0, 12.0]), &t).is_empty());
    // Too few samples in the run.
    assert!(regressions(&committed, &run(&[15.0, 15.0]), &t).is_empty());
    // Over the threshold but under min-delta-ms.
    let t2 = timing("min-delta-ms = 10\n");
    assert!(regressions(&committed, &run(&[15.0, 15.0, 15.0]), &t2).is_empty());
    // p95 looks at the slow tail.
    let p95 = timing("metric = \"p95\"\n");
    assert!(regressions(&committed, &run(&[10.0, 10.0, 10.0, 40.0]), &p95).len() == 1);
    assert!(regressions(&committed, &run(&[10.0, 10.0, 10.0, 40.0]), &t).is_empty());
}

#[test]
fn the_store_counts_a_file_once_and_a_run_once() {
    let src = |run: Option<&str>, n: usize| Source {
        file: "f".into(),
        input: "log-analysis".into(),
        run: run.map(str::to_string),
        samples: Samples::from([(
            "x".to_string(),
            SequenceSamples {
                durations: vec![1.0; n],
                beats: BTreeMap::new(),
            },
        )]),
    };
    let mut s = Store::default();
    assert_eq!(s.add("k1", src(Some("run-1"), 2)), Added::New);
    assert_eq!(s.add("k1", src(Some("run-1"), 2)), Added::Again);
    assert_eq!(s.add("k2", src(Some("run-1"), 1)), Added::Superseded);
    assert_eq!(s.add("k3", src(Some("run-1"), 5)), Added::Replaces);
    assert_eq!(s.add("k4", src(None, 1)), Added::New);
    assert_eq!(s.samples()["x"].durations.len(), 6);
    let back = Store::parse(&s.render()).unwrap();
    assert_eq!(back, s);
}

#[test]
fn timing_config_is_validated() {
    let t = timing("baseline = \"perf/base.json\"\nmetric = \"p95\"\nthreshold = 0.5\nmin-samples = 1\nmin-delta-ms = 0\ncoverage-target = 0.9\ncheck = false\n");
    assert_eq!(t.baseline, "perf/base.json");
    assert_eq!(t.metric, crate::core::config::Metric::P95);
    assert_eq!(
        (t.threshold, t.min_samples, t.coverage_target),
        (0.5, 1, 0.9)
    );
    assert!(!t.check);
    for bad in [
        "threshold = -1",
        "coverage-target = 1.5",
        "min-samples = 0",
        "baseline = \"../x.json\"",
        "metric = \"p99\"",
        "min-delta-ms = -2.0",
        "unknown = 1",
    ] {
        let e = Config::parse(&format!("[timing]\n{bad}\n"), "audit.toml").unwrap_err();
        assert_eq!(e.position.map(|p| p.0), Some(2), "{bad}: {e}");
    }
}

#[test]
fn check_reads_a_present_baseline_and_reports_on_changes() {
    let on = Timing::default();
    let off = timing("check = false\n");
    assert!(gate_reads(&on, true));
    assert!(!gate_reads(&on, false));
    assert!(!gate_reads(&off, true));
    assert!(!gate_reports(false, false, false));
    assert!(gate_reports(true, false, false));
    assert!(gate_reports(false, true, false));
    assert!(gate_reports(false, false, true));
}
