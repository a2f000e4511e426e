//! Release notes as Markdown.

use std::io::Write;

use super::write_error;
use crate::core::escape;
use crate::core::release::{Level, Note, ReleaseNotes};
use crate::error::Result;

fn section(out: &mut dyn Write, title: &str, notes: &[Note]) -> Result<()> {
    if notes.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n### {title} ({})\n", notes.len()).map_err(write_error)?;
    let mut current = "";
    for n in notes {
        if n.path != current {
            current = &n.path;
            writeln!(out, "- {}", escape::markdown_code(&n.path)).map_err(write_error)?;
        }
        writeln!(out, "  - {}", n.text).map_err(write_error)?;
    }
    Ok(())
}

/// Deterministic Markdown: the same range gives the same bytes.
pub fn markdown(out: &mut dyn Write, notes: &ReleaseNotes) -> Result<()> {
    let short = |id: &str| id.get(..10).unwrap_or(id).to_string();
    writeln!(
        out,
        "## Release notes: {} ({} → {})",
        escape::markdown_code(&notes.range),
        short(&notes.from),
        short(&notes.to)
    )
    .map_err(write_error)?;
    writeln!(
        out,
        "\n{} breaking, {} added, {} changed, {} metadata.",
        notes.breaking.len(),
        notes.added.len(),
        notes.changed.len(),
        notes.metadata.len()
    )
    .map_err(write_error)?;
    section(out, "Breaking", &notes.breaking)?;
    section(out, "Added", &notes.added)?;
    section(out, "Changed", &notes.changed)?;
    section(out, "Metadata", &notes.metadata)?;
    if notes.breaking.is_empty()
        && notes.added.is_empty()
        && notes.changed.is_empty()
        && notes.metadata.is_empty()
    {
        writeln!(out, "\nNo governed artifact changed in this range.").map_err(write_error)?;
    }
    let s = &notes.status;
    writeln!(out, "\n### Status at {}\n", short(&notes.to)).map_err(write_error)?;
    writeln!(
        out,
        "- Compliance (`git audit check --all`): {} error{}, {} warning{}{}{}",
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        if s.suppressed > 0 {
            format!(", {} suppressed by waivers or the baseline", s.suppressed)
        } else {
            String::new()
        },
        if s.errors == 0 { " ✅" } else { " ❌" }
    )
    .map_err(write_error)?;
    writeln!(
        out,
        "- Integrity (`git audit verify`): {} lock{} holding, {} drifted or unverifiable{}",
        s.locks_holding,
        if s.locks_holding == 1 { "" } else { "s" },
        s.locks_failing,
        if s.locks_failing == 0 { " ✅" } else { " ❌" }
    )
    .map_err(write_error)?;
    for b in &notes.bump {
        let level = match b.level {
            Level::None => "none",
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        };
        let line = match (&b.from, &b.suggested, &b.current) {
            (Some(from), Some(suggested), current) => {
                let already = match current {
                    Some(c) if c != from => format!(" (the range already sets {c})"),
                    _ => String::new(),
                };
                format!(
                    "- Suggested `metadata.version` of {} (for its own changes): {from} → **{suggested}** ({level}){already}",
                    escape::markdown_code(&b.path)
                )
            }
            (Some(from), None, _) => format!(
                "- `metadata.version` of {} is {}, not MAJOR.MINOR.PATCH; the change calls for a {level} bump",
                escape::markdown_code(&b.path),
                escape::markdown_text(&format!("{from:?}"))
            ),
            (None, _, _) => format!(
                "- {} has no `metadata.version` at the start of the range; the change calls for a {level} bump",
                escape::markdown_code(&b.path)
            ),
        };
        writeln!(out, "{line}").map_err(write_error)?;
    }
    Ok(())
}
