//! `registry generate --check`: the structural diff from the registry to what its sources
//! generate (the `diff` printers), then the generation findings.

use std::io::Write;

use crate::core::escape;
use crate::core::finding::Finding;
use crate::core::generate::GenerateReport;
use crate::error::Result;
use crate::render::{diff, write_error, Paint};

/// Human: the diff as `git audit diff` prints it, a verdict line, then the findings.
pub fn human(out: &mut dyn Write, report: &GenerateReport, paint: Paint) -> Result<()> {
    if report.stale {
        diff::human(out, &report.diff, paint)?;
    }
    findings(out, &report.findings, paint)?;
    let verdict = if report.stale {
        format!(
            "{} is stale: it is not what its sources generate (`git audit registry generate --stage` regenerates it)",
            escape::terminal(&report.registry)
        )
    } else {
        format!(
            "{} is what its sources generate",
            escape::terminal(&report.registry)
        )
    };
    writeln!(out, "{verdict}").map_err(write_error)
}

/// Markdown: the diff as `git audit diff --format markdown` writes it, then the findings.
pub fn markdown(out: &mut dyn Write, report: &GenerateReport) -> Result<()> {
    diff::markdown(out, &report.diff)?;
    if !report.findings.is_empty() {
        writeln!(out, "\n### Findings\n").map_err(write_error)?;
        for f in &report.findings {
            writeln!(
                out,
                "- **{}** {} {}: {}",
                f.severity,
                escape::markdown_code(f.rule.as_str()),
                escape::markdown_code(&f.path),
                escape::markdown_text(&f.message)
            )
            .map_err(write_error)?;
        }
    }
    Ok(())
}

/// Findings, one per line with its hint.
pub fn findings(out: &mut dyn Write, findings: &[Finding], paint: Paint) -> Result<()> {
    for f in findings {
        let head = format!("{}[{}]", f.severity, f.rule.as_str());
        writeln!(
            out,
            "{} {}: {}\n  hint: {}",
            paint.bold(&head),
            escape::terminal(&f.path),
            escape::terminal(&f.message),
            escape::terminal(&f.hint)
        )
        .map_err(write_error)?;
    }
    Ok(())
}
