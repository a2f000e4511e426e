//! `git audit docs status`: the provenance index as people (human, Markdown) read it; JSON is
//! the report's `Serialize`.

use std::io::Write;

use super::{write_error, Paint};
use crate::core::escape::{markdown_code, markdown_text, terminal};
use crate::core::provenance::{DocStatus, DocsReport, SourceStatus};
use crate::error::Result;

fn label(status: DocStatus, paint: Paint) -> String {
    let text = format!("{:<7}", status.as_str());
    match status {
        DocStatus::Fresh => paint.green(&text),
        DocStatus::Stale | DocStatus::Edited => paint.red(&text),
        DocStatus::Unknown => paint.yellow(&text),
    }
}

/// One line per doc (status, path, mechanism, why), then the sources that are not a match and
/// how to regenerate; a summary line last.
pub fn human(out: &mut dyn Write, report: &DocsReport, paint: Paint) -> Result<()> {
    for d in &report.docs {
        let why = if d.reason.is_empty() {
            String::new()
        } else {
            format!(": {}", terminal(&d.reason))
        };
        writeln!(
            out,
            "{} {}  {}{why}",
            label(d.status, paint),
            terminal(&d.path),
            paint.dim(&format!("({})", d.mechanism)),
        )
        .map_err(write_error)?;
        if d.status == DocStatus::Fresh {
            continue;
        }
        for s in d.sources.iter().filter(|s| s.status != SourceStatus::Match) {
            writeln!(
                out,
                "        {} {}",
                paint.dim(&format!("{:<9}", s.status.as_str())),
                terminal(&s.reference())
            )
            .map_err(write_error)?;
        }
        if matches!(d.status, DocStatus::Stale | DocStatus::Edited) {
            if let Some(r) = &d.regenerate {
                writeln!(
                    out,
                    "        {}",
                    paint.dim(&format!("regenerate: {}", terminal(r)))
                )
                .map_err(write_error)?;
            }
        }
    }
    let s = &report.summary;
    if report.docs.is_empty() {
        writeln!(
            out,
            "no governed docs in the {} (declare them in audit.toml: [[docs.render]], [docs] generated)",
            report.snapshot
        )
        .map_err(write_error)?;
    } else {
        writeln!(
            out,
            "{} doc{} in the {}: {} fresh, {} stale, {} edited, {} unknown",
            report.docs.len(),
            if report.docs.len() == 1 { "" } else { "s" },
            report.snapshot,
            s.fresh,
            s.stale,
            s.edited,
            s.unknown
        )
        .map_err(write_error)?;
    }
    Ok(())
}

/// A table a pull-request comment can carry.
pub fn markdown(out: &mut dyn Write, report: &DocsReport) -> Result<()> {
    let s = &report.summary;
    writeln!(
        out,
        "### Generated docs\n\n{} fresh, {} stale, {} edited, {} unknown\n",
        s.fresh, s.stale, s.edited, s.unknown
    )
    .map_err(write_error)?;
    if report.docs.is_empty() {
        return Ok(());
    }
    writeln!(out, "| Doc | Status | Banner | Why |\n|---|---|---|---|").map_err(write_error)?;
    for d in &report.docs {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            markdown_code(&d.path).replace('|', "\\|"),
            d.status.as_str(),
            d.mechanism,
            markdown_text(&d.reason).replace('|', "\\|")
        )
        .map_err(write_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::provenance::{DocState, HashPair, SourceState};

    fn report() -> DocsReport {
        let stale = DocState {
            path: "docs/d.md".into(),
            mechanism: "git-audit",
            status: DocStatus::Stale,
            doc_hash: HashPair {
                recorded: Some("a".repeat(64)),
                actual: Some("a".repeat(64)),
            },
            sources: vec![SourceState {
                path: "reg.json".into(),
                pointer: Some("/domains".into()),
                recorded: Some("b".repeat(64)),
                actual: Some("c".repeat(64)),
                status: SourceStatus::Changed,
            }],
            reason: "reg.json#/domains changed".into(),
            regenerate: Some("git audit docs render --stage docs/d.md".into()),
        };
        let unknown = DocState {
            path: "gen/x|y.md".into(),
            mechanism: "none",
            status: DocStatus::Unknown,
            doc_hash: HashPair {
                recorded: None,
                actual: None,
            },
            sources: Vec::new(),
            reason: "no provenance banner".into(),
            regenerate: None,
        };
        DocsReport::new("index".into(), vec![unknown, stale])
    }

    #[test]
    fn human_names_the_changed_source_and_the_command() {
        let mut out = Vec::new();
        human(&mut out, &report(), Paint { enabled: false }).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap(), @r"
        stale   docs/d.md  (git-audit): reg.json#/domains changed
                changed   reg.json#/domains
                regenerate: git audit docs render --stage docs/d.md
        unknown gen/x|y.md  (none): no provenance banner
        2 docs in the index: 0 fresh, 1 stale, 0 edited, 1 unknown
        ");
    }

    #[test]
    fn one_doc_is_one_doc() {
        let mut one = report();
        one.docs.truncate(1);
        let mut out = Vec::new();
        human(&mut out, &one, Paint { enabled: false }).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\n1 doc in the index:"), "{text}");
    }

    #[test]
    fn markdown_is_a_table_with_escaped_cells() {
        let mut out = Vec::new();
        markdown(&mut out, &report()).unwrap();
        let text = String::from_utf8(out).unwrap();
        insta::assert_snapshot!(text, @r"
        ### Generated docs

        0 fresh, 1 stale, 0 edited, 1 unknown

        | Doc | Status | Banner | Why |
        |---|---|---|---|
        | `docs/d.md` | stale | git-audit | reg.json#/domains changed |
        | `gen/x\|y.md` | unknown | none | no provenance banner |
        ");
    }
}
