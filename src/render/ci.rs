//! Findings for CI systems: SARIF 2.1.0, GitHub Actions workflow commands (with a Markdown step
//! summary) and JUnit XML. Every renderer writes to any `io::Write` and is deterministic.

use std::io::Write;

use serde_json::{json, Value};

use super::write_error;
use crate::core::finding::Finding;
use crate::core::report::CheckReport;
use crate::core::rules::{Severity, RULES};
use crate::error::Result;

/// Where git-audit's documentation lives.
pub const INFORMATION_URI: &str = "https://github.com/git-audit/git-audit";

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF 2.1.0: every catalogue rule in the driver (stable `ruleIndex`), each finding a result
/// with its region, a `partialFingerprints` entry, and suppressed findings kept with their
/// `suppressions`.
pub fn sarif_value(report: &CheckReport) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.description },
                "fullDescription": { "text": r.rationale },
                "help": {
                    "text": format!("{}\n\nExample: {}\n\nRun `git audit explain {}`.", r.rationale, r.example, r.id)
                },
                "helpUri": format!("{INFORMATION_URI}#rules"),
                "defaultConfiguration": { "level": sarif_level(r.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": f.rule as usize,
                "level": sarif_level(f.severity),
                "message": { "text": format!("{} ({})", f.message, f.hint) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri_reference(&f.path), "uriBaseId": "SRCROOT" },
                        "region": { "startLine": f.line, "startColumn": f.column }
                    },
                    "logicalLocations": [{
                        "fullyQualifiedName": if f.pointer.is_root() { "/".to_string() } else { f.pointer.to_string() },
                        "kind": "member"
                    }]
                }],
                "partialFingerprints": { "gitAudit/v1": f.fingerprint },
            });
            if let Some(commit) = &f.commit {
                result["properties"] = json!({ "commit": commit });
            }
            if let Some(s) = &f.suppressed {
                result["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": match (&s.owner, &s.expires) {
                        (Some(o), Some(e)) => format!("{} ({}: {}, until {})", s.justification, s.kind, o, e),
                        _ => format!("{} ({})", s.justification, s.kind),
                    },
                }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "git-audit",
                    "informationUri": INFORMATION_URI,
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "SRCROOT": { "description": { "text": "The root of the repository." } } },
            "results": results,
        }]
    })
}

/// A repository path as an RFC 3986 relative reference: bytes outside the unreserved and
/// path characters are percent-encoded.
pub fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn sarif(out: &mut dyn Write, report: &CheckReport) -> Result<()> {
    super::json(out, &sarif_value(report))
}

/// GitHub shows at most this many annotations of one level per step; the rest go to the summary.
pub const GITHUB_ANNOTATIONS_PER_LEVEL: usize = 10;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Workflow commands: one annotation per blocking or warning finding, within GitHub's limits.
pub fn github(out: &mut dyn Write, report: &CheckReport) -> Result<()> {
    let mut shown = [0usize; 3];
    let mut hidden = 0usize;
    // The overflow note is a notice too: when anything will be hidden, keep a notice slot for it.
    let per_level = |s: Severity| {
        report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity == s)
            .count()
    };
    let overflow = [Severity::Error, Severity::Warning, Severity::Info]
        .iter()
        .any(|&s| per_level(s) > GITHUB_ANNOTATIONS_PER_LEVEL);
    let limits = [
        GITHUB_ANNOTATIONS_PER_LEVEL,
        GITHUB_ANNOTATIONS_PER_LEVEL,
        GITHUB_ANNOTATIONS_PER_LEVEL - usize::from(overflow),
    ];
    for f in report.findings.iter().filter(|f| f.suppressed.is_none()) {
        let (command, slot) = match f.severity {
            Severity::Error => ("error", 0),
            Severity::Warning => ("warning", 1),
            Severity::Info => ("notice", 2),
        };
        if shown[slot] >= limits[slot] {
            hidden += 1;
            continue;
        }
        shown[slot] += 1;
        writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&f.path),
            f.line,
            f.column,
            escape_property(&format!("git-audit {}", f.rule)),
            escape_data(&format!("{}\n{}", f.message, f.hint))
        )
        .map_err(write_error)?;
    }
    if hidden > 0 {
        writeln!(
            out,
            "::notice title=git-audit::{}",
            escape_data(&format!(
                "{hidden} more finding{} not annotated (GitHub shows {GITHUB_ANNOTATIONS_PER_LEVEL} per level); see the job summary or run `git audit check` locally",
                if hidden == 1 { "" } else { "s" }
            ))
        )
        .map_err(write_error)?;
    }
    let errors = report.findings.iter().filter(|f| f.blocks()).count();
    writeln!(
        out,
        "git-audit: {} blocking, {} in all ({})",
        errors,
        report.findings.len(),
        report.scope
    )
    .map_err(write_error)
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown GitHub shows on the run's summary page.
pub fn step_summary(out: &mut dyn Write, report: &CheckReport) -> Result<()> {
    let blocking = report.findings.iter().filter(|f| f.blocks()).count();
    writeln!(
        out,
        "## git-audit {}\n\n{} finding{} ({} blocking) in {}.\n",
        if report.ok { "✅" } else { "❌" },
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" },
        blocking,
        md(&report.scope)
    )
    .map_err(write_error)?;
    if report.findings.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "| Severity | Rule | Location | Message |\n|---|---|---|---|"
    )
    .map_err(write_error)?;
    for f in &report.findings {
        let severity = match &f.suppressed {
            Some(s) => format!("suppressed ({})", s.kind),
            None => f.severity.as_str().to_string(),
        };
        let commit = f
            .commit
            .as_deref()
            .map(|c| format!(" @{}", c.get(..10).unwrap_or(c)))
            .unwrap_or_default();
        writeln!(
            out,
            "| {severity} | `{}` | `{}:{}:{}`{commit} | {} |",
            f.rule,
            md(&f.path),
            f.line,
            f.column,
            md(&f.message)
        )
        .map_err(write_error)?;
    }
    Ok(())
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn line(f: &Finding) -> String {
    let commit = f
        .commit
        .as_deref()
        .map(|c| format!(" [{}]", c.get(..10).unwrap_or(c)))
        .unwrap_or_default();
    format!("{}:{}:{}{commit}: {}", f.path, f.line, f.column, f.message)
}

/// JUnit XML: one test case per rule; a rule fails when it has a blocking finding.
pub fn junit(out: &mut dyn Write, report: &CheckReport) -> Result<()> {
    let failures = RULES
        .iter()
        .filter(|r| report.findings.iter().any(|f| f.rule == r.id && f.blocks()))
        .count();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>").map_err(write_error)?;
    writeln!(
        out,
        "<testsuites name=\"git-audit\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
        RULES.len()
    )
    .map_err(write_error)?;
    writeln!(
        out,
        "  <testsuite name=\"git-audit\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        RULES.len()
    )
    .map_err(write_error)?;
    for r in RULES {
        let mine: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == r.id).collect();
        let blocking: Vec<&&Finding> = mine.iter().filter(|f| f.blocks()).collect();
        let others: Vec<&&Finding> = mine.iter().filter(|f| !f.blocks()).collect();
        write!(
            out,
            "    <testcase classname=\"git-audit\" name=\"{}\"",
            r.id
        )
        .map_err(write_error)?;
        if blocking.is_empty() && others.is_empty() {
            writeln!(out, "/>").map_err(write_error)?;
            continue;
        }
        writeln!(out, ">").map_err(write_error)?;
        if !blocking.is_empty() {
            let body: Vec<String> = blocking.iter().map(|f| line(f)).collect();
            writeln!(
                out,
                "      <failure type=\"{}\" message=\"{} blocking finding{}\">{}</failure>",
                r.id,
                blocking.len(),
                if blocking.len() == 1 { "" } else { "s" },
                xml(&body.join("\n"))
            )
            .map_err(write_error)?;
        }
        if !others.is_empty() {
            let body: Vec<String> = others
                .iter()
                .map(|f| {
                    let state = match &f.suppressed {
                        Some(s) => format!("suppressed by {}", s.kind),
                        None => f.severity.as_str().to_string(),
                    };
                    format!("{state}: {}", line(f))
                })
                .collect();
            writeln!(
                out,
                "      <system-out>{}</system-out>",
                xml(&body.join("\n"))
            )
            .map_err(write_error)?;
        }
        writeln!(out, "    </testcase>").map_err(write_error)?;
    }
    writeln!(out, "  </testsuite>\n</testsuites>").map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::Pointer;
    use crate::core::rules::RuleId;

    fn report() -> CheckReport {
        let mut a = Finding::new(
            RuleId::LockMismatch,
            "reg, a:b.json",
            "edited\nby hand 100%".into(),
            "re-lock".into(),
        );
        a.pointer = Pointer::parse("/integrity").unwrap();
        a.line = 3;
        a.column = 5;
        a.fingerprint = "0123456789abcdef".into();
        let mut b = Finding::new(
            RuleId::EventName,
            "s.json",
            "bad <name> & \"q\"".into(),
            "rename".into(),
        );
        b.severity = Severity::Warning;
        b.fingerprint = "fedcba9876543210".into();
        let mut c = Finding::new(RuleId::Schema, "s.json", "waived".into(), "h".into());
        c.suppressed = Some(crate::core::finding::Suppression {
            kind: "waiver",
            justification: "known".into(),
            owner: Some("ada".into()),
            expires: Some("2099-01-01".into()),
        });
        let mut r = CheckReport::new();
        r.findings = vec![a, b, c];
        r.ok = false;
        r.scope = "the index against HEAD".into();
        r
    }

    #[test]
    fn sarif_has_rules_results_fingerprints_and_suppressions() {
        let v = sarif_value(&report());
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().unwrap().len(),
            RULES.len()
        );
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        let idx = results[0]["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], "lock-mismatch");
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
        assert_eq!(
            results[0]["partialFingerprints"]["gitAudit/v1"],
            "0123456789abcdef"
        );
        assert_eq!(results[1]["level"], "warning");
        assert_eq!(results[2]["suppressions"][0]["kind"], "external");
        assert!(results[0].get("suppressions").is_none());
    }

    #[test]
    fn github_annotations_escape_and_respect_the_limit() {
        let mut out = Vec::new();
        github(&mut out, &report()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(
            "::error file=reg%2C a%3Ab.json,line=3,col=5,title=git-audit lock-mismatch::edited%0Aby hand 100%25%0Are-lock\n"
        ), "{text}");
        assert!(text.contains("::warning file=s.json"), "{text}");
        assert!(
            !text.contains("waived"),
            "suppressed findings are not annotated: {text}"
        );
        let mut many = CheckReport::new();
        for i in 0..25 {
            many.findings.push(Finding::new(
                RuleId::Schema,
                &format!("f{i}.json"),
                "m".into(),
                "h".into(),
            ));
        }
        let mut out = Vec::new();
        github(&mut out, &many).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text.matches("::error ").count(),
            GITHUB_ANNOTATIONS_PER_LEVEL
        );
        assert!(text.contains("15 more findings not annotated"), "{text}");
    }

    #[test]
    fn notices_stay_within_the_limit_with_the_overflow_note() {
        let mut many = CheckReport::new();
        for i in 0..12 {
            let mut f = Finding::new(
                RuleId::EventName,
                &format!("f{i}.json"),
                "m".into(),
                "h".into(),
            );
            f.severity = Severity::Info;
            many.findings.push(f);
        }
        let mut out = Vec::new();
        github(&mut out, &many).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text.matches("::notice ").count(),
            GITHUB_ANNOTATIONS_PER_LEVEL,
            "{text}"
        );
        assert!(text.contains("3 more findings"), "{text}");
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            uri_reference("json-sequences/my copy.json"),
            "json-sequences/my%20copy.json"
        );
        assert_eq!(uri_reference("a/é#?.json"), "a/%C3%A9%23%3F.json");
        assert_eq!(uri_reference("plain/path-1_2.json"), "plain/path-1_2.json");
    }

    #[test]
    fn step_summary_is_a_table() {
        let mut out = Vec::new();
        step_summary(&mut out, &report()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(
                "| error | `lock-mismatch` | `reg, a:b.json:3:5` | edited by hand 100% |"
            ),
            "{text}"
        );
        assert!(text.contains("suppressed (waiver)"), "{text}");
    }

    #[test]
    fn junit_is_one_case_per_rule_and_escapes() {
        let mut out = Vec::new();
        junit(&mut out, &report()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(&format!("tests=\"{}\" failures=\"1\"", RULES.len())),
            "{text}"
        );
        assert!(
            text.contains("<testcase classname=\"git-audit\" name=\"json-syntax\"/>"),
            "{text}"
        );
        assert!(
            text.contains("<failure type=\"lock-mismatch\" message=\"1 blocking finding\">"),
            "{text}"
        );
        assert!(
            text.contains("bad &lt;name&gt; &amp; &quot;q&quot;"),
            "{text}"
        );
        assert!(
            text.contains("suppressed by waiver: s.json:1:1: waived"),
            "{text}"
        );
    }
}
