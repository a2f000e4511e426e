//! `git audit changelog record | verify | rebuild`, and the hook steps that keep the evolution
//! changelog in the same commit as the change it records.
//!
//! The entry is built from the index's copy of the changelog and staged without touching the
//! work tree; the work-tree copy is updated only when it equals the index's, so a person's
//! unstaged edits are neither committed nor lost.

use crate::core::changelog::{self, Entry, Evidence, Found, Reconciled, Recorded};

use crate::cli::{ChangelogCommand, ChangelogVerifyArgs, RebuildArgs, RecordArgs};
use crate::core::config::Config;
use crate::core::finding::{self, Finding};
use crate::core::json::Digest32;
use crate::core::report::CheckReport;
use crate::error::{Error, Result};
use crate::io::git::{CommitInfo, Object, ObjectId, Repo, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

pub fn run(env: &mut Env<'_>, cmd: &ChangelogCommand) -> Result<ExitStatus> {
    match cmd {
        ChangelogCommand::Record(args) => record_command(env, args),
        ChangelogCommand::Verify(args) => verify(env, args),
        ChangelogCommand::Rebuild(args) => rebuild(env, args),
    }
}

fn record_command(env: &mut Env<'_>, args: &RecordArgs) -> Result<ExitStatus> {
    let repo = Repo::open()?;
    // Inside a hook git holds index.lock itself; run by hand, a lock means another git process
    // is writing the index (or died and left the lock), and staging now could lose its work.
    if !crate::io::process::in_git_hook() {
        if let Some(lock) = repo.index_lock() {
            return Err(Error::refused(
                format!(
                    "{} exists: another git process may be running",
                    lock.display()
                ),
                format!(
                    "wait for it to finish; if no git process is running, the lock is stale: remove it (`rm {}`) and run this again",
                    lock.display()
                ),
            ));
        }
    }
    // As in the hook: never record a transition the gate rejects (a hand-written hook calling
    // this is protected too; the installed hooks call `record` after their own check).
    if !args.no_check {
        let code = super::install::run_check(env, &[])?;
        if code != ExitStatus::Ok {
            writeln!(
                env.err,
                "git-audit: nothing recorded: the staged change does not pass the check (`git audit changelog record --no-check` records anyway)"
            )
            .map_err(render::write_error)?;
            return Ok(code);
        }
    }
    let config = super::load_config(&repo, &Source::Index, env.config.as_deref())?;
    let said = record(&repo, &config, args.amend || amending())?;
    for line in said.all() {
        writeln!(env.out, "{line}").map_err(render::write_error)?;
    }
    Ok(ExitStatus::Ok)
}

/// The marker (in the git directory) that tells the post-commit hook it has work to do.
pub const POST_COMMIT_MARKER: &str = "git-audit-post-commit";

/// The fingerprints (hex, one per line, newest last) of the entries the hook staged, in the git
/// directory: an entry the hook wrote for a commit that was then aborted is the hook's to
/// remove; an entry a person wrote is not.
const WRITTEN_STATE: &str = "git-audit-written";

/// How many fingerprints `WRITTEN_STATE` keeps.
const WRITTEN_KEPT: usize = 256;

fn remember_written(repo: &Repo, fingerprint: &Digest32) -> Result<()> {
    let old = repo.read_state(WRITTEN_STATE)?.unwrap_or_default();
    let mut lines: Vec<&str> = old.lines().filter(|l| !l.trim().is_empty()).collect();
    let hex = fingerprint.hex();
    lines.retain(|l| *l != hex);
    lines.push(&hex);
    let start = lines.len().saturating_sub(WRITTEN_KEPT);
    let mut text = lines[start..].join("\n");
    text.push('\n');
    repo.write_state(WRITTEN_STATE, &text)
}

/// Whether the git command running this hook is `git commit --amend` (git does not say; its
/// command line does).
pub fn amending() -> bool {
    crate::io::process::invoking_git().is_some_and(|args| crate::io::process::is_amend(&args))
}

/// Text of `path` in a snapshot; empty when absent. Refuses non-UTF-8.
fn text_at(repo: &Repo, source: &Source, path: &str) -> Result<String> {
    match repo.read_path(source, path)? {
        None => Ok(String::new()),
        Some(bytes) => String::from_utf8(bytes).map_err(|_| {
            Error::refused(
                format!("{path} in the {source} is not valid UTF-8"),
                "the evolution changelog is Markdown text; restore it from history",
            )
        }),
    }
}

/// The identity and date the commit being made will carry: git exports them to its hooks.
fn author_and_date(repo: &Repo) -> (String, String) {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let configured = repo.configured_author();
    let name = env("GIT_AUTHOR_NAME")
        .or_else(|| configured.as_ref().map(|c| c.0.clone()))
        .unwrap_or_else(|| "unknown".into());
    let email = env("GIT_AUTHOR_EMAIL")
        .or_else(|| configured.as_ref().map(|c| c.1.clone()))
        .unwrap_or_default();
    let date = env("GIT_AUTHOR_DATE")
        .and_then(|d| crate::core::date::date_of_git_date(&d))
        .unwrap_or_else(|| crate::core::date::date_of(crate::io::clock::stamp_secs(), 0));
    (format!("{name} <{email}>"), date)
}

/// The snapshot the commit being made is compared with: HEAD, or HEAD's parent for an amend.
fn base_of(repo: &Repo, amend: bool) -> Result<Source> {
    if repo.head_is_unborn() {
        return Ok(Source::Empty);
    }
    if !amend {
        return Ok(Source::head());
    }
    Ok(repo
        .commit_info("HEAD")?
        .parent
        .map_or(Source::Empty, Source::Rev))
}

/// What `record` has to say: what it `did` (routine: printed by `changelog record` and the demo,
/// not by a hook, which is silent when all is well) and `notes` a person must read even from a
/// hook (their unstaged edits were left alone).
#[derive(Debug, Default)]
pub struct Said {
    pub did: Vec<String>,
    pub notes: Vec<String>,
}

impl Said {
    /// Everything, routine lines first.
    pub fn all(self) -> impl Iterator<Item = String> {
        self.did.into_iter().chain(self.notes)
    }
}

/// The pre-commit step: stages the entry for the index's structural change (or removes a stale
/// one an amend or replay carried). Returns what to tell the person.
pub fn record(repo: &Repo, config: &Config, amend: bool) -> Result<Said> {
    record_as(repo, config, amend, None)
}

/// `record` with the entry's author and date given (`demo`), instead of git's identity.
pub fn record_as(
    repo: &Repo,
    config: &Config,
    amend: bool,
    identity: Option<(String, String)>,
) -> Result<Said> {
    let mut said = Said::default();
    if !config.changelog.enabled {
        return Ok(said);
    }
    if repo.merging() {
        // The merged commits carry their own entries; recording the merge would count them twice.
        return Ok(said);
    }
    let path = config.changelog.path.as_str();
    let base = base_of(repo, amend)?;
    let report = super::diff::compare(repo, config, &base, &Source::Index)?;
    // A document that does not parse on either side has no transition (the check reports it);
    // every other artifact's is recorded, exactly as `verify` expects (`verify_commit`).
    let mut parts = changelog::parts(&report.artifacts, config.changelog.metadata);
    super::impact::annotate(repo, config, &base, &Source::Index, &mut parts)?;
    let entry = if parts.is_empty() {
        None
    } else {
        let (author, date) = identity.unwrap_or_else(|| author_and_date(repo));
        Some(Entry::new(date, author, parts))
    };
    let base_text = text_at(repo, &base, path)?;
    let index_text = text_at(repo, &Source::Index, path)?;
    let theirs = staged_by_a_person(
        repo,
        &base,
        amend,
        path,
        &base_text,
        &index_text,
        entry.as_ref(),
    )?;
    let reconciled = changelog::reconcile_keeping(&base_text, &index_text, entry.as_ref(), &theirs);
    let (new, changed) = match reconciled {
        // An empty text stands for "no changelog" (text_at reads an absent file as "").
        Reconciled::Unchanged => ((!index_text.is_empty()).then(|| index_text.clone()), false),
        Reconciled::Write(text) => (Some(text), true),
        Reconciled::Delete => (None, true),
    };
    if changed {
        // Refused before the index is touched: a path through a symbolic link or a file.
        repo.worktree_path(path)?;
        repo.stage_bytes(path, new.as_deref().map(str::as_bytes))?;
        if repo.index_is_temporary() {
            // `git commit <paths>`: the real index must catch up after the commit.
            repo.set_marker(POST_COMMIT_MARKER, true)?;
        }
        crate::io::fault::point("record-after-index");
        match &entry {
            Some(e) => said.did.push(format!(
                "git-audit: recorded changelog entry {} in {path} (staged)",
                &e.fingerprint.hex()[..12]
            )),
            // It took out something staged: a person is told, also from a hook.
            None => said.notes.push(format!(
                "git-audit: removed a changelog entry from {path} that no longer matches this commit (staged)"
            )),
        }
    }
    // The working copy follows when it still is what the index was, or lags behind it at the
    // base (a run killed between the index and the working copy).
    sync_worktree(
        repo,
        path,
        &[&index_text, &base_text],
        new.as_deref(),
        changed,
        &mut said.notes,
    )?;
    if let (true, Some(e)) = (changed, &entry) {
        remember_written(repo, &e.fingerprint)?;
    }
    Ok(said)
}

/// The entries the staged changelog adds that a person put there, which the hook leaves alone.
/// The hook removes only entries a hook wrote that no longer match: the amended commit's own,
/// one it staged for a commit that was then aborted (`WRITTEN_STATE`), and one carried in from
/// another line of history (`cherry-pick -n`, `merge --squash`), recognised by being in the
/// changelog some reference points at; never one recording a transition the base's history
/// made (a rebuilt changelog's). Every other added entry, hand-written ones included, is theirs
/// and is committed as staged (`verify` reports an entry that records no transition).
/// References and history are read only when an added entry is not this commit's.
fn staged_by_a_person(
    repo: &Repo,
    base: &Source,
    amend: bool,
    path: &str,
    base_text: &str,
    index_text: &str,
    entry: Option<&Entry>,
) -> Result<Vec<Digest32>> {
    let mut candidates = changelog::unexplained(base_text, index_text, entry);
    if amend && !candidates.is_empty() {
        let head_text = text_at(repo, &Source::head(), path)?;
        let amended = changelog::added(&changelog::parse(base_text), &changelog::parse(&head_text));
        candidates.retain(|c| !amended.iter().any(|f| f.fingerprint == *c));
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let written = repo.read_state(WRITTEN_STATE)?.unwrap_or_default();
    let mut hooks: Vec<Digest32> = candidates
        .iter()
        .filter(|c| written.lines().any(|l| l == c.hex()))
        .copied()
        .collect();
    for tip in repo.ref_tips()? {
        // A reference whose changelog is not text carries nothing the hook wrote.
        if let Ok(text) = text_at(repo, &Source::Rev(tip), path) {
            hooks.extend(
                changelog::parse(&text)
                    .into_iter()
                    .map(|f| f.fingerprint)
                    .filter(|f| candidates.contains(f)),
            );
        }
    }
    if hooks.is_empty() {
        return Ok(candidates);
    }
    let history: Vec<Digest32> = match base {
        Source::Rev(base_rev) => history_entries(repo, repo.history(base_rev)?)?
            .into_iter()
            .map(|(_, e)| e.fingerprint)
            .collect(),
        _ => Vec::new(),
    };
    candidates.retain(|c| !hooks.contains(c) || history.contains(c));
    Ok(candidates)
}

/// Updates the work-tree copy of the changelog to `new` (`None`: removes it) only if it is one
/// of `olds` (`""` standing for an absent file). When it holds someone's edits it is left alone,
/// and, if the index just changed, the person is told.
fn sync_worktree(
    repo: &Repo,
    path: &str,
    olds: &[&str],
    new: Option<&str>,
    changed: bool,
    said: &mut Vec<String>,
) -> Result<()> {
    let full = repo.worktree_path(path)?;
    crate::io::fs::remove_stale_temps_of(&full);
    let current = repo.read_worktree(path)?;
    if current.as_deref() == new.map(str::as_bytes) {
        return Ok(());
    }
    let is_old = olds.iter().any(|old| match &current {
        None => old.is_empty(),
        Some(bytes) => bytes == old.as_bytes(),
    });
    if !is_old {
        if changed {
            said.push(format!(
                "git-audit: {path} has unstaged edits; the entry is staged, your working copy was left as it is (see `git diff {path}`)"
            ));
        }
        return Ok(());
    }
    match new {
        Some(text) => repo.write_worktree(path, text.as_bytes()),
        None => repo.remove_worktree(path),
    }
}

/// The post-commit step: after `git commit <paths>` (which commits from a temporary index),
/// brings the real index (and an untouched work-tree copy) up to the committed changelog.
pub fn post_commit(repo: &Repo, config: &Config) -> Result<Vec<String>> {
    repo.set_marker(POST_COMMIT_MARKER, false)?;
    let mut said = Vec::new();
    if !config.changelog.enabled || repo.head_is_unborn() {
        return Ok(said);
    }
    let path = config.changelog.path.as_str();
    let head = repo.commit_info("HEAD")?;
    let parent = head.parent.clone().map_or(Source::Empty, Source::Rev);
    let committed = text_at(repo, &Source::head(), path)?;
    let added = changelog::added(
        &changelog::parse(&text_at(repo, &parent, path)?),
        &changelog::parse(&committed),
    );
    if added.is_empty() {
        return Ok(said);
    }
    let index_text = text_at(repo, &Source::Index, path)?;
    let present = changelog::parse(&index_text);
    let missing: Vec<&Found> = added
        .iter()
        .filter(|f| !present.iter().any(|p| p.fingerprint == f.fingerprint))
        .collect();
    if missing.is_empty() {
        return Ok(said);
    }
    // The real index lacks what the commit recorded (it committed from a temporary index):
    // append those entries to whatever the index holds, a person's staged edits included.
    let mut new = if index_text.trim().is_empty() {
        changelog::HEADER.to_string()
    } else {
        index_text.clone()
    };
    for f in missing {
        if !new.ends_with("\n\n") {
            if !new.ends_with('\n') {
                new.push('\n');
            }
            new.push('\n');
        }
        new.push_str(committed[f.span.clone()].trim_end());
        new.push('\n');
    }
    repo.stage_bytes(path, Some(new.as_bytes()))?;
    sync_worktree(repo, path, &[&index_text], Some(&new), true, &mut said)?;
    Ok(said)
}

/// `changelog-missing`, `-extra` and `-duplicate` findings of one commit.
/// `explicit` is `--config FILE`, else each commit's own audit.toml governs it.
pub fn verify_one(
    repo: &Repo,
    commit: &CommitInfo,
    explicit: Option<&std::path::Path>,
) -> Result<Vec<Finding>> {
    let mut out = Vec::new();
    verify_commit(repo, commit, explicit, &mut Walk::default(), &mut out)?;
    Ok(out)
}

/// What a walk over commits keeps from one commit to the next, so that verifying a commit costs
/// what the commit changed, not what its history holds: the changelog texts last read (by blob
/// id) and the configurations built (by audit.toml's blob id).
#[derive(Default)]
struct Walk {
    /// Newest last; at most `TEXTS_KEPT`.
    texts: Vec<(ObjectId, String)>,
    /// `None`: no audit.toml, the built-in defaults.
    configs: std::collections::HashMap<Option<ObjectId>, Config>,
    /// `--config FILE`, read once.
    explicit: Option<Config>,
}

/// How many texts `Walk` keeps (a merge's parents, a branch point's siblings).
const TEXTS_KEPT: usize = 4;

impl Walk {
    /// `load_config`, built once per audit.toml blob (compiling its globs costs more than
    /// verifying a commit); the copy handed out names `source` as its origin, as a fresh one
    /// would.
    fn config(
        &mut self,
        repo: &Repo,
        source: &Source,
        explicit: Option<&std::path::Path>,
    ) -> Result<Config> {
        if explicit.is_some() {
            if self.explicit.is_none() {
                self.explicit = Some(super::load_config(repo, source, explicit)?);
            }
            return Ok(self.explicit.clone().unwrap_or_else(Config::builtin));
        }
        let id = match repo.entry(source, crate::core::config::FILE_NAME)? {
            None => None,
            Some(Object::Blob { id }) => Some(id),
            // Not a file: `load_config` says why.
            Some(_) => return super::load_config(repo, source, None),
        };
        if let Some(config) = self.configs.get(&id) {
            let mut config = config.clone();
            if id.is_some() {
                config.origin = format!("{} ({source})", crate::core::config::FILE_NAME);
            }
            return Ok(config);
        }
        let config = super::load_config(repo, source, None)?;
        self.configs.insert(id, config.clone());
        Ok(config)
    }

    /// `text_at` of `path`, which is the blob `id` in `source`: taken out of the texts kept
    /// when it is one of them (hand it back with `keep`), else read. When `parent` (a text at
    /// hand) is a prefix of the blob, as it is for a changelog only appended to, only the
    /// appended bytes are checked as UTF-8.
    fn take(
        &mut self,
        repo: &Repo,
        source: &Source,
        path: &str,
        id: Option<ObjectId>,
        parent: Option<&str>,
    ) -> Result<String> {
        let Some(id) = id else {
            return text_at(repo, source, path);
        };
        if let Some(at) = self.texts.iter().rposition(|(k, _)| *k == id) {
            return Ok(self.texts.remove(at).1);
        }
        let content = match repo.read(&Object::Blob { id }, u64::MAX) {
            Ok(content) => content,
            Err(crate::io::git::ReadError::Failed(e)) => return Err(e),
            Err(_) => return Ok(String::new()),
        };
        let bytes = content.bytes();
        if let Some(parent) = parent.filter(|p| bytes.starts_with(p.as_bytes())) {
            if let Ok(rest) = std::str::from_utf8(&bytes[parent.len()..]) {
                let mut text = String::with_capacity(bytes.len());
                text.push_str(parent);
                text.push_str(rest);
                return Ok(text);
            }
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_string()),
            // text_at's refusal.
            Err(_) => text_at(repo, source, path),
        }
    }

    /// Keeps `text` (the blob `id`'s) for a later commit.
    fn keep(&mut self, id: Option<ObjectId>, text: String) {
        let Some(id) = id else { return };
        if self.texts.iter().any(|(k, _)| *k == id) {
            return;
        }
        if self.texts.len() == TEXTS_KEPT {
            self.texts.remove(0);
        }
        self.texts.push((id, text));
    }
}

/// Reads what `changelog::verify` judges one commit by, and lets it judge.
fn verify_commit(
    repo: &Repo,
    commit: &CommitInfo,
    explicit: Option<&std::path::Path>,
    walk: &mut Walk,
    out: &mut Vec<Finding>,
) -> Result<()> {
    let after = Source::Rev(commit.id.clone());
    let config = walk.config(repo, &after, explicit)?;
    if !config.changelog.enabled {
        return Ok(());
    }
    let path = config.changelog.path.clone();
    let first = commit.parent.clone().map_or(Source::Empty, Source::Rev);
    let blob = |source: &Source| -> Result<Option<ObjectId>> {
        Ok(match repo.entry(source, &path)? {
            Some(Object::Blob { id }) => Some(id),
            _ => None,
        })
    };
    let (parent_id, id) = (blob(&first)?, blob(&after)?);
    // A commit that leaves the changelog as its parent had it (the same blob) adds and removes
    // no entry: what `verify` decides from two equal texts it decides from two empty ones (it
    // reads only their difference), so neither is read.
    let same = parent_id.is_some() && parent_id == id;
    let (parent_text, text) = if same {
        (String::new(), String::new())
    } else {
        let parent_text = walk.take(repo, &first, &path, parent_id, None)?;
        let text = walk.take(repo, &after, &path, id, Some(&parent_text))?;
        (parent_text, text)
    };
    let evidence = match changelog::merged_parents(commit) {
        Some(parents) => {
            let mut texts = Vec::with_capacity(parents.len());
            for p in parents {
                texts.push(text_at(repo, &Source::Rev(p.clone()), &path)?);
            }
            Evidence::Merged(texts)
        }
        None => Evidence::Changes(super::diff::compare(repo, &config, &first, &after)?.artifacts),
    };
    let recorded = Recorded {
        commit: commit.clone(),
        path,
        text,
        parent_text,
        evidence,
    };
    out.extend(changelog::verify(&recorded, config.changelog.metadata));
    if !same {
        walk.keep(parent_id, recorded.parent_text);
        walk.keep(id, recorded.text);
    }
    Ok(())
}

fn commits(repo: &Repo, range: Option<&str>) -> Result<Vec<CommitInfo>> {
    match range {
        None => repo.history("HEAD"),
        Some(r) => {
            let Some((a, b)) = r.split_once("..") else {
                return Err(Error::Usage(format!("--range takes A..B, not {r:?}")));
            };
            let b = if b.is_empty() { "HEAD" } else { b };
            if a.is_empty() {
                repo.history(b)
            } else {
                repo.range(a, b)
            }
        }
    }
}

fn verify(env: &mut Env<'_>, args: &ChangelogVerifyArgs) -> Result<ExitStatus> {
    env.formats("changelog verify", ReportKind::Findings)?;
    let repo = Repo::open()?;
    if repo.head_is_unborn() {
        return Err(Error::refused(
            "there are no commits to verify",
            "commit first",
        ));
    }
    let start = match args.range {
        Some(_) => None,
        None => start(&repo, env.config.as_deref())?,
    };
    let list = match &start {
        Some(id) => repo.range(id, "HEAD").map_err(|e| {
            Error::refused(
                format!("the changelog starts after commit {id}, which HEAD's history cannot reach: {e}"),
                "pass the commits to verify with --range A..B, or record a new start (`git audit changelog rebuild`, then commit it)",
            )
        })?,
        None => commits(&repo, args.range.as_deref())?,
    };
    let mut report = CheckReport::new();
    let mut walk = Walk::default();
    for commit in &list {
        let mut findings = Vec::new();
        verify_commit(
            &repo,
            commit,
            env.config.as_deref(),
            &mut walk,
            &mut findings,
        )?;
        finding::sort(&mut findings);
        report.findings.extend(findings);
    }
    report.commits = list.len();
    report.ok = !report.findings.iter().any(Finding::blocks);
    report.scope = format!(
        "changelog of {} commit{}{}",
        list.len(),
        if list.len() == 1 { "" } else { "s" },
        match (&args.range, &start) {
            (Some(r), _) => format!(" in {r}"),
            (None, Some(id)) => format!(
                " since its start after {} (earlier history predates it)",
                id.get(..12).unwrap_or(id)
            ),
            (None, None) => String::new(),
        }
    );
    report.title_commits(&list);
    super::emit_findings(env, &report, false)?;
    Ok(ExitStatus::from_ok(report.ok))
}

/// The commit the changelog at HEAD starts after (`core::adopt::start_of`), if it records one.
pub fn start(repo: &Repo, explicit: Option<&std::path::Path>) -> Result<Option<String>> {
    if repo.head_is_unborn() {
        return Ok(None);
    }
    let config = super::load_config(repo, &Source::head(), explicit)?;
    let text = text_at(repo, &Source::head(), &config.changelog.path)?;
    Ok(crate::core::adopt::start_of(&text).map(|(id, _)| id.to_string()))
}

/// The commits that predate the changelog at `head` (its start and every ancestor): `ci`
/// does not ask them for entries.
pub fn predating(
    repo: &Repo,
    head: &str,
    explicit: Option<&std::path::Path>,
) -> Result<std::collections::HashSet<String>> {
    let config = super::load_config(repo, &Source::Rev(head.to_string()), explicit)?;
    let text = text_at(repo, &Source::Rev(head.to_string()), &config.changelog.path)?;
    let Some((id, _)) = crate::core::adopt::start_of(&text) else {
        return Ok(Default::default());
    };
    Ok(repo.history(id)?.into_iter().map(|c| c.id).collect())
}

/// The changelog text a history would have produced with the hook installed throughout,
/// ending with its start (HEAD): committed, its entries are history, not the commit's own.
pub fn rebuilt(repo: &Repo, since: Option<&str>) -> Result<(String, String, usize)> {
    let list = match since {
        Some(rev) => repo.range(rev, "HEAD")?,
        None => repo.history("HEAD")?,
    };
    let head_config = super::load_config(repo, &Source::head(), None)?;
    let mut text = changelog::HEADER.to_string();
    let mut count = 0;
    for (_, entry) in history_entries(repo, list)? {
        text.push('\n');
        text.push_str(&entry.render());
        count += 1;
    }
    // The start is recorded when the rebuilt changelog adds entries HEAD's lacks (committed,
    // they are the history's, not the committing commit's); a history the hook recorded
    // throughout rebuilds to its changelog byte for byte, keeping any start it has.
    let head_text = text_at(repo, &Source::head(), &head_config.changelog.path)?;
    let new_entries =
        !changelog::added(&changelog::parse(&head_text), &changelog::parse(&text)).is_empty();
    let start = if new_entries {
        Some(repo.resolve_commit("HEAD")?)
    } else {
        crate::core::adopt::start_of(&head_text).map(|(id, _)| id.to_string())
    };
    if let Some(id) = start {
        text.push('\n');
        text.push_str(&crate::core::adopt::start_lines(&id));
    }
    Ok((text, head_config.changelog.path, count))
}

/// The entry each commit of `list` (merges skipped) would have recorded, in `list`'s order.
fn history_entries(repo: &Repo, list: Vec<CommitInfo>) -> Result<Vec<(CommitInfo, Entry)>> {
    let mut out = Vec::new();
    for commit in list.into_iter().filter(|c| c.parents.len() <= 1) {
        let after = Source::Rev(commit.id.clone());
        let config = super::load_config(repo, &after, None)?;
        if !config.changelog.enabled {
            continue;
        }
        let before = commit.parent.clone().map_or(Source::Empty, Source::Rev);
        let report = super::diff::compare(repo, &config, &before, &after)?;
        let mut parts = changelog::parts(&report.artifacts, config.changelog.metadata);
        if parts.is_empty() {
            continue;
        }
        super::impact::annotate(repo, &config, &before, &after, &mut parts)?;
        let entry = Entry::new(
            crate::core::date::date_of(commit.author_time, commit.author_offset),
            commit.author.clone(),
            parts,
        );
        out.push((commit, entry));
    }
    Ok(out)
}

fn rebuild(env: &mut Env<'_>, args: &RebuildArgs) -> Result<ExitStatus> {
    env.formats("changelog rebuild", ReportKind::Messages)?;
    let repo = Repo::open()?;
    if repo.head_is_unborn() {
        return Err(Error::refused(
            "there is no history to rebuild from",
            "commit first",
        ));
    }
    let (text, path, count) = rebuilt(&repo, args.since.as_deref())?;
    if args.stdout {
        write!(env.out, "{text}").map_err(render::write_error)?;
        return Ok(ExitStatus::Ok);
    }
    if let Some(current) = repo.read_worktree(&path)? {
        let committed = repo.read_path(&Source::head(), &path)?;
        if committed.as_deref() != Some(current.as_slice())
            && !args.force
            && current != text.as_bytes()
        {
            return Err(Error::refused(
                format!("{path} has changes that are not committed; rebuilding would overwrite them"),
                "commit or stash them, print the rebuilt changelog with --stdout, or overwrite with --force",
            ));
        }
    }
    repo.write_worktree(&path, text.as_bytes())?;
    writeln!(
        env.out,
        "wrote {path}: {count} entr{} rebuilt from history; commit it: `git add {path}` and `git commit`",
        if count == 1 { "y" } else { "ies" }
    )
    .map_err(render::write_error)?;
    Ok(ExitStatus::Ok)
}
