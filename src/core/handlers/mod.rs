//! The handler test flow, pure: every beat's handler from the governed sequences, where it is
//! defined in the source roots (by name), its declared `testFile` resolved against the snapshot
//! (with `[[handlers.rewrite]]`), whether that test names the handler, and — when CI reports are
//! given — its coverage (LCOV, Cobertura) and its tests' results (JUnit). Emits the
//! `handler-*` and `tests-failing` findings and the `handlers` report model.

pub mod reports;
pub mod scaffold;

use std::collections::{BTreeMap, BTreeSet};

use regex::Regex;
use serde::Serialize;

use crate::core::config::{FailingTests, Handlers};
use crate::core::finding::Finding;
use crate::core::json::parse::LineIndex;
use crate::core::json::{Limits, Node, Pointer};
use crate::core::rules::RuleId;

pub use reports::{CoveredFile, Outcome, TestCase};

/// One beat of one governed sequence, as the handler flow needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Beat {
    pub sequence: String,
    /// The sequence file.
    pub path: String,
    /// The movement's id, else its name, else its 1-based number.
    pub movement: String,
    /// The beat's number (its `beat` field, else its 1-based position).
    pub beat: usize,
    /// The handler as written (a string, or an object's `name`).
    pub handler: String,
    /// The identifier searched for: the part after a `#` or the last `.`/`/` of `handler`.
    pub name: String,
    pub event: Option<String>,
    pub kind: Option<String>,
    pub acceptance: Vec<String>,
    /// The declared `testFile`, as written.
    pub test_file: Option<String>,
    /// Where the handler is named (pointer, line, column).
    pub handler_at: (Pointer, usize, usize),
    /// Where `testFile` is (pointer, line, column), when declared.
    pub test_at: Option<(Pointer, usize, usize)>,
}

/// The beats of one sequence file that name a handler; a document that does not parse is the
/// parser's error (the command reports it as skipped; `check` reports it as `json-syntax`).
pub fn beats(
    path: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<Beat>, crate::core::json::parse::Error> {
    let root = crate::core::json::parse::parse(bytes, limits)?;
    let lines = LineIndex::new(bytes);
    Ok(beats_of(path, &root, &lines))
}

fn text_of(node: Option<&Node<'_>>) -> Option<String> {
    node.and_then(|n| n.value.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn beats_of(path: &str, root: &Node<'_>, lines: &LineIndex<'_>) -> Vec<Beat> {
    let mut out = Vec::new();
    let sequence = text_of(root.value.get("id"))
        .or_else(|| text_of(root.value.get("name")))
        .unwrap_or_else(|| path.to_string());
    let Some(movements) = root.value.get("movements").and_then(|n| n.value.as_array()) else {
        return out;
    };
    for (m, movement) in movements.iter().enumerate() {
        let Some(list) = movement.value.get("beats").and_then(|b| b.value.as_array()) else {
            continue;
        };
        let movement_name = text_of(movement.value.get("id"))
            .or_else(|| text_of(movement.value.get("name")))
            .unwrap_or_else(|| (m + 1).to_string());
        for (j, beat) in list.iter().enumerate() {
            let here = Pointer::root()
                .child("movements")
                .child(m.to_string())
                .child("beats")
                .child(j.to_string());
            let Some(h) = beat.value.get("handler") else {
                continue;
            };
            let (handler, pointer) = match text_of(Some(h)) {
                Some(s) => (s, here.child("handler")),
                None => match text_of(h.value.get("name")) {
                    Some(s) => (s, here.child("handler").child("name")),
                    // `beat-handler-missing` reports a beat without a handler.
                    None => continue,
                },
            };
            let at = |p: Pointer| {
                let (line, column) = lines.line_col(p.locate(root));
                (p, line, column)
            };
            let number = beat
                .value
                .get("beat")
                .or_else(|| beat.value.get("number"))
                .and_then(|n| n.value.as_f64())
                .filter(|n| *n >= 1.0 && n.fract() == 0.0)
                .map_or(j + 1, |n| n as usize);
            let test_file = text_of(beat.value.get("testFile"));
            let acceptance = beat
                .value
                .get("acceptanceCriteria")
                .map(acceptance_lines)
                .unwrap_or_default();
            out.push(Beat {
                sequence: sequence.clone(),
                path: path.to_string(),
                movement: movement_name.clone(),
                beat: number,
                name: identifier(&handler),
                handler,
                event: text_of(beat.value.get("event")),
                kind: text_of(beat.value.get("kind")),
                acceptance,
                test_at: test_file.as_ref().map(|_| at(here.child("testFile"))),
                test_file,
                handler_at: at(pointer),
            });
        }
    }
    out
}

/// Acceptance criteria as lines: strings, or objects' string members (`given`, `when`, …).
fn acceptance_lines(node: &Node<'_>) -> Vec<String> {
    use crate::core::json::Value;
    match &node.value {
        Value::String(s) => vec![s.to_string()],
        Value::Array(items) => items.iter().flat_map(acceptance_lines).collect(),
        Value::Object(members) => members
            .iter()
            .flat_map(|m| {
                acceptance_lines(&m.node)
                    .into_iter()
                    .map(|l| format!("{} {l}", m.key))
                    .collect::<Vec<_>>()
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The identifier a handler reference names: `header/ui#toggleTheme` → `toggleTheme`,
/// `Cart.addItem` → `addItem`.
pub fn identifier(handler: &str) -> String {
    let tail = handler.rsplit('#').next().unwrap_or(handler);
    let tail = tail.rsplit(['/', '.', ':']).next().unwrap_or(tail);
    tail.trim().to_string()
}

/// One definition of a name in a source file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Definition {
    pub path: String,
    pub line: usize,
    /// `function`, `const`, `class`, `method` or `property`.
    pub kind: &'static str,
}

/// Every name defined in the source files: an exported function, const/let/var or class, a
/// method (in a class or an object literal), or a property holding a function; Rust `fn` and
/// Python `def` too. Found line by line; comment lines are skipped.
#[derive(Debug, Default, Clone)]
pub struct Definitions {
    by_name: BTreeMap<String, Vec<Definition>>,
}

struct Patterns {
    list: Vec<(Regex, &'static str)>,
    /// The same patterns as one set: a line no pattern matches (nearly every line) is skipped
    /// with one DFA pass instead of a capture search per pattern.
    any: Option<regex::RegexSet>,
}

fn patterns() -> Patterns {
    const ID: &str = r"([A-Za-z_$][A-Za-z0-9_$]*)";
    let table: [(String, &'static str); 7] = [
        (
            format!(r"^\s*export\s+(?:default\s+)?(?:async\s+)?function\s*\*?\s*{ID}"),
            "function",
        ),
        (
            format!(r"^\s*export\s+(?:declare\s+)?(?:const|let|var)\s+{ID}"),
            "const",
        ),
        (
            format!(r"^\s*export\s+(?:default\s+)?(?:abstract\s+)?class\s+{ID}"),
            "class",
        ),
        // A method in a class or an object literal: `name(args) {`, `async name(`, `static name<T>(`.
        (
            format!(
                r"^\s+(?:(?:public|private|protected|static|async|override|readonly|get|set)\s+)*\*?{ID}\s*(?:<[^>]*>)?\s*\([^;]*(?:\{{\s*$|\)\s*(?::\s*[^=;{{]+)?\{{|,\s*$|\(\s*$)"
            ),
            "method",
        ),
        // A property holding a function: `name: (x) =>`, `name: async function`, `name: fn`.
        (
            format!(
                r"^\s+{ID}\s*:\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::\s*[^=]+)?=>|[A-Za-z_$][A-Za-z0-9_$]*\s*=>)"
            ),
            "property",
        ),
        (
            format!(
                r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+{ID}"
            ),
            "function",
        ),
        (format!(r"^\s*(?:async\s+)?def\s+{ID}\s*\("), "function"),
    ];
    let list: Vec<(Regex, &'static str)> = table
        .into_iter()
        .filter_map(|(p, k)| Regex::new(&p).ok().map(|r| (r, k)))
        .collect();
    // Without the set (it cannot fail to build from regexes that compiled, but if it did), every
    // line is searched as before.
    let any = regex::RegexSet::new(list.iter().map(|(r, _)| r.as_str())).ok();
    Patterns { list, any }
}

/// Words a method pattern must not take for a name (control flow that looks like a call).
const KEYWORDS: &[&str] = &[
    "if",
    "for",
    "while",
    "switch",
    "catch",
    "return",
    "function",
    "await",
    "typeof",
    "new",
    "else",
    "do",
    "try",
    "with",
    "super",
    "constructor",
];

impl Definitions {
    /// Indexes the definitions in `sources` (path → text).
    pub fn index<'a>(sources: impl IntoIterator<Item = (&'a str, &'a str)>) -> Definitions {
        let patterns = patterns();
        let mut by_name: BTreeMap<String, Vec<Definition>> = BTreeMap::new();
        for (path, text) in sources {
            for (i, line) in text.lines().enumerate() {
                let t = line.trim_start();
                if t.starts_with("//")
                    || t.starts_with('*')
                    || t.starts_with("/*")
                    || t.starts_with('#')
                {
                    continue;
                }
                // The set holds exactly the patterns below (built from the same compiled
                // regexes), so a line it does not match would match none of them.
                if patterns.any.as_ref().is_some_and(|set| !set.is_match(line)) {
                    continue;
                }
                for (re, kind) in &patterns.list {
                    if let Some(c) = re.captures(line) {
                        let Some(name) = c.get(1).map(|m| m.as_str()) else {
                            continue;
                        };
                        if KEYWORDS.contains(&name) {
                            continue;
                        }
                        by_name
                            .entry(name.to_string())
                            .or_default()
                            .push(Definition {
                                path: path.to_string(),
                                line: i + 1,
                                kind,
                            });
                        break;
                    }
                }
            }
        }
        for list in by_name.values_mut() {
            list.sort();
            list.dedup();
        }
        Definitions { by_name }
    }

    /// The definitions of `name`, the one nearest `near` (the sequence file: the longest shared
    /// directory prefix, then exports before methods and properties, then path order) first.
    pub fn find(&self, name: &str, near: &str) -> Vec<Definition> {
        let mut list = self.by_name.get(name).cloned().unwrap_or_default();
        // Nearest first; among equally near, an export before a method or property.
        let rank = |k: &str| match k {
            "function" | "const" | "class" => 0,
            _ => 1,
        };
        list.sort_by_key(|d| {
            (
                std::cmp::Reverse(shared_dirs(&d.path, near)),
                rank(d.kind),
                d.path.clone(),
                d.line,
            )
        });
        list
    }
}

fn shared_dirs(a: &str, b: &str) -> usize {
    let a: Vec<&str> = a.split('/').collect();
    let b: Vec<&str> = b.split('/').collect();
    a.iter()
        .take(a.len().saturating_sub(1))
        .zip(b.iter().take(b.len().saturating_sub(1)))
        .take_while(|(x, y)| x == y)
        .count()
}

/// The repository path a declared `testFile` stands for: `\` → `/`, the first matching
/// rewrite applied, `./` and `../` resolved against the sequence file's directory.
pub fn rewrite_test_path(
    declared: &str,
    sequence_path: &str,
    rewrites: &[(String, String)],
) -> String {
    let mut p = declared.trim().replace('\\', "/");
    for (from, to) in rewrites {
        if let Some(rest) = p.strip_prefix(from.as_str()) {
            p = format!("{to}{rest}");
            break;
        }
    }
    let relative = p.starts_with("./") || p.starts_with("../");
    let mut parts: Vec<&str> = if relative {
        sequence_path.split('/').collect::<Vec<_>>()
    } else {
        Vec::new()
    };
    if relative {
        parts.pop();
    }
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Whether `text` names `name` as a whole identifier.
pub fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// Whether two paths name the same file, one possibly relative to a package or absolute: equal,
/// or one ends with the other at a `/`. Returns the length matched (longer is better).
pub fn path_match(repo_path: &str, reported: &str) -> Option<usize> {
    let r = reported.trim_start_matches("./");
    if repo_path == r {
        return Some(r.len() + 1);
    }
    let suffix = |long: &str, short: &str| {
        long.len() > short.len()
            && long.ends_with(short)
            && long.as_bytes()[long.len() - short.len() - 1] == b'/'
    };
    if suffix(r, repo_path) {
        return Some(repo_path.len());
    }
    if suffix(repo_path, r) && r.contains('/') {
        return Some(r.len());
    }
    None
}

/// What the snapshot and the reports say, gathered by the command.
pub struct Inputs<'a> {
    pub beats: &'a [Beat],
    pub definitions: &'a Definitions,
    /// Every path in the snapshot.
    pub present: &'a BTreeSet<String>,
    /// The text of the resolved test files that were read.
    pub tests: &'a BTreeMap<String, String>,
    /// `None` when no coverage report was given.
    pub coverage: Option<&'a [CoveredFile]>,
    /// `None` when no JUnit report was given.
    pub junit: Option<&'a [TestCase]>,
}

/// Where a beat's handler is defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located {
    pub path: String,
    pub line: usize,
    pub kind: &'static str,
    /// How many definitions of the name the source roots hold (the nearest is shown).
    pub candidates: usize,
}

/// A beat's declared test file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestFile {
    pub declared: Option<String>,
    /// The repository path it resolved to; `None` when undeclared or not in the snapshot.
    pub resolved: Option<String>,
    /// Whether the resolved file names the handler; `None` when not resolved.
    pub mentions: Option<bool>,
}

/// What the coverage reports measured for one handler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandlerCoverage {
    /// Whether the definition's file is in a report at all.
    pub measured: bool,
    pub covered: bool,
    /// The function's hit count, when the report lists it.
    pub hits: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

/// What the JUnit reports say about a handler's tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HandlerTests {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
}

/// One row of the `handlers` report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BeatRow {
    pub sequence: String,
    pub path: String,
    pub movement: String,
    pub beat: usize,
    pub handler: String,
    pub definition: Option<Located>,
    #[serde(rename = "testFile")]
    pub test_file: TestFile,
    /// `null` when no coverage report was given, or the handler is not defined.
    pub coverage: Option<HandlerCoverage>,
    /// `null` when no JUnit report was given.
    pub tests: Option<HandlerTests>,
}

/// The totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub beats: usize,
    /// Distinct handlers (by definition, or by name when undefined).
    pub handlers: usize,
    pub defined: usize,
    #[serde(rename = "withTestFile")]
    pub with_test_file: usize,
    #[serde(rename = "testFileResolved")]
    pub test_file_resolved: usize,
    #[serde(rename = "testFileMentions")]
    pub test_file_mentions: usize,
    /// Present when a coverage report was given: covered handlers over defined handlers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageSummary>,
    /// Present when a JUnit report was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests: Option<TestsSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageSummary {
    pub measured: usize,
    pub covered: usize,
    pub total: usize,
    pub ratio: f64,
    pub target: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestsSummary {
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
    /// Test cases linked to at least one handler.
    pub linked: usize,
}

/// The analysis: rows, totals and findings (at default severities; the command settles them).
pub struct Analysis {
    pub rows: Vec<BeatRow>,
    pub summary: Summary,
    pub findings: Vec<Finding>,
}

fn locate(f: Finding, at: &(Pointer, usize, usize)) -> Finding {
    let mut f = f;
    f.pointer = at.0.clone();
    f.line = at.1;
    f.column = at.2;
    f
}

/// The package a test file lies in: the path up to `__tests__/`, `tests/` or `test/`, else
/// its directory (with a trailing `/`).
fn package_of(path: &str) -> String {
    for marker in ["/__tests__/", "/tests/", "/test/"] {
        if let Some(i) = path.find(marker) {
            return path[..=i].to_string();
        }
    }
    crate::core::config::dir_of(path).to_string()
}

/// Where each test case's file lies in the snapshot: the packages of the snapshot files its
/// (often package-relative) path matches; `None` when it names no file or matches none.
fn case_packages(cases: &[TestCase], present: &BTreeSet<String>) -> Vec<Option<Vec<String>>> {
    cases
        .iter()
        .map(|c| {
            let file = c.file.as_deref()?;
            let found: BTreeSet<String> = present
                .iter()
                .filter(|p| path_match(p, file).is_some())
                .map(|p| package_of(p))
                .collect();
            (!found.is_empty()).then(|| found.into_iter().collect())
        })
        .collect()
}

/// Whether a test case belongs to a beat's handler: its file is the handler's resolved test
/// file; or its name (or suite) names the handler and — when the case's file is known in the
/// snapshot — that file lies in the package of the beat's sequence or of the handler's
/// definition (so a `notifyUi` test of one plugin is not credited to another's `notifyUi`).
fn linked(
    case: &TestCase,
    packages: Option<&Vec<String>>,
    beat: &Beat,
    definition: Option<&str>,
    test_file: Option<&str>,
) -> bool {
    let by_file = match (test_file, case.file.as_deref()) {
        (Some(t), Some(f)) => path_match(t, f).is_some(),
        _ => false,
    };
    if by_file {
        return true;
    }
    let named = mentions(&case.name, &beat.name) || mentions(&case.suite, &beat.name);
    named
        && packages.is_none_or(|list| {
            list.iter().any(|p| {
                beat.path.starts_with(p.as_str())
                    || definition.is_some_and(|d| d.starts_with(p.as_str()))
            })
        })
}

/// Runs the handler flow over gathered inputs.
pub fn analyze(config: &Handlers, inputs: &Inputs<'_>) -> Analysis {
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    // Distinct handlers: (definition path and line) or the name when undefined.
    let mut handlers: BTreeMap<String, Option<bool>> = BTreeMap::new();
    let mut linked_cases: BTreeSet<usize> = BTreeSet::new();
    let mut measured_handlers = BTreeSet::new();
    let packages = inputs
        .junit
        .map(|cases| case_packages(cases, inputs.present))
        .unwrap_or_default();
    for b in inputs.beats {
        let defs = inputs.definitions.find(&b.name, &b.path);
        let definition = defs.first().map(|d| Located {
            path: d.path.clone(),
            line: d.line,
            kind: d.kind,
            candidates: defs.len(),
        });
        let label = format!(
            "beat {} of movement {} in {}",
            b.beat, b.movement, b.sequence
        );
        if definition.is_none() {
            findings.push(locate(
                Finding::new(
                    RuleId::HandlerUndefined,
                    &b.path,
                    format!("handler `{}` of {label} is defined nowhere in the source roots", b.handler),
                    format!(
                        "define and export `{}` under [handlers] sources ({}), or fix the handler's name",
                        b.name,
                        config.sources.join(", ")
                    ),
                ),
                &b.handler_at,
            ));
        }
        let resolved = b
            .test_file
            .as_deref()
            .map(|d| rewrite_test_path(d, &b.path, &config.rewrites));
        let resolved_present = resolved.clone().filter(|r| inputs.present.contains(r));
        let mention = resolved_present
            .as_ref()
            .map(|r| inputs.tests.get(r).is_some_and(|t| mentions(t, &b.name)));
        match (&b.test_file, &resolved, &resolved_present, mention) {
            (None, _, _, _) => findings.push(locate(
                Finding::new(
                    RuleId::HandlerTestMissing,
                    &b.path,
                    format!("handler `{}` of {label} declares no testFile", b.handler),
                    "add \"testFile\" to the beat naming its test (`git audit handlers scaffold` writes a stub)".into(),
                ),
                &b.handler_at,
            )),
            (Some(declared), Some(r), None, _) => findings.push(locate(
                Finding::new(
                    RuleId::HandlerTestPath,
                    &b.path,
                    if declared == r {
                        format!("testFile {declared:?} of handler `{}` is not in the snapshot", b.handler)
                    } else {
                        format!(
                            "testFile {declared:?} of handler `{}` (read as {r}) is not in the snapshot",
                            b.handler
                        )
                    },
                    "fix the path, commit the test, or map the declared prefix with [[handlers.rewrite]] in audit.toml".into(),
                ),
                b.test_at.as_ref().unwrap_or(&b.handler_at),
            )),
            (Some(_), Some(r), Some(_), Some(false)) => findings.push(locate(
                Finding::new(
                    RuleId::HandlerTestUnrelated,
                    &b.path,
                    format!("testFile {r} never names handler `{}`", b.name),
                    "point testFile at the test that exercises this handler, or test it there".into(),
                ),
                b.test_at.as_ref().unwrap_or(&b.handler_at),
            )),
            _ => {}
        }
        let coverage = match (inputs.coverage, &definition) {
            (Some(files), Some(d)) => {
                let c = coverage_of(files, d, &b.name);
                if c.measured {
                    measured_handlers.insert(format!("{}:{}", d.path, d.line));
                }
                Some(c)
            }
            _ => None,
        };
        let key = match &definition {
            Some(d) => format!("{}:{}", d.path, d.line),
            None => format!("?{}", b.name),
        };
        let covered = coverage.as_ref().map(|c| c.covered);
        let slot = handlers.entry(key).or_insert(None);
        if definition.is_some() {
            *slot = Some(slot.unwrap_or(false) || covered.unwrap_or(false));
        }
        let tests = inputs.junit.map(|cases| {
            let mut t = HandlerTests::default();
            for (i, c) in cases.iter().enumerate() {
                let def = definition.as_ref().map(|d| d.path.as_str());
                if linked(
                    c,
                    packages.get(i).and_then(Option::as_ref),
                    b,
                    def,
                    resolved_present.as_deref(),
                ) {
                    linked_cases.insert(i);
                    match c.outcome {
                        Outcome::Passed => t.passed += 1,
                        Outcome::Failed => t.failed += 1,
                        Outcome::Error => t.errors += 1,
                        Outcome::Skipped => t.skipped += 1,
                    }
                }
            }
            t
        });
        rows.push(BeatRow {
            sequence: b.sequence.clone(),
            path: b.path.clone(),
            movement: b.movement.clone(),
            beat: b.beat,
            handler: b.handler.clone(),
            definition,
            test_file: TestFile {
                declared: b.test_file.clone(),
                resolved: resolved_present,
                mentions: mention,
            },
            coverage,
            tests,
        });
    }
    let defined: Vec<bool> = handlers.values().filter_map(|c| *c).collect();
    let coverage = inputs.coverage.map(|_| {
        let total = defined.len();
        let covered = defined.iter().filter(|c| **c).count();
        CoverageSummary {
            measured: measured_handlers.len(),
            covered,
            total,
            ratio: if total == 0 {
                1.0
            } else {
                covered as f64 / total as f64
            },
            target: config.coverage_target,
        }
    });
    if let Some(c) = &coverage {
        if c.ratio < config.coverage_target {
            let report = inputs
                .coverage
                .and_then(|files| files.first())
                .map(|f| f.report.clone())
                .unwrap_or_default();
            findings.push(Finding::new(
                RuleId::HandlerCoverage,
                &report,
                format!(
                    "{} of {} handlers are covered ({:.1}%), below the target of {:.1}% ({} not in any report)",
                    c.covered,
                    c.total,
                    c.ratio * 100.0,
                    c.target * 100.0,
                    c.total - c.measured
                ),
                "test the uncovered handlers (`git audit handlers --format json` lists them), or pass the reports of every package".into(),
            ));
        }
    }
    let tests = inputs.junit.map(|cases| {
        let count = |o: Outcome| cases.iter().filter(|c| c.outcome == o).count();
        for (i, c) in cases.iter().enumerate() {
            if !matches!(c.outcome, Outcome::Failed | Outcome::Error) {
                continue;
            }
            let is_linked = linked_cases.contains(&i);
            if !is_linked && config.failing_tests == FailingTests::Linked {
                continue;
            }
            let what = if c.outcome == Outcome::Error {
                "errored"
            } else {
                "failed"
            };
            findings.push(Finding::new(
                RuleId::TestsFailing,
                &c.report,
                format!(
                    "test {:?}{} {what}{}{}",
                    c.name,
                    c.file
                        .as_ref()
                        .map(|f| format!(" ({f})"))
                        .unwrap_or_default(),
                    if is_linked {
                        ""
                    } else {
                        " (linked to no handler)"
                    },
                    c.message
                        .as_ref()
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default()
                ),
                "fix the handler or its test; the gate needs handler tests passing".into(),
            ));
        }
        TestsSummary {
            total: cases.len(),
            passed: count(Outcome::Passed),
            failed: count(Outcome::Failed),
            errors: count(Outcome::Error),
            skipped: count(Outcome::Skipped),
            linked: linked_cases.len(),
        }
    });
    let summary = Summary {
        beats: rows.len(),
        handlers: handlers.len(),
        defined: defined.len(),
        with_test_file: rows
            .iter()
            .filter(|r| r.test_file.declared.is_some())
            .count(),
        test_file_resolved: rows
            .iter()
            .filter(|r| r.test_file.resolved.is_some())
            .count(),
        test_file_mentions: rows
            .iter()
            .filter(|r| r.test_file.mentions == Some(true))
            .count(),
        coverage,
        tests,
    };
    Analysis {
        rows,
        summary,
        findings,
    }
}

/// The coverage of one defined handler: the report file that is its definition's file (the
/// longest path match), then the function by name or first line; a report listing no
/// functions for the file falls back to the hits of the first line after the definition.
fn coverage_of(files: &[CoveredFile], d: &Located, name: &str) -> HandlerCoverage {
    let mut best: Vec<(usize, &CoveredFile)> = files
        .iter()
        .filter_map(|f| path_match(&d.path, &f.path).map(|n| (n, f)))
        .collect();
    let Some(top) = best.iter().map(|(n, _)| *n).max() else {
        return HandlerCoverage {
            measured: false,
            covered: false,
            hits: None,
            report: None,
        };
    };
    best.retain(|(n, _)| *n == top);
    let mut hits: Option<u64> = None;
    let mut report = None;
    for (_, f) in &best {
        let line = d.line as u32;
        let by_name = f
            .functions
            .iter()
            .filter(|x| x.name == name || x.name.rsplit(['.', ':', '#']).next() == Some(name));
        let by_line = f.functions.iter().filter(|x| x.line == Some(line));
        let found: Vec<u64> = by_name.chain(by_line).map(|x| x.hits).collect();
        let h = if let Some(max) = found.iter().max() {
            Some(*max)
        } else if f.functions.is_empty() {
            f.lines.range(line + 1..).next().map(|(_, h)| *h)
        } else {
            None
        };
        if let Some(h) = h {
            hits = Some(hits.unwrap_or(0).max(h));
            report.get_or_insert_with(|| f.report.clone());
        }
    }
    HandlerCoverage {
        measured: true,
        covered: hits.is_some_and(|h| h > 0),
        hits,
        report: report.or_else(|| best.first().map(|(_, f)| f.report.clone())),
    }
}

#[cfg(test)]
mod tests;

/// A sequence file the flow could not read (invalid JSON: `check` reports it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unread {
    pub path: String,
    pub message: String,
}

/// What `git audit handlers` reports; its `Serialize` is the `--format json` contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HandlersReport {
    pub version: u32,
    /// The snapshot read: `index`, a revision, or `worktree`.
    pub snapshot: String,
    pub beats: Vec<BeatRow>,
    pub summary: Summary,
    /// Settled findings (severities, waivers, baseline applied), sorted.
    pub findings: Vec<Finding>,
    /// Governed sequence files that were not parsed.
    pub unread: Vec<Unread>,
    /// The reports read, as named on the command line.
    pub reports: Vec<String>,
    /// No finding blocks.
    pub ok: bool,
}

/// What `git audit handlers scaffold` did or would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScaffoldReport {
    pub version: u32,
    pub template: String,
    pub stubs: Vec<scaffold::Stub>,
    /// Whether the stubs were written (`--write`) or only listed.
    pub written: bool,
}
