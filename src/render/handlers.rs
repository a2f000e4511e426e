//! Output of `git audit handlers` and `handlers scaffold`: human (a line per beat, findings,
//! totals) and JSON (the report models' `Serialize`).

use std::io::Write;

use super::{write_error, Format, Paint, ReportKind};
use crate::core::escape::terminal as t;
use crate::core::handlers::{BeatRow, HandlersReport, ScaffoldReport};
use crate::core::rules::Severity;
use crate::error::Result;

/// A `handlers` report.
pub fn report(
    format: Format,
    out: &mut dyn Write,
    report: &HandlersReport,
    paint: Paint,
) -> Result<()> {
    match format {
        Format::Human => human(out, report, paint),
        Format::Json => super::json(out, report),
        _ => Err(ReportKind::Handlers.unsupported()),
    }
}

/// A `handlers scaffold` report.
pub fn scaffold(
    format: Format,
    out: &mut dyn Write,
    report: &ScaffoldReport,
    paint: Paint,
) -> Result<()> {
    match format {
        Format::Human => scaffold_human(out, report, paint),
        Format::Json => super::json(out, report),
        _ => Err(ReportKind::Handlers.unsupported()),
    }
}

fn mark(ok: Option<bool>, paint: Paint) -> String {
    match ok {
        Some(true) => paint.green("yes"),
        Some(false) => paint.red("no"),
        None => paint.dim("-"),
    }
}

fn row_line(r: &BeatRow, paint: Paint) -> String {
    let definition = match &r.definition {
        Some(d) => format!("{}:{}", t(&d.path), d.line),
        None => paint.red("undefined"),
    };
    let test = match (&r.test_file.declared, &r.test_file.resolved) {
        (None, _) => paint.yellow("no testFile"),
        (Some(d), None) => paint.red(&format!("{} (not found)", t(d))),
        (Some(_), Some(p)) => format!(
            "{} (names handler: {})",
            t(p),
            mark(r.test_file.mentions, paint)
        ),
    };
    let mut line = format!(
        "{} › {} › {}  {}  def {}  test {}",
        t(&r.sequence),
        t(&r.movement),
        r.beat,
        paint.bold(&t(&r.handler)),
        definition,
        test
    );
    if let Some(c) = &r.coverage {
        let shown = if !c.measured {
            paint.dim("not in report")
        } else if c.covered {
            paint.green(&format!("covered ({} hits)", c.hits.unwrap_or(0)))
        } else {
            paint.red("not covered")
        };
        line.push_str(&format!("  coverage {shown}"));
    }
    if let Some(tests) = &r.tests {
        line.push_str(&format!(
            "  tests {} passed, {} failed, {} errors",
            tests.passed, tests.failed, tests.errors
        ));
    }
    line
}

fn human(out: &mut dyn Write, report: &HandlersReport, paint: Paint) -> Result<()> {
    for r in &report.beats {
        writeln!(out, "{}", row_line(r, paint)).map_err(write_error)?;
    }
    if !report.beats.is_empty() {
        writeln!(out).map_err(write_error)?;
    }
    for u in &report.unread {
        writeln!(
            out,
            "{}: {}: not read: {}",
            paint.yellow("warning"),
            t(&u.path),
            t(&u.message)
        )
        .map_err(write_error)?;
    }
    for f in &report.findings {
        let sev = match (f.severity, &f.suppressed) {
            (_, Some(s)) => paint.dim(&format!("{} ({})", f.severity, s.kind)),
            (Severity::Error, None) => paint.red("error"),
            (Severity::Warning, None) => paint.yellow("warning"),
            (Severity::Info, None) => paint.cyan("info"),
        };
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            t(&f.path),
            f.line,
            f.column,
            sev,
            f.rule,
            t(&f.message)
        )
        .map_err(write_error)?;
        writeln!(out, "  {} {}", paint.dim("hint:"), t(&f.hint)).map_err(write_error)?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "{} beats, {} handlers ({} defined); testFile declared on {}, resolves for {}, names its handler in {}",
        s.beats, s.handlers, s.defined, s.with_test_file, s.test_file_resolved, s.test_file_mentions
    )
    .map_err(write_error)?;
    if let Some(c) = &s.coverage {
        writeln!(
            out,
            "coverage: {} of {} handlers covered ({:.1}%, target {:.1}%); {} in a report",
            c.covered,
            c.total,
            c.ratio * 100.0,
            c.target * 100.0,
            c.measured
        )
        .map_err(write_error)?;
    }
    if let Some(tt) = &s.tests {
        writeln!(
            out,
            "tests: {} cases, {} passed, {} failed, {} errors, {} skipped; {} linked to a handler",
            tt.total, tt.passed, tt.failed, tt.errors, tt.skipped, tt.linked
        )
        .map_err(write_error)?;
    }
    let blocking = report.findings.iter().filter(|f| f.blocks()).count();
    let verdict = if report.ok {
        paint.green("ok")
    } else {
        paint.red(&format!("{blocking} blocking"))
    };
    writeln!(out, "{} findings: {verdict}", report.findings.len()).map_err(write_error)?;
    Ok(())
}

fn scaffold_human(out: &mut dyn Write, report: &ScaffoldReport, paint: Paint) -> Result<()> {
    for s in &report.stubs {
        let state = if s.exists {
            paint.yellow("exists, left alone")
        } else if report.written {
            paint.green("written")
        } else {
            paint.dim("would write")
        };
        writeln!(
            out,
            "{}  {}  ({} › {} › {})  {state}",
            t(&s.path),
            paint.bold(&t(&s.handler)),
            t(&s.sequence),
            t(&s.movement),
            s.beat
        )
        .map_err(write_error)?;
    }
    if report.stubs.is_empty() {
        writeln!(out, "every handler has a test file; nothing to scaffold").map_err(write_error)?;
    } else if !report.written {
        writeln!(
            out,
            "{}",
            paint.dim("(pass --write to write them; existing files are never overwritten)")
        )
        .map_err(write_error)?;
    }
    Ok(())
}
