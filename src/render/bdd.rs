//! `git audit bdd` output: a line per domain (covered or not, and by what), the features that
//! link nowhere, the coverage line, then the findings; or the same as Markdown.

use std::io::Write;

use super::{write_error, Paint};
use crate::core::bdd::{BddReport, DomainRow};
use crate::core::escape::{markdown_code as code, markdown_text as md, terminal as t};
use crate::core::rules::Severity;
use crate::error::Result;

fn specs_of(d: &DomainRow) -> String {
    let mut parts: Vec<String> = d
        .specs
        .iter()
        .map(|s| {
            format!(
                "{} {}{} ({} scenario{}, via {})",
                s.kind,
                t(&s.path),
                if s.stub { " [stub]" } else { "" },
                s.scenarios,
                if s.scenarios == 1 { "" } else { "s" },
                s.via
            )
        })
        .collect();
    if parts.is_empty() {
        parts.push("no spec".into());
    }
    parts.join("; ")
}

fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

/// Human output.
pub fn human(out: &mut dyn Write, report: &BddReport, paint: Paint) -> Result<()> {
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(write_error);
    for d in &report.domains {
        let mark = if d.excluded {
            paint.dim("excluded")
        } else if d.covered {
            paint.green("covered ")
        } else {
            paint.yellow("missing ")
        };
        w(
            out,
            format!(
                "{mark} {}  {}",
                paint.bold(&t(&d.id)),
                paint.dim(&specs_of(d))
            ),
        )?;
    }
    let c = &report.coverage;
    w(
        out,
        format!(
            "\n{} {} of {} governed domains covered ({}; target {}), {} excluded, {} with only stubs; counted: {}",
            paint.bold("coverage:"),
            c.covered,
            c.total,
            percent(c.ratio),
            percent(c.target),
            c.excluded,
            c.stub_only,
            c.counted.join(", ")
        ),
    )?;
    if !report.findings.is_empty() {
        w(out, String::new())?;
    }
    for f in &report.findings {
        let severity = match f.severity {
            Severity::Error => paint.red(&format!("error[{}]", f.rule)),
            Severity::Warning => paint.yellow(&format!("warning[{}]", f.rule)),
            Severity::Info => paint.cyan(&format!("info[{}]", f.rule)),
        };
        w(
            out,
            format!(
                "{}: {severity}: {}",
                paint.bold(&format!("{}:{}:{}", t(&f.path), f.line, f.column)),
                t(&f.message)
            ),
        )?;
        w(out, format!("  {} {}", paint.cyan("hint:"), t(&f.hint)))?;
    }
    Ok(())
}

/// Markdown output: a coverage line, a table of domains, the findings as a list.
pub fn markdown(out: &mut dyn Write, report: &BddReport) -> Result<()> {
    let c = &report.coverage;
    let mut s = String::new();
    s.push_str("## BDD alignment\n\n");
    s.push_str(&format!(
        "**{} of {} governed domains covered ({})**, target {}; {} excluded, {} with only stubs.\n\n",
        c.covered,
        c.total,
        percent(c.ratio),
        percent(c.target),
        c.excluded,
        c.stub_only
    ));
    s.push_str("| Domain | Covered | Specs |\n|---|---|---|\n");
    for d in &report.domains {
        let status = if d.excluded {
            "excluded"
        } else if d.covered {
            "yes"
        } else {
            "**no**"
        };
        let specs: Vec<String> = d
            .specs
            .iter()
            .map(|x| {
                format!(
                    "{} {}{} ({})",
                    x.kind,
                    code(&x.path),
                    if x.stub { " stub" } else { "" },
                    x.scenarios
                )
            })
            .collect();
        // A `|` splits a table cell even inside a code span.
        let cell = |x: String| x.replace('|', "\\|");
        s.push_str(&format!(
            "| {} | {status} | {} |\n",
            cell(code(&d.id)),
            if specs.is_empty() {
                "—".to_string()
            } else {
                cell(specs.join("<br>"))
            }
        ));
    }
    if !report.findings.is_empty() {
        s.push_str("\n### Findings\n\n");
        for f in &report.findings {
            s.push_str(&format!(
                "- {} `{}` {}:{}:{}: {}\n",
                f.severity,
                f.rule,
                code(&f.path),
                f.line,
                f.column,
                md(&f.message)
            ));
        }
    }
    out.write_all(s.as_bytes()).map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::bdd::{Coverage, SpecRow};

    fn report() -> BddReport {
        BddReport {
            version: 1,
            snapshot: "index".into(),
            domains: vec![
                DomainRow {
                    id: "copy".into(),
                    covered: true,
                    excluded: false,
                    sequence: Some("s/copy.json".into()),
                    specs: vec![SpecRow {
                        path: "f/copy.feature".into(),
                        kind: "feature",
                        via: "tag",
                        scenarios: 2,
                        stub: false,
                    }],
                },
                DomainRow {
                    id: "pa|ste".into(),
                    covered: false,
                    excluded: false,
                    sequence: None,
                    specs: Vec::new(),
                },
            ],
            features: Vec::new(),
            coverage: Coverage {
                covered: 1,
                total: 2,
                ratio: 0.5,
                target: 0.9,
                excluded: 0,
                stub_only: 0,
                counted: vec!["feature".into()],
            },
            findings: Vec::new(),
        }
    }

    #[test]
    fn human_and_markdown_name_every_domain_and_the_coverage() {
        let mut out = Vec::new();
        human(&mut out, &report(), Paint { enabled: false }).unwrap();
        let text = String::from_utf8(out).unwrap();
        insta::assert_snapshot!(text, @r"
        covered  copy  feature f/copy.feature (2 scenarios, via tag)
        missing  pa|ste  no spec

        coverage: 1 of 2 governed domains covered (50.0%; target 90.0%), 0 excluded, 0 with only stubs; counted: feature
        ");
        let mut out = Vec::new();
        markdown(&mut out, &report()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("**1 of 2 governed domains covered (50.0%)**"),
            "{text}"
        );
        assert!(
            text.contains("| `copy` | yes | feature `f/copy.feature` (2) |"),
            "{text}"
        );
        assert!(text.contains("| **no** |"), "{text}");
    }
}
