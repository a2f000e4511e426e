//! Human and Markdown output of `git audit diff`.

use std::io::Write;

use super::{short_value, write_error, Paint};
use crate::core::classify::Class;
use crate::core::diff::tree::Op;
use crate::core::diff::{ArtifactDiff, Change, FieldChange, Item, Status, Summary};
use crate::core::escape;
use crate::core::report::DiffReport;
use crate::error::Result;

/// Items listed per artifact in Markdown before the rest is summarised.
const MARKDOWN_ITEMS: usize = 50;

fn counts(s: &Summary) -> String {
    format!(
        "{} {} → {} (+{} −{} ~{})",
        s.unit, s.before, s.after, s.added, s.removed, s.changed
    )
}

fn summary_line(d: &ArtifactDiff) -> String {
    let mut text = counts(&d.summary);
    if let Some(beats) = &d.beats {
        text.push_str(&format!(", {}", counts(beats)));
    }
    text
}

fn item_name(item: &Item) -> String {
    if item.id.is_empty() {
        format!("({})", item.kind.as_str())
    } else {
        escape::terminal(&item.id).into_owned()
    }
}

fn change_text(c: &FieldChange) -> String {
    let pointer = if c.pointer.is_root() {
        "(whole)".to_string()
    } else {
        escape::terminal(&c.pointer.to_string()).into_owned()
    };
    match c.op {
        Op::Added => format!("+ {pointer}: {}", short_value(&c.after, 60)),
        Op::Removed => format!("- {pointer}: {}", short_value(&c.before, 60)),
        Op::Changed => format!(
            "~ {pointer}: {} → {}",
            short_value(&c.before, 40),
            short_value(&c.after, 40)
        ),
        Op::Reordered => format!("↕ {pointer}: order {}", short_value(&c.after, 60)),
    }
}

/// Compact, coloured text: one line per artifact, one per item, one per field change.
pub fn human(out: &mut dyn Write, report: &DiffReport, paint: Paint) -> Result<()> {
    let w = |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(write_error);
    w(
        out,
        paint.dim(&escape::terminal(&format!(
            "{} → {}",
            report.before, report.after
        ))),
    )?;
    if report.artifacts.is_empty() && report.errors.is_empty() {
        w(out, "no governed artifact changed".into())?;
    }
    for d in &report.artifacts {
        let (letter, status) = match d.status {
            Status::Added => (paint.green("A"), paint.green("added")),
            Status::Removed => (paint.red("D"), paint.red("removed")),
            Status::Modified => (paint.yellow("M"), paint.yellow("modified")),
            Status::Unchanged => (paint.dim("="), paint.dim("unchanged")),
        };
        if d.status == Status::Unchanged {
            w(
                out,
                format!(
                    "{letter} {}  {status}: {}",
                    paint.bold(&escape::terminal(&d.path)),
                    paint.dim("the canonical hash is the same; only whitespace, key order or excluded parts changed (rawHash differs)")
                ),
            )?;
            continue;
        }
        w(
            out,
            format!(
                "{letter} {}  {} {status}  {}",
                paint.bold(&escape::terminal(&d.path)),
                d.kind,
                summary_line(d)
            ),
        )?;
        for item in &d.items {
            let sigil = match item.change {
                Change::Added => paint.green("+"),
                Change::Removed => paint.red("-"),
                Change::Changed => paint.yellow("~"),
            };
            let class = match item.class {
                Class::Structural => paint.cyan("structural"),
                Class::Metadata => paint.dim("metadata"),
            };
            w(
                out,
                format!(
                    "  {sigil} {} {}  {class}",
                    item.kind.as_str(),
                    paint.bold(&item_name(item))
                ),
            )?;
            for c in &item.changes {
                let text = change_text(c);
                let text = match c.class {
                    Class::Structural => text,
                    Class::Metadata => paint.dim(&text),
                };
                w(out, format!("      {text}"))?;
            }
        }
        for p in &d.problems {
            w(
                out,
                format!(
                    "  {} {} {}: {}",
                    paint.yellow("!"),
                    p.side.as_str(),
                    escape::terminal(&p.pointer.to_string()),
                    escape::terminal(&p.message)
                ),
            )?;
        }
    }
    Ok(())
}

fn md_escape(s: &str) -> String {
    escape::markdown_text(s).replace('|', "\\|")
}

fn code(s: &str) -> String {
    // A table cell: `|` would end it even inside code.
    escape::markdown_code(s).replace('|', "\\|")
}

/// A summary a pull-request comment can carry.
pub fn markdown(out: &mut dyn Write, report: &DiffReport) -> Result<()> {
    let w = |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(write_error);
    w(
        out,
        format!(
            "### git-audit: {} → {}\n",
            code(&report.before),
            code(&report.after)
        ),
    )?;
    if report.artifacts.is_empty() && report.errors.is_empty() {
        w(out, "No governed artifact changed.".into())?;
    } else if !report.artifacts.is_empty() {
        w(out, "| Artifact | Kind | Status | Summary |".into())?;
        w(out, "|---|---|---|---|".into())?;
        for d in &report.artifacts {
            let summary = if d.status == Status::Unchanged {
                "only whitespace, key order or excluded parts changed".to_string()
            } else {
                summary_line(d)
            };
            w(
                out,
                format!(
                    "| {} | {} | {} | {} |",
                    code(&d.path),
                    d.kind,
                    d.status.as_str(),
                    md_escape(&summary)
                ),
            )?;
        }
    }
    for d in report.artifacts.iter().filter(|d| !d.items.is_empty()) {
        let structural = d
            .items
            .iter()
            .filter(|i| i.class == Class::Structural)
            .count();
        w(
            out,
            format!(
                "\n<details><summary>{}: {} item{} changed ({} structural)</summary>\n",
                md_escape(&d.path),
                d.items.len(),
                if d.items.len() == 1 { "" } else { "s" },
                structural
            ),
        )?;
        w(out, "| Item | Change | Class | Fields |".into())?;
        w(out, "|---|---|---|---|".into())?;
        for item in d.items.iter().take(MARKDOWN_ITEMS) {
            let fields: Vec<String> = item
                .changes
                .iter()
                .map(|c| format!("{} ({})", code(&change_text(c)), c.class.as_str()))
                .collect();
            w(
                out,
                format!(
                    "| {} {} | {} | {} | {} |",
                    item.kind.as_str(),
                    code(&item_name(item)),
                    item.change.as_str(),
                    item.class.as_str(),
                    fields.join("<br>")
                ),
            )?;
        }
        if d.items.len() > MARKDOWN_ITEMS {
            w(
                out,
                format!(
                    "\n… and {} more; run `git audit diff` for all of them.",
                    d.items.len() - MARKDOWN_ITEMS
                ),
            )?;
        }
        w(out, "\n</details>".into())?;
    }
    if !report.skipped.is_empty() || !report.errors.is_empty() {
        w(out, String::new())?;
        for s in &report.skipped {
            w(
                out,
                format!("- ⚠️ {}: {}", code(&s.path), md_escape(&s.reason)),
            )?;
        }
        for r in &report.errors {
            w(
                out,
                format!(
                    "- ❌ {}:{}:{}: {}",
                    code(&r.path),
                    r.line,
                    r.column,
                    md_escape(&r.message)
                ),
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Kind;
    use crate::core::json::{canonical, parse, Limits};

    fn report() -> DiffReport {
        let before = r#"{"metadata": {"version": "1.0.0"}, "domains": [
            {"id": "copy", "name": "Copy", "tempo": 120, "description": "Copies | things"},
            {"id": "gone", "name": "Gone", "tempo": 90}]}"#;
        let after = r#"{"metadata": {"version": "1.1.0"}, "domains": [
            {"id": "copy", "name": "Copy", "tempo": 140, "description": "Copies things"},
            {"id": "new", "name": "New", "tempo": 60}]}"#;
        let b = parse(before.as_bytes(), &Limits::default()).unwrap();
        let a = parse(after.as_bytes(), &Limits::default()).unwrap();
        let h = |n: &crate::core::json::Node<'_>, raw: &str| crate::core::artifact::Hashes {
            raw: canonical::sha256(raw.as_bytes()),
            canonical: canonical::hash(n),
            size: raw.len() as u64,
        };
        let diff = ArtifactDiff::build(
            "orchestration-domains.json",
            Kind::Registry,
            "id",
            Some((&h(&b, before), &b)),
            Some((&h(&a, after), &a)),
        );
        DiffReport {
            version: 1,
            before: "HEAD".into(),
            after: "index".into(),
            artifacts: vec![diff],
            skipped: Vec::new(),
            errors: Vec::new(),
        }
    }

    #[test]
    fn human_snapshot() {
        let mut out = Vec::new();
        human(&mut out, &report(), Paint::PLAIN).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn markdown_snapshot() {
        let mut out = Vec::new();
        markdown(&mut out, &report()).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn json_snapshot() {
        insta::assert_snapshot!(serde_json::to_string_pretty(&report()).unwrap());
    }
}
