//! Human output of `git audit hash`.

use std::io::Write;

use super::{write_error, Paint};
use crate::core::report::HashReport;
use crate::error::Result;

/// One line per artifact: canonical hash and path; then the raw hash, kind and size.
pub fn human(out: &mut dyn Write, report: &HashReport, paint: Paint) -> Result<()> {
    for row in &report.artifacts {
        writeln!(
            out,
            "{}  {}",
            paint.bold(&row.canonical_hash.hex()),
            row.path
        )
        .map_err(write_error)?;
        writeln!(
            out,
            "{}",
            paint.dim(&format!(
                "  raw {}  {}, {} bytes",
                row.raw_hash, row.kind, row.size
            ))
        )
        .map_err(write_error)?;
    }
    if report.artifacts.is_empty() && report.errors.is_empty() && report.skipped.is_empty() {
        writeln!(out, "no governed artifacts in the {}", report.snapshot).map_err(write_error)?;
    }
    Ok(())
}
