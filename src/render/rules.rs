//! Human and Markdown output of `git audit rules` (the catalogue) and `git audit explain RULE`.

use std::io::Write;

use super::{write_error, Paint};
use crate::core::rules::Rule;
use crate::error::Result;

/// One line per rule: id, default severity, description; then where to read and set more.
pub fn list(out: &mut dyn Write, rules: &[Rule]) -> Result<()> {
    let width = rules.iter().map(|r| r.id.as_str().len()).max().unwrap_or(0);
    for r in rules {
        writeln!(
            out,
            "{:width$}  {:7}  {}",
            r.id,
            r.severity.as_str(),
            r.description
        )
        .map_err(write_error)?;
    }
    writeln!(
        out,
        "\n`git audit explain RULE` tells why a rule exists; audit.toml's [rules] changes severities."
    )
    .map_err(write_error)
}

/// The rule, why it exists, an example that triggers it and how to set or waive it.
pub fn explain(out: &mut dyn Write, rule: &Rule, paint: Paint) -> Result<()> {
    writeln!(
        out,
        "{} (default severity: {})\n\n{}\n\nWhy: {}\n\nExample that triggers it:\n    {}\n\nSet its severity in audit.toml: [rules] {} = \"error\" | \"warning\" | \"info\" | \"off\"\n(or per artifact: rules = {{ {} = \"off\" }}); waive one finding in audit-waivers.toml.",
        paint.bold(rule.id.as_str()),
        rule.severity,
        rule.description,
        rule.rationale,
        rule.example,
        rule.id,
        rule.id
    )
    .map_err(write_error)
}

/// The catalogue as the Markdown table docs/rules.md carries (a test keeps the two equal).
pub fn markdown_table(out: &mut dyn Write, rules: &[Rule]) -> Result<()> {
    writeln!(out, "| Rule | Default | What it finds |\n|---|---|---|").map_err(write_error)?;
    for r in rules {
        writeln!(
            out,
            "| `{}` | {} | {} |",
            r.id,
            r.severity.as_str(),
            r.description.replace('|', "\\|")
        )
        .map_err(write_error)?;
    }
    Ok(())
}

/// One rule in Markdown: a heading, what it finds, why, and the example that triggers it.
pub fn explain_markdown(out: &mut dyn Write, rule: &Rule) -> Result<()> {
    writeln!(
        out,
        "### `{}`\n\nDefault severity: {}.\n\n{}\n\n**Why:** {}\n\n**Example that triggers it:** {}",
        rule.id, rule.severity, rule.description, rule.rationale, rule.example
    )
    .map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rules::RULES;

    #[test]
    fn markdown_table_has_a_row_per_rule() {
        let mut out = Vec::new();
        markdown_table(&mut out, RULES).expect("render");
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(text.lines().count(), RULES.len() + 2);
        assert!(text.starts_with("| Rule | Default | What it finds |\n|---|---|---|\n"));
        assert!(text.contains("| `json-syntax` | error | "), "{text}");
    }
}
