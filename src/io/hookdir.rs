//! Hooks, libgit2 side: where git runs hooks from (`core.hooksPath` and its scope, linked
//! worktrees), which commits a push sends, and whether an operation is in progress.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use git2::{ConfigLevel, ErrorCode, ObjectType, Oid, RepositoryState, Sort};

use crate::core::hooks::{self, InProgress, PushCheck, RefUpdate};
use crate::error::{Error, Result};
use crate::io::git::Repo;

/// Where the hooks directory comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HooksOrigin {
    /// No `core.hooksPath`: `$GIT_COMMON_DIR/hooks`, shared by every worktree.
    Default,
    /// `core.hooksPath` from the repository's own configuration (`.git/config` or
    /// `config.worktree`).
    Local { value: String },
    /// `core.hooksPath` from configuration that applies beyond this repository.
    Outside { value: String, scope: &'static str },
}

/// The directory git runs this repository's hooks from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HooksDir {
    pub path: PathBuf,
    pub origin: HooksOrigin,
    /// The repository's own hooks folder, `$GIT_COMMON_DIR/hooks`, whatever `core.hooksPath`
    /// says.
    pub own: PathBuf,
}

impl Repo {
    /// Finds the hooks directory as git does: `core.hooksPath` when set (a relative value is
    /// taken from the top of the work tree, where git runs hooks; `~/` is the home folder),
    /// else the `hooks` folder of the common git directory (linked worktrees share it).
    pub fn hooks_dir(&self) -> Result<HooksDir> {
        let config = self
            .repo
            .config()
            .map_err(|e| Error::git("cannot read the repository's git configuration", e))?;
        let entry = match config.get_entry("core.hooksPath") {
            Ok(entry) => Some(entry),
            Err(e) if e.code() == ErrorCode::NotFound => None,
            Err(e) => return Err(Error::git("cannot read core.hooksPath", e)),
        };
        let own = self.repo.commondir().join("hooks");
        let Some(entry) = entry else {
            return Ok(HooksDir {
                path: own.clone(),
                origin: HooksOrigin::Default,
                own,
            });
        };
        let value = entry.value().map(str::to_string).ok_or_else(|| {
            Error::refused(
                "core.hooksPath is not valid UTF-8",
                "set core.hooksPath to a UTF-8 path, or unset it (git config --unset core.hooksPath)",
            )
        })?;
        let path = self.expand_hooks_path(&value)?;
        let origin = match entry.level() {
            ConfigLevel::Local | ConfigLevel::Worktree => HooksOrigin::Local { value },
            level => HooksOrigin::Outside {
                value,
                scope: scope_name(level),
            },
        };
        Ok(HooksDir { path, origin, own })
    }

    fn expand_hooks_path(&self, value: &str) -> Result<PathBuf> {
        if value.is_empty() {
            return Err(Error::refused(
                "core.hooksPath is set to an empty value",
                "unset it (git config --unset core.hooksPath) or set it to a folder",
            ));
        }
        let home = || {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::refused(
                        format!("core.hooksPath is {value:?}, and HOME is not set"),
                        "set HOME, or make core.hooksPath an absolute path",
                    )
                })
        };
        let path = if value == "~" {
            home()?
        } else if let Some(rest) = value.strip_prefix("~/") {
            home()?.join(rest)
        } else if value.starts_with('~') || value.starts_with("%(prefix)") {
            return Err(Error::refused(
                format!("core.hooksPath is {value:?}; git-audit expands only `~/`"),
                "make core.hooksPath an absolute path (or one relative to the top of the work tree)",
            ));
        } else {
            let p = Path::new(value);
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                self.workdir.join(p)
            }
        };
        Ok(path)
    }

    /// The operation git has stopped in the middle of, if any.
    pub fn in_progress(&self) -> Option<InProgress> {
        match self.repo.state() {
            RepositoryState::Clean => None,
            RepositoryState::Merge => Some(InProgress::Merge),
            RepositoryState::Revert | RepositoryState::RevertSequence => Some(InProgress::Revert),
            RepositoryState::CherryPick | RepositoryState::CherryPickSequence => {
                Some(InProgress::CherryPick)
            }
            RepositoryState::Bisect => Some(InProgress::Bisect),
            RepositoryState::Rebase
            | RepositoryState::RebaseInteractive
            | RepositoryState::RebaseMerge
            | RepositoryState::ApplyMailboxOrRebase => Some(InProgress::Rebase),
            RepositoryState::ApplyMailbox => Some(InProgress::Am),
        }
    }

    /// What to check for one line of git's pre-push input:
    /// - a deletion sends nothing;
    /// - an update of a ref whose old commit is known here checks `old..new`;
    /// - a new ref (or one whose old commit is unknown here, as after someone else's push)
    ///   checks the commits it sends that no remote-tracking ref reaches
    ///   (`git rev-list NEW --not --remotes`).
    pub fn push_check(&self, update: &RefUpdate) -> Result<PushCheck> {
        let local_ref = update.local_ref.clone();
        if update.is_deletion() {
            return Ok(PushCheck::Skip {
                local_ref,
                reason: "a deletion sends no commits".into(),
            });
        }
        let Some(tip) = self.peel_commit(&update.local_sha, true)? else {
            return Ok(PushCheck::Skip {
                local_ref,
                reason: format!("{} is not a commit", update.local_sha),
            });
        };
        if !update.is_new() {
            if let Some(old) = self.peel_commit(&update.remote_sha, false)? {
                return self.range_check(&local_ref, &old.to_string(), &tip.to_string());
            }
        }
        self.new_history_check(&local_ref, tip)
    }

    /// What to check for `from..to` (both resolved to commits; `from` all zeros or unknown
    /// here means a new history, as for a new ref).
    pub fn range_check(&self, local_ref: &str, from: &str, to: &str) -> Result<PushCheck> {
        let Some(tip) = self.peel_commit(to, true)? else {
            return Ok(PushCheck::Skip {
                local_ref: local_ref.to_string(),
                reason: format!("{to} is not a commit"),
            });
        };
        let old = if hooks::is_zero(from) {
            None
        } else {
            self.peel_commit(from, false)?
        };
        let Some(old) = old else {
            return self.new_history_check(local_ref, tip);
        };
        let mut walk = self
            .repo
            .revwalk()
            .map_err(|e| Error::git("cannot walk the history", e))?;
        walk.push(tip)
            .and_then(|()| walk.hide(old))
            .map_err(|e| Error::git(format!("cannot walk {old}..{tip}"), e))?;
        if walk.next().is_none() {
            return Ok(PushCheck::Skip {
                local_ref: local_ref.to_string(),
                reason: "it sends no new commits".into(),
            });
        }
        Ok(PushCheck::Range {
            local_ref: local_ref.to_string(),
            from: old.to_string(),
            to: tip.to_string(),
        })
    }

    /// What to check for `tip` (an object id, a ref name or any revision) pushed as
    /// `local_ref` when the framework says the push starts a new history.
    pub fn new_history_check_of(&self, local_ref: &str, tip: &str) -> Result<PushCheck> {
        let commit = self
            .repo
            .revparse_single(tip)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| Error::git(format!("{tip} does not name a commit"), e))?;
        self.new_history_check(local_ref, commit.id())
    }

    fn new_history_check(&self, local_ref: &str, tip: Oid) -> Result<PushCheck> {
        let walk_error = |e| Error::git(format!("cannot list the commits {local_ref} sends"), e);
        let mut walk = self.repo.revwalk().map_err(walk_error)?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
            .map_err(walk_error)?;
        walk.push(tip).map_err(walk_error)?;
        walk.hide_glob("refs/remotes/*").map_err(walk_error)?;
        let commits: Vec<Oid> = walk
            .collect::<std::result::Result<_, _>>()
            .map_err(walk_error)?;
        let inside: HashSet<Oid> = commits.iter().copied().collect();
        let mut outside = Vec::new();
        for id in &commits {
            let commit = self.repo.find_commit(*id).map_err(walk_error)?;
            for parent in commit.parent_ids() {
                if !inside.contains(&parent) && !outside.contains(&parent) {
                    outside.push(parent);
                }
            }
        }
        Ok(hooks::new_history(
            local_ref,
            &tip.to_string(),
            commits.iter().map(Oid::to_string).collect(),
            &outside.iter().map(Oid::to_string).collect::<Vec<_>>(),
        ))
    }

    /// Resolves an object id to the commit it is or tags. `None` when it is not a commit, or
    /// (unless `must_exist`) when this repository does not have it.
    fn peel_commit(&self, sha: &str, must_exist: bool) -> Result<Option<Oid>> {
        let oid = Oid::from_str(sha)
            .map_err(|e| Error::git(format!("{sha:?} is not an object id"), e))?;
        let object = match self.repo.find_object(oid, None) {
            Ok(o) => o,
            Err(e) if !must_exist && e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(Error::git(format!("cannot find object {sha}"), e)),
        };
        match object.peel(ObjectType::Commit) {
            Ok(c) => Ok(Some(c.id())),
            Err(_) => Ok(None),
        }
    }
}

fn scope_name(level: ConfigLevel) -> &'static str {
    match level {
        ConfigLevel::ProgramData => "system (ProgramData)",
        ConfigLevel::System => "system",
        ConfigLevel::XDG => "global (XDG)",
        ConfigLevel::Global => "global",
        ConfigLevel::Local | ConfigLevel::Worktree => "local",
        ConfigLevel::App | ConfigLevel::Highest => "application",
    }
}
