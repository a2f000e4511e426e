//! `git audit init`: reads the working tree's JSON files, has `core::init` detect registries and
//! sequence folders, and writes the commented audit.toml it proposes.

use crate::cli::InitArgs;
use crate::core::config::{self, Config};
use crate::core::init::{audit_toml, Detected, Survey};
use crate::error::{Error, Result};
use crate::io::git::{Object, Repo, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

/// Files larger than this are not opened during detection.
const DETECT_MAX: u64 = 16 * 1024 * 1024;

pub fn run(env: &mut Env<'_>, args: &InitArgs) -> Result<ExitStatus> {
    env.formats("init", ReportKind::Messages)?;
    let repo = Repo::open()?;
    if args.adopt {
        return super::adopt::run(env, &repo, args);
    }
    let target = repo.worktree_path(config::FILE_NAME)?;
    if !args.stdout && target.exists() && !args.force {
        return Err(Error::refused(
            format!("{} already exists", target.display()),
            "keep it, or overwrite it with `git audit init --force` (or print a proposal with --stdout)",
        ));
    }
    let (text, found) = proposal(&repo)?;
    if args.stdout {
        write!(env.out, "{text}").map_err(render::write_error)?;
        return Ok(ExitStatus::Ok);
    }
    repo.write_worktree(config::FILE_NAME, text.as_bytes())?;
    writeln!(
        env.out,
        "wrote {}: {}; review it, then `git add {}` (or adopt in one step: `git audit init --adopt`)",
        config::FILE_NAME,
        summary(&found),
        config::FILE_NAME
    )
    .map_err(render::write_error)?;
    Ok(ExitStatus::Ok)
}

/// What was detected, in a few words.
pub fn summary(found: &Detected) -> String {
    let n = found.registries.len();
    let s = found.sequences.len();
    let mut out = format!(
        "{n} registr{}, {s} sequence file{} detected",
        if n == 1 { "y" } else { "ies" },
        if s == 1 { "" } else { "s" }
    );
    if let Some(plan) = &found.plan {
        out.push_str(&format!(", plan {}", plan.path));
    }
    if let Some(schema) = &found.schema {
        out.push_str(&format!(", schema {schema}"));
    }
    out
}

/// The audit.toml `init` proposes for the working tree's JSON files, and what it detected.
pub fn proposal(repo: &Repo) -> Result<(String, Detected)> {
    let json_files = |p: &str| p.ends_with(".json");
    let snap = repo.snapshot(&Source::Worktree, &json_files)?;
    let mut survey = Survey::default();
    for (path, object) in &snap.entries {
        if !matches!(object, Object::File { .. }) {
            continue;
        }
        match repo.read(object, DETECT_MAX) {
            Ok(content) => survey.add(path, content.bytes()),
            Err(_) => survey.unreadable(path),
        }
    }
    let found = survey.decide();
    let text = audit_toml(&found);
    // What init writes must itself be a valid configuration.
    Config::parse(&text, config::FILE_NAME)?;
    Ok((text, found))
}
