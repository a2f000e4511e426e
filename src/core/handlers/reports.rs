//! Coverage and test reports as CI writes them: LCOV (`lcov` crate), Cobertura XML and JUnit
//! XML (`quick-xml`), parsed from their text into small owned models. Pure: the command reads
//! the files named on the command line and hands their text here.

use std::collections::BTreeMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde::Serialize;

/// Why a report could not be read: which report, where, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportError {
    /// The report as named on the command line.
    pub report: String,
    /// 1-based line, when the parser gave a position.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.report, self.message),
            None => write!(f, "{}: {}", self.report, self.message),
        }
    }
}

/// One function a coverage report lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    /// 1-based first line, when the report gives one.
    pub line: Option<u32>,
    pub hits: u64,
}

/// One source file of a coverage report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoveredFile {
    /// The report it came from, as named on the command line.
    pub report: String,
    /// The source path as the report spells it (`\` turned to `/`), absolute or relative.
    pub path: String,
    pub functions: Vec<Function>,
    /// Line number → hits.
    pub lines: BTreeMap<u32, u64>,
}

/// LCOV record kinds newer tools write that the `lcov` crate does not know and that carry
/// nothing git-audit uses (lcov 2's version tag, function end lines and aliases, MC/DC).
const IGNORED_LCOV: &[&str] = &["VER:", "FNL:", "FNA:", "MCDC:"];

/// Parses an LCOV tracefile (`SF`, `FN`, `FNDA`, `DA`, `end_of_record`, …).
pub fn parse_lcov(report: &str, text: &str) -> Result<Vec<CoveredFile>, ReportError> {
    use lcov::Record;
    let err = |line: Option<usize>, message: String| ReportError {
        report: report.to_string(),
        line,
        message,
    };
    let mut out = Vec::new();
    let mut current: Option<CoveredFile> = None;
    let mut hits: BTreeMap<String, u64> = BTreeMap::new();
    let mut seen_record = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || IGNORED_LCOV.iter().any(|p| line.starts_with(p)) {
            continue;
        }
        let record: Record = line.parse().map_err(|e| {
            err(
                Some(i + 1),
                format!("not an LCOV record ({e}): {:?}", clip(line)),
            )
        })?;
        seen_record = true;
        match record {
            Record::SourceFile { path } => {
                if current.is_some() {
                    return Err(err(
                        Some(i + 1),
                        "SF before the previous file's end_of_record".into(),
                    ));
                }
                current = Some(CoveredFile {
                    report: report.to_string(),
                    path: path.to_string_lossy().replace('\\', "/"),
                    functions: Vec::new(),
                    lines: BTreeMap::new(),
                });
            }
            Record::EndOfRecord => {
                let Some(mut file) = current.take() else {
                    return Err(err(Some(i + 1), "end_of_record without an SF".into()));
                };
                for f in &mut file.functions {
                    f.hits = hits.get(&f.name).copied().unwrap_or(0);
                }
                hits.clear();
                out.push(file);
            }
            other => {
                let Some(file) = current.as_mut() else {
                    if matches!(other, Record::TestName { .. }) {
                        continue;
                    }
                    return Err(err(
                        Some(i + 1),
                        format!("{:?} outside an SF … end_of_record block", clip(line)),
                    ));
                };
                match other {
                    Record::FunctionName { name, start_line } => file.functions.push(Function {
                        name,
                        line: Some(start_line),
                        hits: 0,
                    }),
                    Record::FunctionData { name, count } => {
                        *hits.entry(name).or_insert(0) += count;
                    }
                    Record::LineData { line, count, .. } => {
                        *file.lines.entry(line).or_insert(0) += count;
                    }
                    _ => {}
                }
            }
        }
    }
    if current.is_some() {
        return Err(err(
            None,
            "the last SF has no end_of_record (truncated?)".into(),
        ));
    }
    if !seen_record {
        return Err(err(None, "empty: no LCOV records".into()));
    }
    Ok(out)
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

/// An XML element's attributes by local name.
fn attributes(e: &BytesStart<'_>) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?;
        out.insert(key, value.into_owned());
    }
    Ok(out)
}

/// One XML event reduced to what the report parsers need.
enum Xml {
    Open(String, BTreeMap<String, String>),
    /// An element without content (`<a/>`): opened and closed.
    Empty(String, BTreeMap<String, String>),
    Close(String),
    /// Character data (checked for placement; its content is not used).
    Text,
}

/// Walks an XML document, calling `visit` per element event; errors carry the line.
fn walk(
    report: &str,
    text: &str,
    mut visit: impl FnMut(Xml) -> Result<(), String>,
) -> Result<(), ReportError> {
    let mut reader = Reader::from_str(text);
    let mut depth = 0usize;
    let mut seen_root = false;
    let line_of = |pos: u64| {
        let pos = (pos as usize).min(text.len());
        text.as_bytes()[..pos]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    };
    loop {
        let event = reader.read_event().map_err(|e| ReportError {
            report: report.to_string(),
            line: Some(line_of(reader.error_position())),
            message: format!("not well-formed XML: {e}"),
        })?;
        let at = reader.buffer_position();
        let fail = |message: String| ReportError {
            report: report.to_string(),
            line: Some(line_of(at)),
            message,
        };
        let name =
            |e: &BytesStart<'_>| String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        match event {
            Event::Start(e) => {
                depth += 1;
                seen_root = true;
                let attrs = attributes(&e).map_err(&fail)?;
                visit(Xml::Open(name(&e), attrs)).map_err(&fail)?;
            }
            Event::Empty(e) => {
                seen_root = true;
                let attrs = attributes(&e).map_err(&fail)?;
                visit(Xml::Empty(name(&e), attrs)).map_err(&fail)?;
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                let n = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                visit(Xml::Close(n)).map_err(&fail)?;
            }
            Event::Text(t) => {
                let s = String::from_utf8_lossy(t.as_ref()).into_owned();
                if !s.trim().is_empty() {
                    if !seen_root || depth == 0 {
                        return Err(fail(format!(
                            "text outside the root element: {:?}",
                            clip(s.trim())
                        )));
                    }
                    visit(Xml::Text).map_err(&fail)?;
                }
            }
            Event::CData(_) => visit(Xml::Text).map_err(&fail)?,
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err(ReportError {
            report: report.to_string(),
            line: None,
            message: "the XML ends before its elements are closed (truncated?)".into(),
        });
    }
    if !seen_root {
        return Err(ReportError {
            report: report.to_string(),
            line: None,
            message: "empty: no XML element".into(),
        });
    }
    Ok(())
}

/// Parses a Cobertura XML report (`<class filename>` with `<method>`s and `<line>`s), as
/// pytest-cov, c8/istanbul and cargo-llvm-cov write it.
pub fn parse_cobertura(report: &str, text: &str) -> Result<Vec<CoveredFile>, ReportError> {
    let mut files: Vec<CoveredFile> = Vec::new();
    let mut root: Option<String> = None;
    let mut in_class = false;
    let mut method: Option<Function> = None;
    walk(report, text, |event| {
        let (name, attrs, closes) = match event {
            Xml::Open(n, a) => (n, a, false),
            Xml::Empty(n, a) => (n, a, true),
            Xml::Close(n) => {
                match n.as_str() {
                    "class" => in_class = false,
                    "method" => {
                        if let (Some(m), Some(f)) = (method.take(), files.last_mut()) {
                            f.functions.push(m);
                        }
                    }
                    _ => {}
                }
                return Ok(());
            }
            Xml::Text => return Ok(()),
        };
        if root.is_none() {
            if name != "coverage" {
                return Err(format!(
                    "the root element is <{name}>, not Cobertura's <coverage>"
                ));
            }
            root = Some(name);
            return Ok(());
        }
        match name.as_str() {
            "class" => {
                let Some(file) = attrs.get("filename") else {
                    return Err("<class> without a filename".into());
                };
                files.push(CoveredFile {
                    report: report.to_string(),
                    path: file.replace('\\', "/"),
                    functions: Vec::new(),
                    lines: BTreeMap::new(),
                });
                in_class = !closes;
            }
            "method" if in_class => {
                let m = Function {
                    name: attrs.get("name").cloned().unwrap_or_default(),
                    line: None,
                    hits: 0,
                };
                if closes {
                    if let Some(f) = files.last_mut() {
                        f.functions.push(m);
                    }
                } else {
                    method = Some(m);
                }
            }
            "line" if in_class => {
                let number: u32 = attrs
                    .get("number")
                    .and_then(|n| n.parse().ok())
                    .ok_or("<line> without a numeric number")?;
                let hits: u64 = attrs
                    .get("hits")
                    .and_then(|n| n.parse().ok())
                    .ok_or("<line> without numeric hits")?;
                match method.as_mut() {
                    Some(m) => {
                        m.line = Some(m.line.map_or(number, |l| l.min(number)));
                        m.hits = m.hits.max(hits);
                    }
                    None => {
                        if let Some(f) = files.last_mut() {
                            *f.lines.entry(number).or_insert(0) += hits;
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    if root.is_none() {
        return Err(ReportError {
            report: report.to_string(),
            line: None,
            message: "no <coverage> element".into(),
        });
    }
    Ok(files)
}

/// How one test case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Skipped,
    Failed,
    Error,
}

/// One `<testcase>` of a JUnit report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestCase {
    /// The report it came from, as named on the command line.
    pub report: String,
    /// The enclosing `<testsuite name>`.
    pub suite: String,
    pub classname: String,
    pub name: String,
    /// The test's file: the `file` attribute, else a suite or class name that looks like a path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub outcome: Outcome,
    /// The failure or error message, first line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

fn looks_like_path(s: &str) -> bool {
    let s = s.replace('\\', "/");
    s.contains('/')
        && [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".py", ".rs"]
            .iter()
            .any(|e| s.ends_with(e))
}

/// Parses a JUnit XML report (`<testsuites>`/`<testsuite>`/`<testcase>` with `<failure>`,
/// `<error>`, `<skipped>`), as jest-junit, vitest, pytest, node's test runner and cargo-nextest
/// write it.
pub fn parse_junit(report: &str, text: &str) -> Result<Vec<TestCase>, ReportError> {
    let mut out: Vec<TestCase> = Vec::new();
    let mut suites: Vec<(String, Option<String>)> = Vec::new();
    let mut case: Option<TestCase> = None;
    let mut root = false;
    walk(report, text, |event| {
        let (name, attrs, closes) = match event {
            Xml::Open(n, a) => (n, a, false),
            Xml::Empty(n, a) => (n, a, true),
            Xml::Close(n) => {
                match n.as_str() {
                    "testsuite" => {
                        suites.pop();
                    }
                    "testcase" => {
                        if let Some(c) = case.take() {
                            out.push(c);
                        }
                    }
                    _ => {}
                }
                return Ok(());
            }
            Xml::Text => return Ok(()),
        };
        if !root {
            if name != "testsuites" && name != "testsuite" {
                return Err(format!(
                    "the root element is <{name}>, not JUnit's <testsuites> or <testsuite>"
                ));
            }
            root = true;
        }
        match name.as_str() {
            "testsuite" => {
                let suite = attrs.get("name").cloned().unwrap_or_default();
                let file = attrs
                    .get("file")
                    .cloned()
                    .or_else(|| Some(suite.clone()).filter(|s| looks_like_path(s)));
                if !closes {
                    suites.push((suite, file));
                }
            }
            "testcase" => {
                let classname = attrs.get("classname").cloned().unwrap_or_default();
                let (suite, suite_file) = suites.last().cloned().unwrap_or_default();
                let file = attrs
                    .get("file")
                    .cloned()
                    .or_else(|| Some(classname.clone()).filter(|s| looks_like_path(s)))
                    .or(suite_file)
                    .map(|f| f.replace('\\', "/"));
                let c = TestCase {
                    report: report.to_string(),
                    suite,
                    classname,
                    name: attrs.get("name").cloned().unwrap_or_default(),
                    file,
                    outcome: Outcome::Passed,
                    message: None,
                };
                if closes {
                    out.push(c);
                } else {
                    case = Some(c);
                }
            }
            "failure" | "error" | "skipped" => {
                if let Some(c) = case.as_mut() {
                    let outcome = match name.as_str() {
                        "failure" => Outcome::Failed,
                        "error" => Outcome::Error,
                        _ => Outcome::Skipped,
                    };
                    if outcome > c.outcome {
                        c.outcome = outcome;
                        c.message = attrs
                            .get("message")
                            .or_else(|| attrs.get("type"))
                            .map(|m| m.lines().next().unwrap_or("").to_string());
                    }
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcov_functions_take_their_fnda_hits() {
        let text = "TN:\nSF:src/cart.js\nFN:1,addItem\nFN:11,clearCart\nFNDA:1,addItem\nFNDA:0,clearCart\nFNF:2\nFNH:1\nDA:1,1\nDA:12,0\nLH:1\nLF:2\nend_of_record\n";
        let files = parse_lcov("l.info", text).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "src/cart.js");
        assert_eq!(
            files[0].functions,
            vec![
                Function {
                    name: "addItem".into(),
                    line: Some(1),
                    hits: 1
                },
                Function {
                    name: "clearCart".into(),
                    line: Some(11),
                    hits: 0
                },
            ]
        );
        assert_eq!(files[0].lines.get(&12), Some(&0));
    }

    #[test]
    fn malformed_lcov_says_where() {
        let e = parse_lcov("l.info", "SF:a.js\nFN:one,x\nend_of_record\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        let e = parse_lcov("l.info", "SF:a.js\nDA:1,1\n").unwrap_err();
        assert!(e.message.contains("end_of_record"), "{e}");
        let e = parse_lcov("l.info", "<html>oops</html>\n").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        assert!(parse_lcov("l.info", "").is_err());
        // lcov 2 records the crate does not know are skipped, not refused.
        assert!(parse_lcov("l.info", "VER:2\nSF:a.js\nFNL:0,1,3\nend_of_record\n").is_ok());
    }

    #[test]
    fn junit_outcomes_and_files() {
        let text = r#"<?xml version="1.0"?>
<testsuites>
  <testsuite name="__tests__/a.spec.ts" tests="3">
    <testcase classname="__tests__/a.spec.ts" name="addClass works"/>
    <testcase classname="__tests__/a.spec.ts" name="removeClass &gt; fails"><failure message="expected 1&#10;got 2">trace</failure></testcase>
    <testcase classname="x" name="skipped one" file="src/b.test.js"><skipped/></testcase>
  </testsuite>
</testsuites>"#;
        let cases = parse_junit("j.xml", text).unwrap();
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].outcome, Outcome::Passed);
        assert_eq!(cases[0].file.as_deref(), Some("__tests__/a.spec.ts"));
        assert_eq!(cases[1].outcome, Outcome::Failed);
        assert_eq!(cases[1].name, "removeClass > fails");
        assert_eq!(cases[1].message.as_deref(), Some("expected 1"));
        assert_eq!(cases[2].outcome, Outcome::Skipped);
        assert_eq!(cases[2].file.as_deref(), Some("src/b.test.js"));
    }

    #[test]
    fn malformed_junit_says_where() {
        let e = parse_junit(
            "j.xml",
            "<testsuites>\n<testcase name=\"a\">\n</testsuites>",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = parse_junit("j.xml", "<testsuites><testcase name=\"a\">").unwrap_err();
        assert!(e.message.contains("truncated"), "{e}");
        let e = parse_junit("j.xml", "<coverage/>").unwrap_err();
        assert!(e.message.contains("not JUnit"), "{e}");
        assert!(parse_junit("j.xml", "").is_err());
        assert!(parse_junit("j.xml", "TN:\nSF:a\n").is_err());
    }

    #[test]
    fn cobertura_methods_and_lines() {
        let text = r#"<?xml version="1.0" ?>
<coverage line-rate="0.5"><packages><package name="src"><classes>
<class name="cart.js" filename="src/cart.js"><methods>
<method name="addItem" hits="1" signature="()V"><lines><line number="1" hits="1"/></lines></method>
<method name="clearCart" hits="0" signature="()V"><lines><line number="11" hits="0"/></lines></method>
</methods><lines><line number="1" hits="1"/><line number="12" hits="0"/></lines></class>
</classes></package></packages></coverage>"#;
        let files = parse_cobertura("c.xml", text).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].functions.len(), 2);
        assert_eq!(files[0].functions[0].hits, 1);
        assert_eq!(files[0].functions[1].line, Some(11));
        assert_eq!(files[0].functions[1].hits, 0);
        assert!(parse_cobertura("c.xml", "<testsuites/>").is_err());
    }
}
