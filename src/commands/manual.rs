//! `git audit man` and `git audit completions`: the manual pages and shell completions,
//! generated from the command-line definition (`cli.rs`) so they never drift from it.
//!
//! git turns `git audit --help` into `man git-audit`; `man --install` puts the pages where
//! `man` looks (`$XDG_DATA_HOME/man`, else `~/.local/share/man`, or `--dir`).

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::error::{Error, Result};
use crate::render::{write_error, ReportKind};
use crate::{Env, ExitStatus};

/// Every manual page: `git-audit.1`, then one per visible subcommand (`git-audit-check.1`,
/// `git-audit-changelog-record.1`, …), as (file name, roff text).
pub fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    fn collect(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            collect(sub, out)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut text = Vec::new();
        man.render(&mut text).map_err(write_error)?;
        out.push((man.get_filename(), text));
        Ok(())
    }
    // The pages document the commands, not clap's `help` subcommand.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    collect(cmd, &mut out)?;
    out.sort();
    Ok(out)
}

/// Where `man --install` writes without `--dir`: `$XDG_DATA_HOME/man`, else
/// `$HOME/.local/share/man` (which `man` searches for programs in `~/.local/bin`).
fn default_dir() -> Result<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(data) = var("XDG_DATA_HOME") {
        return Ok(data.join("man"));
    }
    match var("HOME") {
        Some(home) => Ok(home.join(".local/share/man")),
        None => Err(Error::refused(
            "neither XDG_DATA_HOME nor HOME is set: no default place for the manual pages",
            "name one: `git audit man --install --dir DIR` (then add DIR to MANPATH)",
        )),
    }
}

/// A page git-audit wrote before (so it may be replaced): clap_mangen's title line names it.
fn ours(existing: &[u8]) -> bool {
    String::from_utf8_lossy(existing)
        .lines()
        .any(|l| l.starts_with(".TH git-audit"))
}

pub fn man(env: &mut Env<'_>, args: &ManArgs) -> Result<ExitStatus> {
    env.formats("man", ReportKind::Messages)?;
    let pages = pages()?;
    if !args.install {
        // The main page, for `git audit man | man -l -` or a package's build step.
        let main = pages
            .iter()
            .find(|(name, _)| name == "git-audit.1")
            .map(|(_, text)| text.as_slice())
            .unwrap_or_default();
        env.out.write_all(main).map_err(write_error)?;
        return Ok(ExitStatus::Ok);
    }
    let root = match &args.man_dir {
        Some(dir) => dir.clone(),
        None => default_dir()?,
    };
    let section = root.join("man1");
    std::fs::create_dir_all(&section)
        .map_err(|e| Error::io(format!("cannot create {}", section.display()), e))?;
    // Refused before anything is written: a page of the same name that someone else wrote.
    for (name, _) in &pages {
        let path = section.join(name);
        if let Ok(existing) = std::fs::read(&path) {
            if !ours(&existing) {
                return Err(Error::refused(
                    format!("{} exists and is not a git-audit page", path.display()),
                    "move it away, or install elsewhere with `--dir DIR`",
                ));
            }
        }
    }
    for (name, text) in &pages {
        let path = section.join(name);
        crate::io::fs::write_atomic(&path, text)
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
    }
    writeln!(
        env.out,
        "installed {} manual pages in {}",
        pages.len(),
        section.display()
    )
    .map_err(write_error)?;
    writeln!(
        env.out,
        "`git audit --help` and `man git-audit` now show them; if `man` does not find them, add {} to MANPATH (`export MANPATH=\"{}:$MANPATH\"`)",
        shown(&root),
        shown(&root)
    )
    .map_err(write_error)?;
    Ok(ExitStatus::Ok)
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

pub fn completions(env: &mut Env<'_>, args: &CompletionsArgs) -> Result<ExitStatus> {
    env.formats("completions", ReportKind::Messages)?;
    let mut cmd = Cli::command();
    let mut text = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "git-audit", &mut text);
    env.out.write_all(&text).map_err(write_error)?;
    Ok(ExitStatus::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_for_the_tool_and_each_visible_command_none_for_the_hook_entry() {
        let pages = pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        for expected in [
            "git-audit.1",
            "git-audit-check.1",
            "git-audit-changelog-record.1",
            "git-audit-man.1",
        ] {
            assert!(names.contains(&expected), "{names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("hook")), "{names:?}");
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
        let (_, main) = pages.iter().find(|(n, _)| n == "git-audit.1").unwrap();
        assert!(ours(main));
        assert!(String::from_utf8_lossy(main).contains("release\\-notes"));
    }
}
