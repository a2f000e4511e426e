//! Renderers: every report to any `io::Write`, as human text, JSON or Markdown.

pub mod ci;
pub mod diff;
pub mod findings;
pub mod hash;
pub mod paint;
pub mod release;

use std::io::Write;

use serde::Serialize;

use crate::core::report::{Refused, Skipped};
use crate::error::{Error, Result};
pub use paint::Paint;

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
    let text = v.to_string();
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
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
