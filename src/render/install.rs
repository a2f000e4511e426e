//! Human output of `git audit install` and `uninstall`: notes about the hooks folder, then a
//! line per hook (with its notes), each written as soon as it is done.

use std::io::Write;

use super::write_error;
use crate::core::report::HookDone;
use crate::error::Result;

/// `note: …` for each note about the hooks folder as a whole.
pub fn notes(out: &mut dyn Write, notes: &[String]) -> Result<()> {
    for note in notes {
        writeln!(out, "note: {note}").map_err(write_error)?;
    }
    Ok(())
}

/// What was done to one hook, then its notes.
pub fn done(out: &mut dyn Write, done: &HookDone) -> Result<()> {
    let line = match (done.action, &done.chained) {
        ("installed", _) => format!("installed the {} hook: {}", done.hook, done.path),
        ("chained", Some(kept)) => format!(
            "installed the {} hook: {}; the hook that was there is kept as {kept} and runs first",
            done.hook, done.path
        ),
        ("unchanged", _) => format!(
            "the {} hook is already installed: {} (nothing changed)",
            done.hook, done.path
        ),
        ("removed", _) => format!("removed the {} hook: {}", done.hook, done.path),
        ("restored", Some(kept)) => format!(
            "removed the {} hook and put back the one it had kept: {kept} -> {}",
            done.hook, done.path
        ),
        _ => format!(
            "the {} hook is not installed: {} (nothing to do)",
            done.hook, done.path
        ),
    };
    writeln!(out, "{line}").map_err(write_error)?;
    for note in &done.notes {
        writeln!(out, "  note: {note}").map_err(write_error)?;
    }
    Ok(())
}
