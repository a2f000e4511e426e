//! Human output of `git audit timing ingest` and `timing baseline --write`.

use std::io::Write;

use super::{write_error, Paint};
use crate::core::escape::terminal;
use crate::core::timing::{Added, BaselineReport, Coverage, IngestReport};
use crate::error::Result;

fn coverage_line(c: &Coverage) -> String {
    format!(
        "coverage: {} of {} registry domains have at least {} samples ({:.1}%; target {:.0}%)",
        c.measured,
        c.domains,
        c.min_samples,
        c.ratio * 100.0,
        c.target * 100.0
    )
}

/// One line per file, the unknown sequences, then what the store holds and its coverage.
pub fn ingest_human(out: &mut dyn Write, report: &IngestReport, paint: Paint) -> Result<()> {
    for f in &report.files {
        let what = match f.added {
            Added::New => String::new(),
            Added::Again => " (ingested before; counted once)".to_string(),
            Added::Superseded => {
                " (another report of the same run has more; not counted)".to_string()
            }
            Added::Replaces => " (replaces a smaller report of the same run)".to_string(),
        };
        writeln!(
            out,
            "{}  {}: {} measurements, {} mapped{}{}",
            paint.bold(f.input.as_str()),
            terminal(&f.file),
            f.measurements,
            f.mapped,
            if f.ignored > 0 {
                format!(", {} without a duration", f.ignored)
            } else {
                String::new()
            },
            paint.dim(&what)
        )
        .map_err(write_error)?;
    }
    for u in &report.unknown {
        let extra = if u.candidates.is_empty() {
            String::new()
        } else {
            format!(" (ambiguous: {})", u.candidates.join(", "))
        };
        writeln!(
            out,
            "{} {}:{}: `{}` maps to no registry domain{} ({} measurements not used)",
            paint.yellow("warning:"),
            terminal(&u.file),
            u.line,
            terminal(&u.sequence),
            terminal(&extra),
            u.measurements
        )
        .map_err(write_error)?;
    }
    writeln!(
        out,
        "ingested: {} files kept, {} sequences, {} samples",
        report.store.sources, report.store.sequences, report.store.samples
    )
    .map_err(write_error)?;
    writeln!(out, "{}", coverage_line(&report.coverage)).map_err(write_error)?;
    writeln!(
        out,
        "{}",
        paint.dim("next: git audit timing baseline --write --stage")
    )
    .map_err(write_error)
}

/// What was written, and the coverage it gives.
pub fn baseline_human(out: &mut dyn Write, report: &BaselineReport, paint: Paint) -> Result<()> {
    writeln!(
        out,
        "{} {}: {} sequences, {} samples{}",
        paint.green("wrote"),
        terminal(&report.path),
        report.sequences,
        report.samples,
        if report.staged { " (staged)" } else { "" }
    )
    .map_err(write_error)?;
    writeln!(out, "{}", coverage_line(&report.coverage)).map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::timing::{IngestedFile, Input, StoreSummary, Unknown};

    #[test]
    fn ingest_lists_files_unknown_names_and_coverage() {
        let report = IngestReport {
            version: 1,
            files: vec![
                IngestedFile {
                    file: "runs/a.jsonl".into(),
                    input: Input::Jsonl,
                    run: None,
                    measurements: 3,
                    mapped: 2,
                    ignored: 0,
                    added: Added::New,
                },
                IngestedFile {
                    file: "runs/b.json".into(),
                    input: Input::LogAnalysis,
                    run: Some("x.log".into()),
                    measurements: 4,
                    mapped: 4,
                    ignored: 1,
                    added: Added::Superseded,
                },
            ],
            unknown: vec![Unknown {
                file: "runs/a.jsonl".into(),
                sequence: "Old\u{1b}Name".into(),
                measurements: 1,
                line: 3,
                candidates: Vec::new(),
            }],
            store: StoreSummary {
                sources: 1,
                sequences: 2,
                samples: 6,
            },
            coverage: Coverage {
                measured: 1,
                domains: 4,
                ratio: 0.25,
                target: 0.7,
                min_samples: 3,
            },
        };
        let mut out = Vec::new();
        ingest_human(&mut out, &report, Paint { enabled: false }).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "jsonl  runs/a.jsonl: 3 measurements, 2 mapped\n\
             log-analysis  runs/b.json: 4 measurements, 4 mapped, 1 without a duration (another report of the same run has more; not counted)\n\
             warning: runs/a.jsonl:3: `Old\\u{1b}Name` maps to no registry domain (1 measurements not used)\n\
             ingested: 1 files kept, 2 sequences, 6 samples\n\
             coverage: 1 of 4 registry domains have at least 3 samples (25.0%; target 70%)\n\
             next: git audit timing baseline --write --stage\n"
        );
    }
}
