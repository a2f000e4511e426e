//! Renderers: every report to any `io::Write`, in the `--format` asked for. The functions
//! below are the one place a format is mapped to a printer, per kind of report
//! ([`ReportKind`] lists the formats each is written in).

pub mod bdd;
pub mod ci;
pub mod dashboard;
pub mod dashboard_html;
pub mod diff;
pub mod docs;
pub mod findings;
pub mod format;
pub mod generate;
pub mod handlers;
pub mod hash;
pub mod impact;
pub mod install;
pub mod paint;
pub mod reference;
pub mod release;
pub mod rules;
pub mod timing;

use std::io::Write;

use serde::Serialize;

use crate::core::release::ReleaseNotes;
use crate::core::report::{
    CheckReport, DiffReport, HashReport, HookDone, InstallReport, Refused, Skipped, VerifyReport,
};
use crate::core::rules::Rule;
use crate::error::{Error, Result};
pub use format::{Format, ReportKind};
pub use paint::Paint;

/// A findings report (`check`, `ci`, `changelog verify`). `quiet` (a hook) leaves out what is
/// suppressed and says nothing when nothing else is left. With `Format::Github` this writes the
/// annotations; the step summary goes to a writer of the caller's ([`ci::step_summary`]).
pub fn findings(
    format: Format,
    out: &mut dyn Write,
    report: &CheckReport,
    paint: Paint,
    quiet: bool,
) -> Result<()> {
    match format {
        Format::Human => findings::human(out, report, paint, quiet),
        Format::Json => json(out, report),
        Format::Sarif => ci::sarif(out, report),
        Format::Junit => ci::junit(out, report),
        Format::Github => ci::github(out, report),
        Format::Markdown | Format::Html => Err(ReportKind::Findings.unsupported()),
    }
}

/// A `verify` report: drift against locks or a named snapshot.
pub fn verify(
    format: Format,
    out: &mut dyn Write,
    report: &VerifyReport,
    paint: Paint,
) -> Result<()> {
    match format {
        Format::Human => findings::verify_human(out, report, paint),
        Format::Json => json(out, report),
        _ => Err(ReportKind::Verify.unsupported()),
    }
}

/// A `hash` report.
pub fn hash(format: Format, out: &mut dyn Write, report: &HashReport, paint: Paint) -> Result<()> {
    match format {
        Format::Human => hash::human(out, report, paint),
        Format::Json => json(out, report),
        _ => Err(ReportKind::Hash.unsupported()),
    }
}

/// A `docs status` report: the provenance index.
pub fn docs_status(
    format: Format,
    out: &mut dyn Write,
    report: &crate::core::provenance::DocsReport,
    paint: Paint,
) -> Result<()> {
    match format {
        Format::Human => docs::human(out, report, paint),
        Format::Json => json(out, report),
        Format::Markdown => docs::markdown(out, report),
        _ => Err(ReportKind::Docs.unsupported()),
    }
}

/// `registry generate --check`: the diff to the generated registry and the findings.
pub fn generate(
    format: Format,
    out: &mut dyn Write,
    report: &crate::core::generate::GenerateReport,
    paint: Paint,
) -> Result<()> {
    match format {
        Format::Human => generate::human(out, report, paint),
        Format::Json => json(out, report),
        Format::Markdown => generate::markdown(out, report),
        _ => Err(ReportKind::Diff.unsupported()),
    }
}

/// Generation findings in human form (to stderr, beside a written or printed registry).
pub fn generate_findings(
    out: &mut dyn Write,
    findings: &[crate::core::finding::Finding],
    paint: Paint,
) -> Result<()> {
    generate::findings(out, findings, paint)
}

/// A `diff` report.
pub fn diff(format: Format, out: &mut dyn Write, report: &DiffReport, paint: Paint) -> Result<()> {
    match format {
        Format::Human => diff::human(out, report, paint),
        Format::Json => json(out, report),
        Format::Markdown => diff::markdown(out, report),
        _ => Err(ReportKind::Diff.unsupported()),
    }
}

/// An impact report (`git audit impact`).
pub fn impact(
    format: Format,
    out: &mut dyn Write,
    report: &crate::core::impact::ImpactReport,
    paint: Paint,
) -> Result<()> {
    match format {
        Format::Human => impact::human(out, report, paint),
        Format::Json => json(out, report),
        Format::Markdown => impact::markdown(out, report),
        _ => Err(ReportKind::Impact.unsupported()),
    }
}

/// A `bdd` report.
pub fn bdd(
    format: Format,
    out: &mut dyn Write,
    report: &crate::core::bdd::BddReport,
    paint: Paint,
) -> Result<()> {
    match format {
        Format::Human => bdd::human(out, report, paint),
        Format::Json => json(out, report),
        Format::Markdown => bdd::markdown(out, report),
        _ => Err(ReportKind::Bdd.unsupported()),
    }
}

/// Release notes: people read the Markdown, in a terminal too.
pub fn release_notes(format: Format, out: &mut dyn Write, notes: &ReleaseNotes) -> Result<()> {
    match format {
        Format::Human | Format::Markdown => release::markdown(out, notes),
        Format::Json => json(out, notes),
        _ => Err(ReportKind::ReleaseNotes.unsupported()),
    }
}

/// The rule catalogue (`git audit rules`).
pub fn rule_list(format: Format, out: &mut dyn Write, rules: &[Rule]) -> Result<()> {
    match format {
        Format::Human => rules::list(out, rules),
        Format::Markdown => rules::markdown_table(out, rules),
        Format::Json => json(
            out,
            &serde_json::json!({ "version": crate::core::report::JSON_VERSION, "rules": rules }),
        ),
        _ => Err(ReportKind::Rules.unsupported()),
    }
}

/// One rule in full (`git audit explain RULE`).
pub fn rule(format: Format, out: &mut dyn Write, rule: &Rule, paint: Paint) -> Result<()> {
    match format {
        Format::Human => rules::explain(out, rule, paint),
        Format::Markdown => rules::explain_markdown(out, rule),
        Format::Json => json(out, rule),
        _ => Err(ReportKind::Rules.unsupported()),
    }
}

/// `install`/`uninstall`, before any hook is handled: notes about the hooks folder (human
/// output streams as it goes; JSON waits for [`install_report`]).
pub fn install_notes(format: Format, out: &mut dyn Write, notes: &[String]) -> Result<()> {
    match format {
        Format::Human => install::notes(out, notes),
        Format::Json => Ok(()),
        _ => Err(ReportKind::Install.unsupported()),
    }
}

/// `install`/`uninstall`, as each hook is handled: what was done to it.
pub fn install_step(format: Format, out: &mut dyn Write, done: &HookDone) -> Result<()> {
    match format {
        Format::Human => install::done(out, done),
        Format::Json => Ok(()),
        _ => Err(ReportKind::Install.unsupported()),
    }
}

/// `install`/`uninstall`, once every hook is handled: the whole report.
pub fn install_report(format: Format, out: &mut dyn Write, report: &InstallReport) -> Result<()> {
    match format {
        Format::Human => Ok(()),
        Format::Json => json(out, report),
        _ => Err(ReportKind::Install.unsupported()),
    }
}

/// A dashboard: Markdown for people (and `$GITHUB_STEP_SUMMARY`), JSON, or one HTML page.
pub fn dashboard(
    format: Format,
    out: &mut dyn Write,
    report: &crate::core::dashboard::Dashboard,
) -> Result<()> {
    match format {
        Format::Human | Format::Markdown | Format::Github => dashboard::markdown(out, report),
        Format::Json => json(out, report),
        Format::Html => dashboard_html::page(out, report),
        _ => Err(ReportKind::Dashboard.unsupported()),
    }
}

/// Pretty JSON with a trailing newline.
pub fn json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)
        .map_err(|e| Error::io("cannot write JSON output", e.into()))?;
    writeln!(out).map_err(write_error)
}

pub(crate) fn write_error(e: std::io::Error) -> Error {
    Error::io("cannot write output", e)
}

/// Warnings for skipped paths and errors for refused documents, for stderr.
pub fn problems(
    err: &mut dyn Write,
    skipped: &[Skipped],
    refused: &[Refused],
    paint: Paint,
) -> Result<()> {
    for s in skipped {
        writeln!(err, "{}: {}: {}", paint.yellow("warning"), s.path, s.reason)
            .map_err(write_error)?;
    }
    for r in refused {
        writeln!(
            err,
            "{}: {}:{}:{}: {} ({})",
            paint.red("error"),
            r.path,
            r.line,
            r.column,
            r.message,
            r.snapshot
        )
        .map_err(write_error)?;
    }
    if !refused.is_empty() {
        writeln!(
            err,
            "  hint: fix the file{}, stage it with `git add`, and run again",
            if refused.len() > 1 { "s" } else { "" }
        )
        .map_err(write_error)?;
    }
    Ok(())
}

/// A JSON value on one line, shortened to about `max` characters.
pub fn short_value(v: &serde_json::Value, max: usize) -> String {
    let text = crate::core::escape::terminal(&v.to_string()).into_owned();
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A `timing ingest` report.
pub fn timing_ingest(
    format: Format,
    out: &mut dyn Write,
    report: &crate::core::timing::IngestReport,
    paint: Paint,
) -> Result<()> {
    match format {
        Format::Human => timing::ingest_human(out, report, paint),
        Format::Json => json(out, report),
        _ => Err(ReportKind::Timing.unsupported()),
    }
}

/// A `timing baseline --write` report.
pub fn timing_baseline(
    format: Format,
    out: &mut dyn Write,
    report: &crate::core::timing::BaselineReport,
    paint: Paint,
) -> Result<()> {
    match format {
        Format::Human => timing::baseline_human(out, report, paint),
        Format::Json => json(out, report),
        _ => Err(ReportKind::Timing.unsupported()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_cut_on_characters() {
        assert_eq!(short_value(&serde_json::json!("abc"), 10), "\"abc\"");
        assert_eq!(short_value(&serde_json::json!("ééééééé"), 5), "\"ééé…");
    }
}
