//! `git audit init --adopt`: adoption in one step on a repository with history and old
//! findings (audit.toml written or kept, and staged; optionally every artifact locked; the
//! changelog's start recorded; a baseline of today's findings; the hooks), leaving one
//! `git commit`. Also the one-line note, for commands that read the index, when the working
//! tree's audit.toml is not the configuration in use.

use crate::cli::{InitArgs, InstallArgs};
use crate::core::changelog;
use crate::core::config;
use crate::error::{Error, Result};
use crate::io::git::{Repo, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

/// Says on stderr, in one line, when the working tree's audit.toml is not the one a command
/// reading `source` uses (only for the index, and not with `--config`). Never fails a command:
/// a working copy that cannot be read gets no note.
pub fn note_config(env: &mut Env<'_>, repo: &Repo, source: &Source) -> Result<()> {
    if env.config.is_some() || !matches!(source, Source::Index) {
        return Ok(());
    }
    let worktree = repo.read_worktree(config::FILE_NAME).ok().flatten();
    let staged = repo
        .read_path(&Source::Index, config::FILE_NAME)
        .ok()
        .flatten();
    if let Some(line) =
        crate::core::adopt::config_note(config::FILE_NAME, worktree.as_deref(), staged.as_deref())
    {
        writeln!(env.err, "{line}").map_err(render::write_error)?;
    }
    Ok(())
}

fn say(env: &mut Env<'_>, line: &str) -> Result<()> {
    writeln!(env.out, "{line}").map_err(render::write_error)
}

/// Text of `path` in the index and in the working tree; refuses when they differ (staging the
/// file would sweep the person's unstaged edits into the adoption commit).
fn clean_text(repo: &Repo, path: &str) -> Result<Option<String>> {
    let staged = repo.read_path(&Source::Index, path)?;
    let worktree = repo.read_worktree(path)?;
    if staged != worktree {
        return Err(Error::refused(
            format!("{path} has changes that are not staged"),
            format!("stage them (`git add {path}`) or stash them, then run `git audit init --adopt` again"),
        ));
    }
    staged
        .map(|b| {
            String::from_utf8(b).map_err(|_| {
                Error::refused(
                    format!("{path} is not valid UTF-8"),
                    "the evolution changelog is Markdown text; restore it from history",
                )
            })
        })
        .transpose()
}

pub fn run(env: &mut Env<'_>, repo: &Repo, args: &InitArgs) -> Result<ExitStatus> {
    env.formats("init --adopt", ReportKind::Messages)?;
    let file = config::FILE_NAME;
    // 1. The configuration: the one in the working tree when there is one, else detected.
    let existing = repo.read_worktree(file)?;
    let (bytes, what) = match existing {
        Some(bytes) if !args.force => (bytes, format!("{file}: kept the one in the working tree")),
        _ => {
            let (text, found) = super::init::proposal(repo)?;
            (
                text.into_bytes(),
                format!(
                    "{file}: written ({}; why each was chosen is commented in it)",
                    super::init::summary(&found)
                ),
            )
        }
    };
    let text = String::from_utf8(bytes.clone()).map_err(|_| {
        Error::Config(config::ConfigError {
            origin: file.into(),
            position: None,
            message: "not valid UTF-8".into(),
        })
    })?;
    let config = config::Config::parse(&text, file)?;
    // Refused before anything is written: files this step would stage over unstaged edits.
    let head = (!repo.head_is_unborn())
        .then(|| repo.resolve_commit("HEAD"))
        .transpose()?;
    let changelog_text = match (&head, config.changelog.enabled) {
        (Some(_), true) => Some(clean_text(repo, &config.changelog.path)?),
        _ => None,
    };
    clean_text(repo, &config.baseline)?;
    repo.write_worktree(file, &bytes)?;
    repo.stage_bytes(file, Some(&bytes))?;
    say(env, &format!("{what}; staged"))?;

    // 2. Locks, when asked: before the baseline, so the baseline sees the locked files.
    if args.lock {
        let done = super::lock::lock_artifacts(repo, &config, &[], true)?;
        say(
            env,
            &format!(
                "locks: {} written and staged",
                if done.staged.is_empty() {
                    "none needed".to_string()
                } else {
                    done.staged.join(", ")
                }
            ),
        )?;
    }

    // 3. The changelog's start: history up to HEAD predates it.
    if let (Some(head), Some(current)) = (&head, changelog_text) {
        let path = config.changelog.path.as_str();
        match crate::core::adopt::with_start(current.as_deref(), changelog::HEADER, head) {
            Some(new) => {
                repo.write_worktree(path, new.as_bytes())?;
                repo.stage_bytes(path, Some(new.as_bytes()))?;
                say(env, &format!(
                    "{path}: starts after commit {} (staged); `git audit changelog verify` checks the commits after it (to record the history too: `git audit changelog rebuild`)",
                    head.get(..12).unwrap_or(head)
                ))?;
            }
            None => say(
                env,
                &format!("{path}: keeps the start it records (`git audit changelog verify` begins there)"),
            )?,
        }
    }

    // 4. The baseline of today's findings, with this configuration.
    let (baseline, accepted) = super::rules::baseline_text(repo, &config)?;
    repo.write_worktree(&config.baseline, baseline.as_bytes())?;
    repo.stage_bytes(&config.baseline, Some(baseline.as_bytes()))?;
    say(
        env,
        &format!(
            "{}: {accepted} finding{} of today accepted (staged); only new ones will block (`git audit check --all` lists them)",
            config.baseline,
            if accepted == 1 { "" } else { "s" }
        ),
    )?;

    // 5. The hooks.
    super::install::install(
        env,
        &InstallArgs {
            hooks: Vec::new(),
            force: false,
        },
    )?;
    say(
        env,
        "git-audit is adopted; commit it (the hooks check this commit too):\n  git commit -m \"Adopt git-audit\"",
    )?;
    Ok(ExitStatus::Ok)
}
