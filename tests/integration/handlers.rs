//! `git audit handlers`: the handler test flow over a small cart plugin whose source, test and
//! reports are real (`tests/data/handlers/`: node 20's test runner wrote the LCOV and JUnit, c8
//! the Cobertura), then over the corpus snapshot with its real JUnit report.

use std::path::Path;

use serde_json::Value;

use crate::corpus_or_skip;
use crate::support::{Run, TestRepo};

pub const SEQ: &str = "packages/cart/json-sequences/cart.json";
pub const SRC: &str = "packages/cart/src/cart.js";
pub const TEST: &str = "packages/cart/__tests__/cart.spec.mjs";

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/handlers");

fn data(name: &str) -> String {
    std::fs::read_to_string(Path::new(DATA).join(name)).expect("test data")
}

/// The corpus's later shape: `testFile` as a Windows path under node_modules.
pub const TOML: &str =
    "[handlers]\n\n[[handlers.rewrite]]\nfrom = 'node_modules\\@acme\\'\nto = \"packages/\"\n";

/// A beat of the cart sequence.
pub fn beat(n: usize, handler: &str, test_file: Option<&str>) -> String {
    let test = test_file
        .map(|t| {
            format!(
                ", \"testFile\": {}",
                serde_json::to_string(t).unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!(
        "      {{ \"beat\": {n}, \"event\": \"cart:item:{}\", \"handler\": \"{handler}\", \"kind\": \"pure\"{test} }}",
        handler.to_lowercase()
    )
}

pub const DECLARED: &str = r"node_modules\@acme\cart\__tests__\cart.spec.mjs";

pub fn sequence(beats: &[String]) -> String {
    format!(
        "{{\n  \"id\": \"cart-symphony\",\n  \"name\": \"Cart\",\n  \"movements\": [\n    {{ \"id\": \"edit\", \"name\": \"Edit\", \"beats\": [\n{}\n    ] }}\n  ]\n}}\n",
        beats.join(",\n")
    )
}

/// The clean world: two beats whose handlers are defined, declared, tested, covered and
/// passing; the reports (`lcov.info`, `junit.xml`) beside them.
pub fn world(repo: &TestRepo) {
    world_with(
        repo,
        &[
            beat(1, "addItem", Some(DECLARED)),
            beat(2, "removeItem", Some(DECLARED)),
        ],
    );
}

pub fn world_with(repo: &TestRepo, beats: &[String]) {
    repo.write("audit.toml", TOML);
    repo.write(SEQ, sequence(beats));
    repo.write(SRC, data("cart.js"));
    repo.write(TEST, data("cart.spec.mjs"));
    repo.write("lcov.info", data("node-lcov.info"));
    repo.write("junit.xml", data("node-junit-passing.xml"));
}

pub fn undefined(repo: &TestRepo) {
    world_with(
        repo,
        &[
            beat(1, "addItemz", Some(DECLARED)),
            beat(2, "removeItem", Some(DECLARED)),
        ],
    );
}

pub fn test_missing(repo: &TestRepo) {
    world_with(
        repo,
        &[
            beat(1, "addItem", None),
            beat(2, "removeItem", Some(DECLARED)),
        ],
    );
}

pub fn test_path(repo: &TestRepo) {
    world_with(
        repo,
        &[
            beat(
                1,
                "addItem",
                Some(r"node_modules\@acme\cart\__tests__\gone.spec.mjs"),
            ),
            beat(2, "removeItem", Some(DECLARED)),
        ],
    );
}

pub fn test_unrelated(repo: &TestRepo) {
    world(repo);
    repo.write(
        "packages/cart/__tests__/other.spec.mjs",
        "import { test } from \"node:test\";\ntest(\"nothing\", () => {});\n",
    );
    repo.write(
        SEQ,
        sequence(&[
            beat(1, "addItem", Some("packages/cart/__tests__/other.spec.mjs")),
            beat(2, "removeItem", Some(DECLARED)),
        ]),
    );
}

/// `clearCart` is defined and declared but the LCOV says it never ran: 2 of 3 covered.
pub fn coverage_low(repo: &TestRepo) {
    world_with(
        repo,
        &[
            beat(1, "addItem", Some(DECLARED)),
            beat(2, "removeItem", Some(DECLARED)),
            beat(3, "clearCart", Some(DECLARED)),
        ],
    );
}

/// node's JUnit with `removeItem drops the item` failing.
pub fn tests_failing(repo: &TestRepo) {
    world(repo);
    repo.write("junit.xml", data("node-junit-failing.xml"));
}

/// `handlers --format json` on the index, with the reports the fixture wrote.
pub fn run_handlers(repo: &TestRepo, extra: &[&str]) -> Run {
    repo.git(["add", "-A"]);
    let mut args = vec!["handlers", "--format", "json"];
    if repo.path("lcov.info").exists() {
        args.extend(["--lcov", "lcov.info"]);
    }
    if repo.path("junit.xml").exists() {
        args.extend(["--junit", "junit.xml"]);
    }
    args.extend(extra);
    repo.audit(args)
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
fn the_clean_world_reports_every_beat_and_nothing_blocks() {
    let repo = TestRepo::new();
    world(&repo);
    let run = run_handlers(&repo, &[]);
    run.code(0);
    let r = run.json();
    assert_eq!(r["version"], 1);
    assert_eq!(rules_of(&r), Vec::<String>::new(), "{r:#}");
    let beats = r["beats"].as_array().expect("beats");
    assert_eq!(beats.len(), 2);
    let b = &beats[0];
    assert_eq!(b["sequence"], "cart-symphony");
    assert_eq!(b["movement"], "edit");
    assert_eq!(b["beat"], 1);
    assert_eq!(b["handler"], "addItem");
    assert_eq!(b["definition"]["path"], SRC);
    assert_eq!(b["definition"]["line"], 1);
    assert_eq!(b["testFile"]["declared"], DECLARED);
    assert_eq!(b["testFile"]["resolved"], TEST);
    assert_eq!(b["testFile"]["mentions"], true);
    assert_eq!(b["coverage"]["covered"], true);
    assert_eq!(b["coverage"]["hits"], 1);
    assert_eq!(b["tests"]["passed"], 1);
    let s = &r["summary"];
    assert_eq!(s["coverage"]["covered"], 2);
    assert_eq!(s["coverage"]["total"], 2);
    assert_eq!(s["coverage"]["ratio"], 1.0);
    assert_eq!(s["coverage"]["target"], 0.85);
    assert_eq!(s["tests"]["total"], 2);
    assert_eq!(s["tests"]["linked"], 2);
}

#[test]
fn each_static_rule_fires_on_its_fixture_with_its_position() {
    for (fixture, rule, line) in [
        (undefined as fn(&TestRepo), "handler-undefined", 6),
        (test_missing, "handler-test-missing", 6),
        (test_path, "handler-test-path", 6),
        (test_unrelated, "handler-test-unrelated", 6),
    ] {
        let repo = TestRepo::new();
        fixture(&repo);
        let r = run_handlers(&repo, &[]).json();
        let found: Vec<&Value> = r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == rule)
            .collect();
        assert_eq!(found.len(), 1, "{rule}: {r:#}");
        assert_eq!(found[0]["path"], SEQ);
        assert_eq!(found[0]["line"], line, "{rule}");
    }
}

#[test]
fn an_undefined_handler_blocks_and_says_where_to_define_it() {
    let repo = TestRepo::new();
    undefined(&repo);
    repo.git(["add", "-A"]);
    repo.audit(["handlers"])
        .code(1)
        .stdout_has("error[handler-undefined] handler `addItemz` of beat 1 of movement edit in cart-symphony is defined nowhere")
        .stdout_has("hint: define and export `addItemz`");
}

#[test]
fn without_the_rewrite_the_backslash_node_modules_path_does_not_resolve() {
    let repo = TestRepo::new();
    world(&repo);
    repo.write("audit.toml", "[handlers]\n");
    let r = run_handlers(&repo, &[]).json();
    let paths: Vec<&Value> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "handler-test-path")
        .collect();
    assert_eq!(paths.len(), 2, "{r:#}");
    assert!(
        paths[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("node_modules/@acme/cart/__tests__/cart.spec.mjs")),
        "{r:#}"
    );
}

#[test]
fn coverage_below_the_target_blocks_and_at_the_target_passes() {
    let repo = TestRepo::new();
    coverage_low(&repo);
    let run = run_handlers(&repo, &[]);
    run.code(1);
    let r = run.json();
    assert!(
        rules_of(&r).contains(&"handler-coverage".to_string()),
        "{r:#}"
    );
    assert_eq!(r["summary"]["coverage"]["covered"], 2);
    assert_eq!(r["summary"]["coverage"]["total"], 3);
    assert_eq!(r["beats"][2]["coverage"]["covered"], false);
    assert_eq!(r["beats"][2]["coverage"]["hits"], 0);
    // 2/3 against a target of 2/3: inclusive, passes.
    repo.write(
        "audit.toml",
        format!("{TOML}\n").replace(
            "[handlers]\n",
            "[handlers]\ncoverage-target = 0.6666666666666666\n",
        ),
    );
    let r = run_handlers(&repo, &[]).json();
    assert!(
        !rules_of(&r).contains(&"handler-coverage".to_string()),
        "{r:#}"
    );
}

#[test]
fn cobertura_from_c8_measures_the_same_handlers() {
    let repo = TestRepo::new();
    coverage_low(&repo);
    std::fs::remove_file(repo.path("lcov.info")).expect("rm");
    repo.write("cobertura.xml", data("cobertura-coverage.xml"));
    let r = run_handlers(&repo, &["--cobertura", "cobertura.xml"]).json();
    assert_eq!(r["summary"]["coverage"]["covered"], 2, "{r:#}");
    assert_eq!(r["summary"]["coverage"]["total"], 3);
    assert_eq!(r["beats"][2]["coverage"]["covered"], false);
    assert!(rules_of(&r).contains(&"handler-coverage".to_string()));
}

#[test]
fn a_failing_linked_test_blocks_and_an_unlinked_one_only_with_any() {
    let repo = TestRepo::new();
    tests_failing(&repo);
    let run = run_handlers(&repo, &[]);
    run.code(1);
    let r = run.json();
    let failing: Vec<&Value> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "tests-failing")
        .collect();
    assert_eq!(failing.len(), 1, "{r:#}");
    assert!(failing[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("removeItem drops the item") && m.contains("0 == 2")));
    assert_eq!(r["beats"][1]["tests"]["failed"], 1);

    // A failure no handler is linked to: reported only with failing-tests = "any".
    repo.write(SEQ, sequence(&[beat(1, "addItem", Some(DECLARED))]));
    let r = run_handlers(&repo, &[]).json();
    assert!(
        !rules_of(&r).contains(&"tests-failing".to_string()),
        "{r:#}"
    );
    repo.write(
        "audit.toml",
        TOML.replace("[handlers]\n", "[handlers]\nfailing-tests = \"any\"\n"),
    );
    let r = run_handlers(&repo, &[]).json();
    assert!(rules_of(&r).contains(&"tests-failing".to_string()), "{r:#}");
}

#[test]
fn unreadable_reports_stop_with_exit_2_and_say_which_and_where() {
    let repo = TestRepo::new();
    world(&repo);
    repo.git(["add", "-A"]);
    repo.audit(["handlers", "--lcov", "missing.info"])
        .code(2)
        .stderr_has("cannot read the report missing.info");
    repo.write(
        "bad.info",
        "SF:src/cart.js\nFN:one,addItem\nend_of_record\n",
    );
    repo.audit(["handlers", "--lcov", "bad.info"])
        .code(2)
        .stderr_has("bad.info:2: not an LCOV record");
    repo.write("cut.info", "SF:src/cart.js\nFN:1,addItem\n");
    repo.audit(["handlers", "--lcov", "cut.info"])
        .code(2)
        .stderr_has("no end_of_record");
    repo.write(
        "bad.xml",
        "<testsuites>\n<testcase name=\"a\">\n</testsuites>\n",
    );
    repo.audit(["handlers", "--junit", "bad.xml"])
        .code(2)
        .stderr_has("bad.xml:3: not well-formed XML")
        .stderr_has("hint: pass the file CI wrote");
    repo.audit(["handlers", "--junit", "lcov.info"])
        .code(2)
        .stderr_has("cannot read the report lcov.info");
    repo.audit(["handlers", "--cobertura", "junit.xml"])
        .code(2)
        .stderr_has("not Cobertura's <coverage>");
    repo.audit(["handlers", "--format", "sarif"])
        .code(2)
        .stderr_has("`handlers` writes human or json output, not sarif");
}

#[test]
fn invalid_handlers_config_is_refused_with_its_position() {
    let repo = TestRepo::new();
    world(&repo);
    repo.write("audit.toml", "[handlers]\ncoverage-target = 85\n");
    repo.git(["add", "-A"]);
    repo.audit(["handlers"])
        .code(2)
        .stderr_has("audit.toml (index):2:19: key `coverage-target`: 85 is not between 0 and 1");
}

const TEMPLATE: &str = "templates/handler.spec.ts.tmpl";

#[test]
fn scaffold_lists_then_writes_stubs_and_never_overwrites() {
    let repo = TestRepo::new();
    world_with(
        &repo,
        &[
            beat(1, "addItem", Some(DECLARED)),
            beat(2, "removeItem", None),
            beat(
                3,
                "clearCart",
                Some("packages/cart/__tests__/clear.spec.mjs"),
            ),
        ],
    );
    repo.write(
        TEMPLATE,
        "// {{handler}}: {{sequence}} / {{movement}} / beat {{beat}} ({{event}}, {{kind}})\n// {{acceptance}}\n",
    );
    repo.git(["add", "-A"]);
    let listed = repo.audit(["handlers", "scaffold", "--format", "json"]);
    listed.code(0);
    let r = listed.json();
    let paths: Vec<&str> = r["stubs"]
        .as_array()
        .expect("stubs")
        .iter()
        .filter_map(|s| s["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "packages/cart/__tests__/removeItem.spec.ts",
            "packages/cart/__tests__/clear.spec.mjs"
        ]
    );
    assert!(!repo.path(paths[0]).exists(), "listing wrote a file");
    // --missing: only beats without a testFile.
    let r = repo
        .audit(["handlers", "scaffold", "--missing", "--format", "json"])
        .json();
    assert_eq!(r["stubs"].as_array().map(Vec::len), Some(1));

    // A hand-written file at the second path is kept byte for byte.
    repo.write("packages/cart/__tests__/clear.spec.mjs", "// mine\n");
    repo.audit(["handlers", "scaffold", "--write"])
        .code(0)
        .stdout_has("written")
        .stdout_has("exists, left alone");
    assert_eq!(
        repo.read("packages/cart/__tests__/removeItem.spec.ts"),
        "// removeItem: cart-symphony / edit / beat 2 (cart:item:removeitem, pure)\n// (none declared)\n"
    );
    assert_eq!(
        repo.read("packages/cart/__tests__/clear.spec.mjs"),
        "// mine\n"
    );
}

#[test]
fn scaffold_needs_a_committed_template_with_known_placeholders() {
    let repo = TestRepo::new();
    test_missing(&repo);
    repo.git(["add", "-A"]);
    repo.audit(["handlers", "scaffold"])
        .code(2)
        .stderr_has("no stub template at templates/handler.spec.ts.tmpl");
    repo.write(TEMPLATE, "{{handler}} {{secret}}\n");
    repo.git(["add", "-A"]);
    repo.audit(["handlers", "scaffold"])
        .code(2)
        .stderr_has("unknown placeholders: secret");
    repo.write("audit.toml", "[handlers]\ntemplate = \"../outside.tmpl\"\n");
    repo.git(["add", "-A"]);
    repo.audit(["handlers", "scaffold"])
        .code(2)
        .stderr_has("leaves the repository");
}

/// Copies the corpus snapshot into a fresh repository and commits it.
fn renderx(corpus: &Path) -> TestRepo {
    fn copy(src: &Path, dst: &Path) {
        for entry in std::fs::read_dir(src).expect("list") {
            let entry = entry.expect("entry");
            let to = dst.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                std::fs::create_dir_all(&to).expect("mkdir");
                copy(&entry.path(), &to);
            } else {
                std::fs::copy(entry.path(), &to).expect("copy");
            }
        }
    }
    let repo = TestRepo::new();
    copy(&corpus.join("renderx-2025-11-29"), repo.root());
    repo.commit_all("renderx 2025-11-29");
    repo
}

#[test]
fn corpus_handlers_with_the_real_control_panel_junit() {
    let corpus = corpus_or_skip!();
    let repo = renderx(&corpus);
    let run = repo.audit([
        "handlers",
        "--format",
        "json",
        "--junit",
        "packages/control-panel/test-results.xml",
    ]);
    // Undefined handlers are real defects of the snapshot: it blocks.
    run.code(1);
    let r = run.json();
    let s = &r["summary"];
    println!("corpus handlers summary: {s:#}");
    let count = |rule: &str| rules_of(&r).iter().filter(|x| *x == rule).count();
    println!(
        "corpus handlers findings: undefined {}, test-missing {}, test-path {}, unrelated {}, tests-failing {}",
        count("handler-undefined"),
        count("handler-test-missing"),
        count("handler-test-path"),
        count("handler-test-unrelated"),
        count("tests-failing")
    );
    let beats = s["beats"].as_u64().expect("beats");
    assert!(beats > 200, "{s:#}");
    // The snapshot predates `testFile`: every beat lacks one.
    assert_eq!(count("handler-test-missing") as u64, beats);
    assert_eq!(s["withTestFile"], 0);
    // The JUnit report: 196 cases, 3 failures (whole files that failed to load, linked to no handler).
    assert_eq!(s["tests"]["total"], 196);
    assert_eq!(s["tests"]["failed"], 3);
    assert_eq!(count("tests-failing"), 0);
    // Hand-checked: control-panel's addClass is `export function addClass` in classes.stage-crew.ts.
    let add = r["beats"]
        .as_array()
        .expect("beats")
        .iter()
        .find(|b| b["handler"] == "addClass")
        .expect("addClass");
    assert_eq!(
        add["definition"]["path"],
        "packages/control-panel/src/symphonies/classes/classes.stage-crew.ts"
    );
    assert_eq!(add["definition"]["line"], 3);
    assert!(
        add["tests"]["passed"].as_u64().is_some_and(|n| n >= 1),
        "{add:#}"
    );
    // Hand-checked: `storePatch` is named by a self-healing beat and defined nowhere.
    assert!(r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["rule"] == "handler-undefined"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("`storePatch`"))));

    // With failing-tests = "any" the three file-level failures are reported.
    repo.write("audit.toml", "[handlers]\nfailing-tests = \"any\"\n");
    repo.git(["add", "audit.toml"]);
    let r = repo
        .audit([
            "handlers",
            "--format",
            "json",
            "--junit",
            "packages/control-panel/test-results.xml",
        ])
        .json();
    assert_eq!(
        rules_of(&r)
            .iter()
            .filter(|x| *x == "tests-failing")
            .count(),
        3
    );
}

#[test]
fn corpus_testfile_in_the_later_node_modules_shape_resolves_with_a_rewrite() {
    let corpus = corpus_or_skip!();
    let repo = renderx(&corpus);
    // The later corpus shape, written over the snapshot's real test files.
    let seq = "packages/control-panel/json-sequences/classes.add.json";
    let text = repo.read(seq);
    let text = text.replacen(
        "\"handler\": \"addClass\",",
        "\"handler\": \"addClass\", \"testFile\": \"node_modules\\\\@renderx-plugins\\\\control-panel\\\\__tests__\\\\api.control-panel.classes.notify.spec.ts\",",
        1,
    );
    let text = text.replacen(
        "\"handler\": \"notifyUi\",",
        "\"handler\": \"notifyUi\", \"testFile\": \"node_modules\\\\@renderx-plugins\\\\control-panel\\\\__tests__\\\\gone.spec.ts\",",
        1,
    );
    repo.write(seq, text);
    repo.write(
        "audit.toml",
        "[[handlers.rewrite]]\nfrom = \"node_modules/@renderx-plugins/\"\nto = \"packages/\"\n",
    );
    repo.git(["add", "-A"]);
    let r = repo.audit(["handlers", "--format", "json"]).json();
    let rows: Vec<&Value> = r["beats"]
        .as_array()
        .expect("beats")
        .iter()
        .filter(|b| b["path"] == seq)
        .collect();
    assert_eq!(
        rows[0]["testFile"]["resolved"],
        "packages/control-panel/__tests__/api.control-panel.classes.notify.spec.ts"
    );
    assert_eq!(rows[0]["testFile"]["mentions"], true);
    assert_eq!(rows[1]["testFile"]["resolved"], Value::Null);
    assert!(r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["rule"] == "handler-test-path" && f["path"] == seq));
}

/// The handler rules a findings report holds, sorted (the renamed or uncovered handlers'
/// test file does not name them either, hence `handler-test-unrelated` beside them).
fn check_rules(run: &Run) -> Vec<String> {
    let mut out: Vec<String> = rules_of(&run.json())
        .into_iter()
        .filter(|r| r.starts_with("handler-") || r == "tests-failing")
        .collect();
    out.sort();
    out
}

#[test]
fn check_runs_the_static_rules_only_with_a_handlers_table() {
    let repo = TestRepo::new();
    undefined(&repo);
    repo.git(["add", "-A"]);
    let run = repo.audit(["check", "--staged", "--format", "json"]);
    run.code(1);
    assert_eq!(
        check_rules(&run),
        ["handler-test-unrelated", "handler-undefined"]
    );

    // Without `[handlers]` in audit.toml, check and the hook stay as they were.
    repo.write("audit.toml", "");
    repo.git(["add", "-A"]);
    let run = repo.audit(["check", "--staged", "--format", "json"]);
    assert_eq!(check_rules(&run), Vec::<String>::new());
}

#[test]
fn check_reports_a_static_finding_only_when_its_sequence_definition_or_test_changed() {
    let repo = TestRepo::new();
    undefined(&repo);
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--no-verify", "-m", "undefined handler"]);
    repo.write("README.md", "unrelated\n");
    repo.git(["add", "-A"]);
    let run = repo.audit(["check", "--staged", "--format", "json"]);
    assert_eq!(check_rules(&run), Vec::<String>::new());
    let run = repo.audit(["check", "--staged", "--all", "--format", "json"]);
    assert_eq!(
        check_rules(&run),
        ["handler-test-unrelated", "handler-undefined"]
    );
    // Touching the source the sequence's handlers live in brings it back.
    repo.write(SRC, format!("{}\n", data("cart.js")));
    repo.git(["add", "-A"]);
    let run = repo.audit(["check", "--staged", "--format", "json"]);
    assert_eq!(
        check_rules(&run),
        ["handler-test-unrelated", "handler-undefined"]
    );
    // The pre-commit hook runs the same gate.
    repo.audit(["install"]).code(0);
    let out = repo.git_output(["commit", "-q", "-m", "touch source"]);
    assert!(
        !out.status.success(),
        "the hook let an undefined handler through"
    );
}

#[test]
fn check_and_ci_take_reports_for_the_measured_rules() {
    let repo = TestRepo::new();
    coverage_low(&repo);
    repo.write("junit.xml", data("node-junit-failing.xml"));
    repo.git(["add", "-A"]);
    let run = repo.audit([
        "check",
        "--staged",
        "--format",
        "json",
        "--lcov",
        "lcov.info",
        "--junit",
        "junit.xml",
    ]);
    run.code(1);
    assert_eq!(
        check_rules(&run),
        [
            "handler-coverage",
            "handler-test-unrelated",
            "tests-failing"
        ]
    );
    repo.audit(["check", "--staged", "--junit", "nowhere.xml"])
        .code(2)
        .stderr_has("cannot read the report nowhere.xml");

    repo.git(["commit", "-q", "--no-verify", "-m", "base"]);
    let base = repo.rev_parse("HEAD");
    repo.write("README.md", "x\n");
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "--no-verify", "-m", "head"]);
    let run = repo.audit([
        "ci",
        "--base",
        &base,
        "--head",
        "HEAD",
        "--format",
        "json",
        "--lcov",
        "lcov.info",
    ]);
    assert_eq!(check_rules(&run), ["handler-coverage"]);
}

#[test]
fn a_sequence_that_is_not_json_is_listed_as_unread_not_guessed_at() {
    let repo = TestRepo::new();
    world(&repo);
    repo.write(
        "packages/cart/json-sequences/broken.json",
        "{\"id\": \"x\",\n\"movements\": [\n",
    );
    let run = run_handlers(&repo, &[]);
    run.code(0);
    let r = run.json();
    assert_eq!(
        r["unread"][0]["path"], "packages/cart/json-sequences/broken.json",
        "{r:#}"
    );
    assert_eq!(r["summary"]["beats"], 2);
    repo.audit(["handlers"])
        .code(0)
        .stdout_has("warning: packages/cart/json-sequences/broken.json: not read: 3:1:");
}
