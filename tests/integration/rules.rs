//! Rule registration, in the style of cargo-semver-checks: every rule of the catalogue
//! (`RuleId::ALL`) has a fixture that triggers it and a clean one that does not, run through
//! the real binary in a temporary repository. A rule added without fixtures fails
//! `every_rule_has_a_triggering_and_a_clean_fixture`.
//!
//! The detailed assertions (pointer, line, column, message) live with each family's tests;
//! here only "the rule fires / does not fire" is checked, for every rule, in one table.

use std::collections::BTreeSet;
use std::time::Instant;

use git_audit::core::rules::RuleId;
use serde_json::Value;

use crate::bdd;
use crate::fixtures::{
    domain, good_registry, registry, sequence, syntax_error_registry, Layout, REGISTRY, SEQ_A,
};
use crate::governance::{
    edit, run, write_world, COPY, COPY_SEQ, PLAN, REG as WORLD_REG, TODAY, WAIVERS,
};
use crate::handlers;
use crate::support::{Run, TestRepo};
use crate::timing;

/// How a rule is reached once a fixture has been written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// `git add -A`, then `check --staged --format json`.
    CheckStaged,
    /// The fixture made its own commits; `changelog verify --format json`.
    ChangelogVerify,
    /// `git add -A`, then `bdd --format json`.
    Bdd,
    /// `git add -A`, then `handlers --format json` with the fixture's `lcov.info` and
    /// `junit.xml` when it wrote them.
    Handlers,
    /// The fixture staged a timing baseline and wrote `run.jsonl`;
    /// `timing check run.jsonl --format json`.
    TimingCheck,
}

/// Writes (and for `ChangelogVerify`, commits) a fixture in a fresh repository.
type Fixture = fn(&TestRepo);

/// One rule's row: how it is reached, a fixture that triggers it and a clean one.
struct Case {
    rule: RuleId,
    via: Via,
    trigger: Fixture,
    clean: Fixture,
}

const fn case(rule: RuleId, via: Via, trigger: Fixture, clean: Fixture) -> Case {
    Case {
        rule,
        via,
        trigger,
        clean,
    }
}

use Via::{ChangelogVerify as Changelog, CheckStaged as Check};

/// The table: one row per rule, in catalogue order.
const CASES: &[Case] = &[
    // ---- document
    case(RuleId::JsonSyntax, Check, json_syntax, registry_ab),
    case(
        RuleId::JsonDuplicateKey,
        Check,
        json_duplicate_key,
        registry_ab,
    ),
    case(RuleId::JsonLimits, Check, json_too_deep, json_deep_enough),
    case(RuleId::ArtifactType, Check, registry_symlink, registry_ab),
    case(RuleId::IdMissing, Check, id_missing, registry_ab),
    case(RuleId::IdDuplicate, Check, id_duplicate, registry_ab),
    case(RuleId::RequiredField, Check, required_field, registry_ab),
    case(RuleId::FieldType, Check, field_type, sequence_a),
    // ---- integrity
    case(
        RuleId::LockMismatch,
        Check,
        embedded_lock_edited,
        embedded_lock,
    ),
    case(
        RuleId::LockMissing,
        Check,
        require_lock_unlocked,
        require_lock_locked,
    ),
    case(
        RuleId::LockfileMismatch,
        Check,
        lockfile_edited,
        lockfile_locked,
    ),
    // ---- governance (the governance tests' clean world, one edit away)
    case(
        RuleId::RegistryMissingSequence,
        Check,
        unregistered_sequence,
        world,
    ),
    case(
        RuleId::RegistryDanglingSequence,
        Check,
        dangling_sequence_file,
        world,
    ),
    case(
        RuleId::RegistrySequenceMismatch,
        Check,
        beats_count_wrong,
        world,
    ),
    case(RuleId::SequenceIdDuplicate, Check, sequence_copied, world),
    case(RuleId::BeatNumbering, Check, beat_skipped, world),
    case(RuleId::BeatHandlerMissing, Check, handler_removed, world),
    case(RuleId::BeatEventMissing, Check, event_removed, world),
    case(RuleId::EventName, Check, event_misnamed, world),
    case(RuleId::PathSeparator, Check, backslash_path, world),
    case(RuleId::PathMissing, Check, dangling_docs_path, world),
    case(RuleId::Schema, Check, timing_off_schema, world),
    case(RuleId::PlanCoverage, Check, plan_lists_unknown_id, world),
    // ---- suppression
    case(RuleId::WaiverExpired, Check, waiver_expired, waiver_live),
    // ---- changelog
    case(
        RuleId::ChangelogMissing,
        Changelog,
        changelog_unrecorded,
        changelog_recorded,
    ),
    case(
        RuleId::ChangelogExtra,
        Changelog,
        changelog_entry_without_change,
        changelog_recorded,
    ),
    case(
        RuleId::ChangelogDuplicate,
        Changelog,
        changelog_entry_twice,
        changelog_recorded,
    ),
    // ---- impact (fixtures in impact.rs)
    case(
        RuleId::VersionBumpMissing,
        Check,
        crate::impact::bump_missing,
        crate::impact::bump_made,
    ),
    case(
        RuleId::ImpactThreshold,
        Check,
        crate::impact::over_threshold,
        crate::impact::under_threshold,
    ),
    // ---- bdd (the bdd tests' clean world, one edit away)
    case(
        RuleId::BddCoverage,
        Via::Bdd,
        bdd::bdd_uncovered,
        bdd::bdd_world,
    ),
    case(
        RuleId::BddFeatureInvalid,
        Via::Bdd,
        bdd::bdd_invalid_feature,
        bdd::bdd_world,
    ),
    case(
        RuleId::BddFeatureOrphan,
        Via::Bdd,
        bdd::bdd_orphan_feature,
        bdd::bdd_world,
    ),
    case(
        RuleId::BddLinkBroken,
        Via::Bdd,
        bdd::bdd_broken_tag,
        bdd::bdd_world,
    ),
    case(
        RuleId::BddEventUnknown,
        Via::Bdd,
        bdd::bdd_unknown_event,
        bdd::bdd_world,
    ),
    case(
        RuleId::BddSpecHandlerMismatch,
        Via::Bdd,
        bdd::bdd_spec_mismatch,
        bdd::bdd_spec_matching,
    ),
    case(
        RuleId::BddStubOnly,
        Via::Bdd,
        bdd::bdd_stub_only,
        bdd::bdd_world,
    ),
    // ---- handlers (tests/integration/handlers.rs: a cart plugin with real node reports)
    case(
        RuleId::HandlerUndefined,
        Via::Handlers,
        handlers::undefined,
        handlers::world,
    ),
    case(
        RuleId::HandlerTestMissing,
        Via::Handlers,
        handlers::test_missing,
        handlers::world,
    ),
    case(
        RuleId::HandlerTestPath,
        Via::Handlers,
        handlers::test_path,
        handlers::world,
    ),
    case(
        RuleId::HandlerTestUnrelated,
        Via::Handlers,
        handlers::test_unrelated,
        handlers::world,
    ),
    case(
        RuleId::HandlerCoverage,
        Via::Handlers,
        handlers::coverage_low,
        handlers::world,
    ),
    case(
        RuleId::TestsFailing,
        Via::Handlers,
        handlers::tests_failing,
        handlers::world,
    ),
    // ---- timing
    case(
        RuleId::TimingRegression,
        Via::TimingCheck,
        timing_run_slower,
        timing_run_as_fast,
    ),
    case(
        RuleId::TimingCoverage,
        Check,
        timing_baseline_partial,
        timing_baseline_full,
    ),
    case(
        RuleId::TimingUnknownSequence,
        Via::TimingCheck,
        timing_run_unknown,
        timing_run_as_fast,
    ),
    case(
        RuleId::TimingBaselineStale,
        Check,
        timing_baseline_stale,
        timing_baseline_full,
    ),
    // ---- docs
    case(RuleId::DocStale, Check, doc_source_changed, doc_rendered),
    case(RuleId::DocEdited, Check, doc_hand_edited, doc_rendered),
    case(
        RuleId::DocBannerMissing,
        Check,
        doc_without_banner,
        doc_rendered,
    ),
    case(
        RuleId::DocSourceMissing,
        Check,
        doc_source_gone,
        doc_source_present,
    ),
    case(
        RuleId::DocSourceUntracked,
        Check,
        doc_source_ignored,
        doc_source_present,
    ),
    // ---- registry generation
    case(
        RuleId::RegistryStale,
        Check,
        crate::generate::hand_edited,
        crate::generate::generated_world,
    ),
    case(
        RuleId::RegistrySourceDuplicateId,
        Check,
        crate::generate::duplicate_source,
        crate::generate::generated_world,
    ),
    case(
        RuleId::RegistrySourceInvalid,
        Check,
        crate::generate::invalid_source,
        crate::generate::generated_world,
    ),
];

// ---- docs fixtures

fn doc_rendered(repo: &TestRepo) {
    crate::docs::world(repo);
    repo.audit(["docs", "render", "--stage"]).code(0);
}

fn doc_source_changed(repo: &TestRepo) {
    doc_rendered(repo);
    repo.write(
        "orchestration-domains.json",
        crate::docs::registry("Renamed", "2025-01-01T00:00:00Z"),
    );
}

fn doc_hand_edited(repo: &TestRepo) {
    doc_rendered(repo);
    let text = repo.read("docs/domains.md");
    repo.write("docs/domains.md", format!("{text}\nBy hand.\n"));
}

fn doc_without_banner(repo: &TestRepo) {
    doc_rendered(repo);
    repo.write("docs/gen/hand.md", "# By hand\n");
}

/// A generated doc in the origin's banner format naming `source`, recorded with `bytes`' hash.
fn origin_doc(repo: &TestRepo, source: &str, bytes: &[u8]) {
    let h = git_audit::core::json::canonical::sha256(bytes).hex();
    let body = "# Origin\n";
    let doc_hash = git_audit::core::json::canonical::sha256(body.as_bytes()).hex();
    repo.write(
        "docs/gen/origin.md",
        format!("<!-- AUTO-GENERATED\nSources: {source}\nSource-Hashes: {source}:{h}\nDoc-Hash: {doc_hash}\n-->\n\n{body}"),
    );
    repo.write("audit.toml", "[docs]\ngenerated = [\"docs/gen/*.md\"]\n");
}

fn doc_source_present(repo: &TestRepo) {
    repo.write(".generated/map.json", "{}\n");
    origin_doc(repo, ".generated/map.json", b"{}\n");
}

fn doc_source_gone(repo: &TestRepo) {
    origin_doc(repo, ".generated/map.json", b"{}\n");
}

fn doc_source_ignored(repo: &TestRepo) {
    repo.write(".gitignore", ".generated/\n");
    doc_source_present(repo);
}

// ---------------------------------------------------------------------------------------------
// Timing fixtures: a registry of a, b, c and a baseline (`timing::baseline_json`).

const TIMING_FULL: &[(&str, &[f64])] = &[
    ("a", &[10.0, 10.0, 10.0]),
    ("b", &[5.0, 5.0, 5.0]),
    ("c", &[1.0, 1.0, 1.0]),
];

fn timing_world(repo: &TestRepo, baseline: &[(&str, &[f64])]) {
    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    repo.write(timing::BASELINE, timing::baseline_json(baseline));
}

fn timing_baseline_full(repo: &TestRepo) {
    timing_world(repo, TIMING_FULL);
}

fn timing_baseline_partial(repo: &TestRepo) {
    timing_world(repo, &TIMING_FULL[..1]);
}

fn timing_baseline_stale(repo: &TestRepo) {
    let mut with_gone = TIMING_FULL.to_vec();
    with_gone.push(("gone", &[1.0, 1.0, 1.0]));
    timing_world(repo, &with_gone);
}

fn timing_run(repo: &TestRepo, run: &str) {
    timing_baseline_full(repo);
    repo.git(["add", "-A"]);
    repo.write("run.jsonl", run);
}

fn timing_run_as_fast(repo: &TestRepo) {
    timing_run(
        repo,
        &"{\"sequence\": \"a\", \"durationMs\": 10}\n".repeat(3),
    );
}

fn timing_run_slower(repo: &TestRepo) {
    timing_run(
        repo,
        &"{\"sequence\": \"a\", \"durationMs\": 20}\n".repeat(3),
    );
}

fn timing_run_unknown(repo: &TestRepo) {
    timing_run(
        repo,
        "{\"sequence\": \"Gone Sequence\", \"durationMs\": 10}\n",
    );
}

// ---------------------------------------------------------------------------------------------
// Document fixtures (built-in defaults, no audit.toml).

fn registry_ab(repo: &TestRepo) {
    repo.write(REGISTRY, good_registry(&["a", "b"]));
}

fn json_syntax(repo: &TestRepo) {
    repo.write(REGISTRY, syntax_error_registry(&["a", "b"]));
}

fn json_duplicate_key(repo: &TestRepo) {
    let twice = domain("b").replace(r#""name": "#, r#""name": "B", "name": "#);
    repo.write(REGISTRY, registry(Layout::Lines, &[domain("a"), twice]));
}

const LIMITS_TOML: &str =
    "[limits]\nmax-depth = 4\n\n[[artifact]]\npath = \"data/*.json\"\nkind = \"json\"\n";

fn json_too_deep(repo: &TestRepo) {
    repo.write("audit.toml", LIMITS_TOML);
    // Depth 5 against max-depth = 4.
    repo.write("data/deep.json", "{\"a\": [[[[1]]]]}\n");
}

fn json_deep_enough(repo: &TestRepo) {
    repo.write("audit.toml", LIMITS_TOML);
    repo.write("data/deep.json", "{\"a\": [[[1]]]}\n");
}

fn registry_symlink(repo: &TestRepo) {
    repo.write("elsewhere.json", good_registry(&["a", "b"]));
    std::os::unix::fs::symlink("elsewhere.json", repo.path(REGISTRY)).expect("symlink");
}

fn id_missing(repo: &TestRepo) {
    let no_id = domain("b").replace(r#""id": "b", "#, "");
    repo.write(REGISTRY, registry(Layout::Lines, &[domain("a"), no_id]));
}

fn id_duplicate(repo: &TestRepo) {
    repo.write(REGISTRY, good_registry(&["a", "a"]));
}

fn required_field(repo: &TestRepo) {
    let partial = domain("b").replace(r#", "tempo": 120"#, "");
    repo.write(REGISTRY, registry(Layout::Lines, &[domain("a"), partial]));
}

fn field_type(repo: &TestRepo) {
    repo.write(SEQ_A, "{\"id\": \"a\", \"movements\": \"x\"}\n");
}

fn sequence_a(repo: &TestRepo) {
    repo.write(SEQ_A, sequence("a", &["m1"]));
}

// ---------------------------------------------------------------------------------------------
// Integrity fixtures: `git-audit lock --stage` writes the locks.

fn lock(repo: &TestRepo) {
    repo.git(["add", "-A"]);
    repo.audit(["lock", "--stage"]).code(0);
}

fn embedded_lock(repo: &TestRepo) {
    registry_ab(repo);
    lock(repo);
}

fn embedded_lock_edited(repo: &TestRepo) {
    embedded_lock(repo);
    let locked = repo.read(REGISTRY);
    assert!(locked.contains("\"integrity\""), "{locked}");
    repo.write(
        REGISTRY,
        locked.replacen("\"tempo\": 120", "\"tempo\": 140", 1),
    );
}

const REQUIRE_LOCK_TOML: &str =
    "[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\nrequire-lock = true\n";

fn require_lock_unlocked(repo: &TestRepo) {
    repo.write("audit.toml", REQUIRE_LOCK_TOML);
    registry_ab(repo);
}

fn require_lock_locked(repo: &TestRepo) {
    require_lock_unlocked(repo);
    lock(repo);
}

fn lockfile_locked(repo: &TestRepo) {
    repo.write(REGISTRY, good_registry(&["a"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    lock(repo);
    assert!(repo.read("audit.lock").contains(SEQ_A));
}

fn lockfile_edited(repo: &TestRepo) {
    lockfile_locked(repo);
    repo.write(SEQ_A, sequence("a", &["m1", "m2"]));
}

// ---------------------------------------------------------------------------------------------
// Governance fixtures: the governance tests' world (registry, two sequences, schema, plan,
// docs), which reports nothing, and one edit that breaks one rule.

fn world(repo: &TestRepo) {
    write_world(repo);
}

fn unregistered_sequence(repo: &TestRepo) {
    write_world(repo);
    repo.write(
        "json-sequences/extra.json",
        COPY_SEQ.replace("copy-symphony", "extra-symphony"),
    );
}

fn dangling_sequence_file(repo: &TestRepo) {
    write_world(repo);
    edit(
        repo,
        WORLD_REG,
        "json-sequences/copy.json",
        "json-sequences/gone.json",
    );
}

fn beats_count_wrong(repo: &TestRepo) {
    write_world(repo);
    edit(repo, WORLD_REG, "\"beats\": 2", "\"beats\": 5");
}

fn sequence_copied(repo: &TestRepo) {
    write_world(repo);
    repo.write("json-sequences/copy-again.json", COPY_SEQ);
}

fn beat_skipped(repo: &TestRepo) {
    write_world(repo);
    edit(repo, COPY, "{ \"beat\": 2,", "{ \"beat\": 3,");
}

fn handler_removed(repo: &TestRepo) {
    write_world(repo);
    edit(repo, COPY, " \"handler\": \"toClipboard\",", "");
}

fn event_removed(repo: &TestRepo) {
    write_world(repo);
    edit(repo, COPY, " \"event\": \"canvas:copy:clipboard\",", "");
}

fn event_misnamed(repo: &TestRepo) {
    write_world(repo);
    edit(repo, COPY, "canvas:copy:clipboard", "canvas.copy.Clipboard");
}

fn backslash_path(repo: &TestRepo) {
    write_world(repo);
    edit(repo, WORLD_REG, "\"docs/copy.md\"", r#""docs\\copy.md""#);
}

fn dangling_docs_path(repo: &TestRepo) {
    write_world(repo);
    edit(repo, WORLD_REG, "\"docs/copy.md\"", "\"docs/gone.md\"");
}

fn timing_off_schema(repo: &TestRepo) {
    write_world(repo);
    edit(
        repo,
        COPY,
        "\"handler\": \"toClipboard\", \"timing\": \"immediate\"",
        "\"handler\": \"toClipboard\", \"timing\": \"whenever\"",
    );
}

fn plan_lists_unknown_id(repo: &TestRepo) {
    write_world(repo);
    edit(
        repo,
        PLAN,
        "\"bdd/paste.feature\" }",
        "\"bdd/paste.feature\" },\n    { \"id\": \"cut-symphony\" }",
    );
}

// ---------------------------------------------------------------------------------------------
// Suppression fixtures: a waived finding (a missing handler), waived through `expires`;
// "today" is `governance::TODAY` (2026-01-15).

fn waiver_until(repo: &TestRepo, expires: &str) {
    handler_removed(repo);
    repo.write(
        WAIVERS,
        format!(
            "[[waiver]]\nrule = \"beat-handler-missing\"\npath = \"json-sequences/*.json\"\npointer = \"/movements/0\"\nreason = \"the handler lands next sprint\"\nowner = \"ada\"\nexpires = {expires}\n"
        ),
    );
}

fn waiver_expired(repo: &TestRepo) {
    waiver_until(repo, "2026-01-14");
}

fn waiver_live(repo: &TestRepo) {
    waiver_until(repo, TODAY);
}

// ---------------------------------------------------------------------------------------------
// Changelog fixtures: a first commit and its entry (recorded by `changelog record`, as the
// hook would), then a structural change committed four ways.

const LOG: &str = "EVOLUTION.md";

/// The first commit, with its entry; the second version of the registry written, not staged.
fn changelog_base(repo: &TestRepo) {
    repo.write(REGISTRY, good_registry(&["a"]));
    repo.git(["add", "-A"]);
    repo.audit(["changelog", "record"]).code(0);
    repo.git(["commit", "-q", "--no-verify", "-m", "base"]);
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.git(["add", "-A"]);
}

fn changelog_recorded(repo: &TestRepo) {
    changelog_base(repo);
    repo.audit(["changelog", "record"]).code(0);
    repo.git(["commit", "-q", "--no-verify", "-m", "add b"]);
}

fn changelog_unrecorded(repo: &TestRepo) {
    changelog_base(repo);
    repo.git(["commit", "-q", "--no-verify", "-m", "add b, no entry"]);
}

fn changelog_entry_without_change(repo: &TestRepo) {
    changelog_base(repo);
    repo.audit(["changelog", "record"]).code(0);
    // The entry is committed, the change it describes is not.
    repo.git(["reset", "-q", "--", REGISTRY]);
    repo.git(["commit", "-q", "--no-verify", "-m", "an entry alone"]);
}

fn changelog_entry_twice(repo: &TestRepo) {
    changelog_base(repo);
    repo.audit(["changelog", "record"]).code(0);
    let before = repo.git(["show", &format!("HEAD:{LOG}")]);
    let now = repo.read(LOG);
    let entry = now
        .strip_prefix(before.as_str())
        .expect("an appended entry");
    assert!(!entry.trim().is_empty(), "no entry recorded:\n{now}");
    repo.write(LOG, format!("{now}{entry}"));
    repo.git(["add", LOG]);
    repo.git(["commit", "-q", "--no-verify", "-m", "add b, entry twice"]);
}

// ---------------------------------------------------------------------------------------------
// The runner.

/// What one fixture produced: the exit code, the rule ids reported and their severities.
struct Outcome {
    run: Run,
    rules: BTreeSet<(String, String)>,
}

impl Outcome {
    fn has(&self, rule: RuleId) -> bool {
        self.rules.iter().any(|(r, _)| r == rule.as_str())
    }
}

fn outcome(via: Via, fixture: Fixture) -> Outcome {
    let repo = TestRepo::new();
    fixture(&repo);
    let run = match via {
        Via::CheckStaged => {
            repo.git(["add", "-A"]);
            run(&repo, &["check", "--staged", "--format", "json"])
        }
        Via::ChangelogVerify => run(&repo, &["changelog", "verify", "--format", "json"]),
        Via::Bdd => {
            repo.git(["add", "-A"]);
            run(&repo, &["bdd", "--format", "json"])
        }
        Via::Handlers => crate::handlers::run_handlers(&repo, &[]),
        Via::TimingCheck => run(&repo, &["timing", "check", "run.jsonl", "--format", "json"]),
    };
    let rules = match serde_json::from_str::<Value>(&run.stdout) {
        Ok(report) => report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or("?").to_string(),
                    f["severity"].as_str().unwrap_or("?").to_string(),
                )
            })
            .collect(),
        Err(_) => BTreeSet::new(),
    };
    Outcome { run, rules }
}

/// Every problem with one row, as text (empty when the row holds).
fn problems(case: &Case) -> Vec<String> {
    let rule = case.rule;
    let mut out = Vec::new();
    let show = |o: &Outcome| {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            o.run.code, o.run.stdout, o.run.stderr
        )
    };

    let hit = outcome(case.via, case.trigger);
    if !hit.has(rule) {
        out.push(format!(
            "{rule}: the triggering fixture does not report it\n{}",
            show(&hit)
        ));
    } else if !hit
        .rules
        .contains(&(rule.as_str().to_string(), rule.severity().to_string()))
    {
        out.push(format!(
            "{rule}: reported, but not at its default severity {}\n{}",
            rule.severity(),
            show(&hit)
        ));
    }
    if hit.run.code == 2 {
        out.push(format!(
            "{rule}: the triggering fixture failed to run\n{}",
            show(&hit)
        ));
    }

    let clean = outcome(case.via, case.clean);
    if clean.run.code != 0 || clean.has(rule) {
        out.push(format!(
            "{rule}: the clean fixture is not clean\n{}",
            show(&clean)
        ));
    }
    out
}

#[test]
fn every_rule_has_a_triggering_and_a_clean_fixture() {
    let listed: Vec<RuleId> = CASES.iter().map(|c| c.rule).collect();
    let missing: Vec<&str> = RuleId::ALL
        .iter()
        .filter(|r| !listed.contains(r))
        .map(|r| r.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a triggering and a clean fixture in tests/integration/rules.rs: {missing:?}"
    );
    // One row per rule, in catalogue order, so the table reads like `git audit rules`.
    assert_eq!(
        listed,
        RuleId::ALL,
        "CASES is not one row per rule in catalogue order"
    );
}

#[test]
fn each_rule_fires_on_its_trigger_and_not_on_its_clean_fixture() {
    let start = Instant::now();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut all: Vec<(usize, Vec<String>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(case) = CASES.get(i) else { break };
                        let checked =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                problems(case)
                            }));
                        mine.push((
                            i,
                            checked.unwrap_or_else(|_| {
                                vec![format!("{}: a fixture panicked (see above)", case.rule)]
                            }),
                        ));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a fixture thread panicked"))
            .collect()
    });
    all.sort_by_key(|(i, _)| *i);
    let failures: Vec<String> = all.into_iter().flat_map(|(_, p)| p).collect();
    assert!(
        failures.is_empty(),
        "{} of {} rules misbehave:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
    eprintln!(
        "{} rules, {} fixtures in {:?}",
        CASES.len(),
        2 * CASES.len(),
        start.elapsed()
    );
}
