//! Unit tests of the handler flow: definitions, testFile resolution, links and the rules.

use super::*;

const SEQ: &str = r#"{
  "id": "cart-symphony",
  "movements": [
    { "id": "edit", "beats": [
      { "beat": 1, "event": "cart:add", "handler": "addItem", "kind": "pure",
        "testFile": "node_modules\\@acme\\cart\\__tests__\\cart.spec.ts",
        "acceptanceCriteria": [{ "given": "an empty cart", "then": "one item" }] },
      { "beat": 2, "event": "cart:remove", "handler": { "name": "cart/ui#removeItem" },
        "testFile": "packages/cart/__tests__/gone.spec.ts" },
      { "beat": 3, "event": "cart:clear", "handler": "clearCart",
        "testFile": "packages/cart/__tests__/cart.spec.ts" },
      { "beat": 4, "event": "cart:undo", "handler": "undoCart" }
    ] }
  ]
}"#;

const SRC: &str = "export function addItem(cart, item) {\n  return cart;\n}\n\nexport const removeItem = (cart, id) => cart;\n\nexport const handlers = {\n  clearCart(cart) {\n    return cart;\n  },\n};\n// export function undoCart() {}\n";

const TEST: &str =
    "import { addItem } from '../src/cart';\ntest('addItem', () => addItem({}, 1));\n";

fn rewrite() -> Handlers {
    Handlers {
        rewrites: vec![("node_modules/@acme/".into(), "packages/".into())],
        ..Handlers::default()
    }
}

fn run(coverage: Option<&[CoveredFile]>, junit: Option<&[TestCase]>) -> Analysis {
    let beats = beats(
        "packages/cart/json-sequences/cart.json",
        SEQ.as_bytes(),
        &Limits::default(),
    )
    .unwrap();
    let defs = Definitions::index([("packages/cart/src/cart.ts", SRC)]);
    let present: BTreeSet<String> = ["packages/cart/__tests__/cart.spec.ts".to_string()].into();
    let tests: BTreeMap<String, String> = [(
        "packages/cart/__tests__/cart.spec.ts".to_string(),
        TEST.to_string(),
    )]
    .into();
    analyze(
        &rewrite(),
        &Inputs {
            beats: &beats,
            definitions: &defs,
            present: &present,
            tests: &tests,
            coverage,
            junit,
        },
    )
}

fn rules(a: &Analysis) -> Vec<(RuleId, usize)> {
    a.findings.iter().map(|f| (f.rule, f.line)).collect()
}

#[test]
fn beats_name_their_handlers_and_tests() {
    let beats = beats("s.json", SEQ.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(beats.len(), 4);
    assert_eq!(beats[1].handler, "cart/ui#removeItem");
    assert_eq!(beats[1].name, "removeItem");
    assert_eq!(
        beats[1].handler_at.0.to_string(),
        "/movements/0/beats/1/handler/name"
    );
    assert_eq!(
        beats[0].acceptance,
        vec!["given an empty cart", "then one item"]
    );
    assert_eq!(beats[0].test_at.as_ref().map(|t| t.1), Some(6));
}

#[test]
fn definitions_are_exports_methods_and_properties_not_comments_or_calls() {
    let defs = Definitions::index([
        ("a/src/x.ts", SRC),
        ("b/src/y.ts", "class C {\n  static async addItem<T>(a: T): Promise<void> {\n  }\n}\nfoo(addItem);\n  if (x) {\n  addItem(cart, 1);\n"),
        ("c/lib.rs", "pub fn add_item() {}\n"),
        ("d/m.py", "def clear_cart(x):\n"),
    ]);
    assert_eq!(
        defs.find("addItem", "a/json-sequences/s.json")[0].path,
        "a/src/x.ts"
    );
    assert_eq!(
        defs.find("addItem", "b/json-sequences/s.json")[0].path,
        "b/src/y.ts"
    );
    assert_eq!(defs.find("addItem", "x").len(), 2);
    assert_eq!(defs.find("removeItem", "x")[0].kind, "const");
    assert_eq!(defs.find("clearCart", "x")[0].kind, "method");
    assert_eq!(defs.find("add_item", "x").len(), 1);
    assert_eq!(defs.find("clear_cart", "x").len(), 1);
    assert!(defs.find("undoCart", "x").is_empty());
    assert!(defs.find("if", "x").is_empty());
}

#[test]
fn test_paths_are_rewritten_and_resolved() {
    let r = vec![(
        "node_modules/@renderx-plugins/".to_string(),
        "packages/".to_string(),
    )];
    assert_eq!(
        rewrite_test_path(
            r"node_modules\@renderx-plugins\canvas\__tests__\a.spec.ts",
            "x.json",
            &r
        ),
        "packages/canvas/__tests__/a.spec.ts"
    );
    assert_eq!(
        rewrite_test_path("../__tests__/a.spec.ts", "p/json-sequences/s.json", &[]),
        "p/__tests__/a.spec.ts"
    );
    assert_eq!(rewrite_test_path("./p/t.ts", "s.json", &[]), "p/t.ts");
}

#[test]
fn mentions_are_whole_identifiers() {
    assert!(mentions("addItem(x)", "addItem"));
    assert!(!mentions("addItems(x)", "addItem"));
    assert!(!mentions("readdItem", "addItem"));
    assert!(mentions("a > addItem", "addItem"));
}

#[test]
fn path_matching_tolerates_package_relative_and_absolute_paths() {
    assert!(path_match("packages/cart/src/cart.ts", "src/cart.ts").is_some());
    assert!(path_match(
        "packages/cart/src/cart.ts",
        "/ci/work/packages/cart/src/cart.ts"
    )
    .is_some());
    assert!(path_match("packages/cart/src/cart.ts", "cart.ts").is_none());
    assert!(path_match("packages/cart/src/cart.ts", "src/xcart.ts").is_none());
}

#[test]
fn static_rules_fire_once_each() {
    let a = run(None, None);
    let mut found = rules(&a);
    found.sort();
    assert_eq!(
        found,
        vec![
            (RuleId::HandlerTestMissing, 12),
            (RuleId::HandlerTestPath, 9),
            (RuleId::HandlerTestUnrelated, 11),
            (RuleId::HandlerUndefined, 12),
        ],
        "{:#?}",
        a.findings
    );
    assert_eq!(a.summary.beats, 4);
    assert_eq!(a.summary.defined, 3);
    assert_eq!(a.summary.test_file_resolved, 2);
    assert_eq!(a.summary.test_file_mentions, 1);
    assert_eq!(
        a.rows[0].test_file.resolved.as_deref(),
        Some("packages/cart/__tests__/cart.spec.ts")
    );
    assert!(a.summary.coverage.is_none());
}

fn lcov(hits: [u64; 3]) -> Vec<CoveredFile> {
    let text = format!(
        "SF:src/cart.ts\nFN:1,addItem\nFN:5,removeItem\nFN:8,clearCart\nFNDA:{},addItem\nFNDA:{},removeItem\nFNDA:{},clearCart\nend_of_record\n",
        hits[0], hits[1], hits[2]
    );
    reports::parse_lcov("lcov.info", &text).unwrap()
}

#[test]
fn coverage_is_covered_handlers_over_defined_handlers_inclusive() {
    let a = run(Some(&lcov([1, 1, 0])), None);
    let c = a.summary.coverage.clone().unwrap();
    assert_eq!((c.covered, c.total, c.measured), (2, 3, 3));
    assert!(rules(&a).iter().any(|(r, _)| *r == RuleId::HandlerCoverage));
    let a = run(Some(&lcov([1, 1, 1])), None);
    assert!(!rules(&a).iter().any(|(r, _)| *r == RuleId::HandlerCoverage));
    // Exactly at the target passes.
    let mut h = rewrite();
    h.coverage_target = 2.0 / 3.0;
    let beats = beats(
        "packages/cart/json-sequences/cart.json",
        SEQ.as_bytes(),
        &Limits::default(),
    )
    .unwrap();
    let defs = Definitions::index([("packages/cart/src/cart.ts", SRC)]);
    let cov = lcov([1, 1, 0]);
    let a = analyze(
        &h,
        &Inputs {
            beats: &beats,
            definitions: &defs,
            present: &BTreeSet::new(),
            tests: &BTreeMap::new(),
            coverage: Some(&cov),
            junit: None,
        },
    );
    assert!(!a.findings.iter().any(|f| f.rule == RuleId::HandlerCoverage));
}

#[test]
fn failing_tests_are_reported_when_linked_or_when_any_is_asked() {
    let junit = reports::parse_junit(
        "j.xml",
        r#"<testsuites><testsuite name="s"><testcase name="addItem adds"><failure message="boom"/></testcase><testcase name="unrelated"><error message="x"/></testcase><testcase name="clearCart clears"/></testsuite></testsuites>"#,
    )
    .unwrap();
    let a = run(None, Some(&junit));
    let failing: Vec<&Finding> = a
        .findings
        .iter()
        .filter(|f| f.rule == RuleId::TestsFailing)
        .collect();
    assert_eq!(failing.len(), 1, "{failing:#?}");
    assert!(failing[0].message.contains("addItem adds"));
    assert_eq!(a.rows[0].tests.as_ref().unwrap().failed, 1);
    assert_eq!(a.rows[2].tests.as_ref().unwrap().passed, 1);
    let t = a.summary.tests.clone().unwrap();
    assert_eq!((t.total, t.failed, t.errors, t.linked), (3, 1, 1, 2));
}

#[test]
fn scaffold_stubs_go_to_declared_or_configured_paths_and_never_overwrite() {
    let a = run(None, None);
    let beats = beats(
        "packages/cart/json-sequences/cart.json",
        SEQ.as_bytes(),
        &Limits::default(),
    )
    .unwrap();
    let taken = |p: &str| p == "packages/cart/__tests__/undoCart.spec.ts";
    let all = scaffold::stubs(
        &rewrite(),
        &beats,
        &a.rows,
        "// {{handler}} {{ beat }} {{acceptance}}",
        false,
        &taken,
    )
    .unwrap();
    let paths: Vec<(&str, bool)> = all.iter().map(|s| (s.path.as_str(), s.exists)).collect();
    assert_eq!(
        paths,
        vec![
            ("packages/cart/__tests__/gone.spec.ts", false),
            ("packages/cart/__tests__/undoCart.spec.ts", true),
        ]
    );
    assert_eq!(all[0].text, "// cart/ui#removeItem 2 (none declared)");
    let missing = scaffold::stubs(&rewrite(), &beats, &a.rows, "", true, &taken).unwrap();
    assert_eq!(missing.len(), 1);
    assert_eq!(
        scaffold::unknown_placeholders("{{handler}} {{ nope }}"),
        vec!["nope"]
    );
}

#[test]
fn a_test_named_after_a_handler_is_credited_only_within_its_own_package() {
    let seq = |pkg: &str| {
        beats(
            &format!("packages/{pkg}/json-sequences/s.json"),
            br#"{"id": "s", "movements": [{"id": "m", "beats": [{"beat": 1, "event": "a:b", "handler": "notifyUi"}]}]}"#,
            &Limits::default(),
        )
        .unwrap()
    };
    let mut all = seq("a");
    all.extend(seq("b"));
    let defs = Definitions::index([
        ("packages/a/src/x.ts", "export function notifyUi() {}\n"),
        ("packages/b/src/x.ts", "export function notifyUi() {}\n"),
    ]);
    let present: BTreeSet<String> = ["packages/a/__tests__/notify.spec.ts".to_string()].into();
    let junit = reports::parse_junit(
        "j.xml",
        r#"<testsuites><testsuite name="__tests__/notify.spec.ts"><testcase classname="__tests__/notify.spec.ts" name="notifyUi publishes"/></testsuite><testsuite name="loose"><testcase classname="x" name="notifyUi again"/></testsuite></testsuites>"#,
    )
    .unwrap();
    let a = analyze(
        &Handlers::default(),
        &Inputs {
            beats: &all,
            definitions: &defs,
            present: &present,
            tests: &BTreeMap::new(),
            coverage: None,
            junit: Some(&junit),
        },
    );
    // Package a: its own file's case and the case whose file is unknown; package b: only that one.
    assert_eq!(a.rows[0].tests.as_ref().unwrap().passed, 2);
    assert_eq!(a.rows[1].tests.as_ref().unwrap().passed, 1);
}

#[test]
fn the_line_prefilter_holds_every_pattern_and_changes_no_definition() {
    let p = patterns();
    let set = p
        .any
        .as_ref()
        .expect("the set builds from the compiled patterns");
    assert_eq!(set.len(), p.list.len());
    // One line per pattern kind, plus lines no pattern takes: the set agrees with the list on
    // each (a line the set refuses is one no pattern would capture).
    let lines = [
        "export async function notifyUi(data) {",
        "export const toggleTheme = () => {};",
        "export default class Panel {",
        "  async handleDrop(event, ctx) {",
        "  onSelect: (id) => select(id),",
        "pub fn resolve_template(id: &str) -> String {",
        "async def fetch_components(source):",
        "const local = 1;",
        "  if (ready) {",
        "return value;",
    ];
    for line in lines {
        let any_capture = p.list.iter().any(|(re, _)| re.is_match(line));
        assert_eq!(set.is_match(line), any_capture, "{line}");
    }
    let text = lines.join("\n");
    let defs = Definitions::index([("src/x.ts", text.as_str())]);
    for name in [
        "notifyUi",
        "toggleTheme",
        "Panel",
        "handleDrop",
        "onSelect",
        "resolve_template",
        "fetch_components",
    ] {
        assert_eq!(defs.find(name, "src/y.json").len(), 1, "{name}");
    }
    assert!(defs.find("local", "src/y.json").is_empty());
    assert!(defs.find("if", "src/y.json").is_empty());
}
