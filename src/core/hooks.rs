//! Git hooks, pure part: the hook scripts git-audit installs, what to do with whatever already
//! sits where a hook goes (install and uninstall plans), and git's pre-push input.
//!
//! Nothing here touches the file system or git: `commands::install` observes, this module
//! decides, `commands::install` carries the decision out; `git::hooks` finds the hooks
//! directory and the pushed commits.

use std::fmt;

/// The hooks git-audit can install, in the order they are handled.
pub const HOOKS: [Hook; 4] = [
    Hook::PreCommit,
    Hook::PreMergeCommit,
    Hook::PrePush,
    Hook::PostCommit,
];

/// The folder, inside the hooks directory, that keeps a hook git-audit replaced. The original
/// keeps its own file name there, so a hook that reads its name from `$0` (hook managers that
/// dispatch on it) still sees `pre-commit` or `pre-push`.
pub const CHAINED_DIR: &str = "git-audit-chained";

/// What marks a file as written by git-audit (followed by the version and the hook name).
pub const MARKER: &str = "# git-audit hook v";

/// A hook git-audit knows how to install and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Hook {
    /// `git commit`: the index being committed.
    PreCommit,
    /// `git merge` making a merge commit by itself (it does not run pre-commit).
    PreMergeCommit,
    /// `git push`: the commits being sent.
    PrePush,
    /// After `git commit`: brings the real index up to the committed changelog.
    PostCommit,
}

impl Hook {
    /// The file name git looks for.
    pub fn name(self) -> &'static str {
        match self {
            Hook::PreCommit => "pre-commit",
            Hook::PreMergeCommit => "pre-merge-commit",
            Hook::PrePush => "pre-push",
            Hook::PostCommit => "post-commit",
        }
    }

    /// The exact script git-audit installs (the same bytes as `hooks/<name>` in its source).
    pub fn script(self) -> &'static str {
        match self {
            Hook::PreCommit => include_str!("../../hooks/pre-commit"),
            Hook::PreMergeCommit => include_str!("../../hooks/pre-merge-commit"),
            Hook::PrePush => include_str!("../../hooks/pre-push"),
            Hook::PostCommit => include_str!("../../hooks/post-commit"),
        }
    }

    /// Parses a hook name as given to `--hook` or by the shims.
    pub fn parse(name: &str) -> Option<Hook> {
        HOOKS.into_iter().find(|h| h.name() == name)
    }

    /// The message for a name git-audit has no hook for.
    pub fn unknown(name: &str) -> String {
        let known: Vec<&str> = HOOKS.iter().map(|h| h.name()).collect();
        format!(
            "git-audit has no {name:?} hook; it provides {}",
            known.join(", ")
        )
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Turns `--hook` values into hooks: the defaults when none, each once, in a stable order.
pub fn select(names: &[String]) -> Result<Vec<Hook>, String> {
    if names.is_empty() {
        return Ok(HOOKS.to_vec());
    }
    let mut hooks = Vec::new();
    for name in names {
        let hook = Hook::parse(name).ok_or_else(|| Hook::unknown(name))?;
        if !hooks.contains(&hook) {
            hooks.push(hook);
        }
    }
    hooks.sort();
    Ok(hooks)
}

/// What is found at a path where a hook (or a chained hook) goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Absent,
    /// Byte for byte the script git-audit writes for this hook.
    Ours,
    /// A file carrying git-audit's marker that is not exactly its script: edited, or written
    /// by another version.
    Edited,
    /// Someone else's hook: a file or a symbolic link.
    Foreign {
        /// Git only runs executable hooks.
        executable: bool,
        /// The script finds files beside itself through its own path (`$(dirname "$0")/…`),
        /// which moving it into the chained folder breaks.
        reads_siblings: bool,
    },
    /// A directory or another kind of file: nothing git would run.
    NotAFile,
}

/// Classifies the content of a regular file found where `hook` goes.
pub fn classify(hook: Hook, content: &[u8], executable: bool) -> Found {
    if content == hook.script().as_bytes() {
        Found::Ours
    } else if contains(content, MARKER.as_bytes()) {
        Found::Edited
    } else {
        Found::Foreign {
            executable,
            reads_siblings: reads_siblings(content),
        }
    }
}

/// `$(dirname "$0")/x`, `${0%/*}/x` and their spellings: the script uses a file beside itself.
fn reads_siblings(content: &[u8]) -> bool {
    [&b"$0\")/"[..], b"$0)/", b"${0%/*}/", b"$0\"`/", b"$0`/"]
        .iter()
        .any(|p| contains(content, p))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// What `install` does for one hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstallStep {
    /// Nothing there: write the script.
    Write,
    /// Someone's hook there: move it into the chained folder, then write the script.
    Chain {
        /// It is not executable, so git never ran it, and the script will not either.
        inert: bool,
        reads_siblings: bool,
    },
    /// The script is already in place.
    AlreadyInstalled,
}

/// Why a step cannot be taken: the message, and how to resolve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub hint: String,
}

/// Decides what `install` does given what is at the hook's path and at its chained path.
/// `hook_path` and `chained_path` are only used in messages.
pub fn plan_install(
    at_hook: &Found,
    at_chained: &Found,
    hook_path: &str,
    chained_path: &str,
) -> Result<InstallStep, Refusal> {
    match (at_hook, at_chained) {
        (Found::Ours, _) => Ok(InstallStep::AlreadyInstalled),
        (Found::Edited, _) => Err(Refusal {
            message: format!(
                "{hook_path} carries git-audit's marker but is not the script git-audit writes (edited, or from another version of git-audit)"
            ),
            hint: format!(
                "keep your changes elsewhere if you need them, delete {hook_path}, then run `git audit install` again"
            ),
        }),
        (Found::NotAFile, _) => Err(Refusal {
            message: format!("{hook_path} exists and is not a file"),
            hint: format!("move {hook_path} out of the way, then run `git audit install` again"),
        }),
        (_, Found::Absent) => Ok(match at_hook {
            Found::Foreign {
                executable,
                reads_siblings,
            } => InstallStep::Chain {
                inert: !executable,
                reads_siblings: *reads_siblings,
            },
            _ => InstallStep::Write,
        }),
        (Found::Absent, _) => Err(Refusal {
            message: format!(
                "{chained_path} exists but {hook_path} does not: a hook git-audit chained is left over from an earlier install"
            ),
            hint: format!(
                "to keep that hook, move it back (mv {chained_path} {hook_path}) and run `git audit install` again; otherwise delete {chained_path}"
            ),
        }),
        (Found::Foreign { .. }, _) => Err(Refusal {
            message: format!(
                "{hook_path} is not git-audit's hook, and {chained_path} already holds a hook git-audit chained earlier; installing would have to overwrite one of them"
            ),
            hint: format!(
                "decide which hook to keep: merge {chained_path} into {hook_path} (or delete one of them), then run `git audit install` again"
            ),
        }),
    }
}

/// What `uninstall` does for one hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UninstallStep {
    /// Delete the script.
    Remove,
    /// Put the chained hook back in place of the script (one rename).
    Restore,
    /// git-audit's hook is not there (a hook that is not git-audit's is left alone).
    NotInstalled { foreign: bool },
}

/// The one refusal of a whole `install` or `uninstall` when any hook is refused (so nothing is
/// done): every message, joined by "; and ", then `outcome`; every hint, joined by "; ".
pub fn refuse_all(refusals: &[Refusal], outcome: &str) -> Option<Refusal> {
    if refusals.is_empty() {
        return None;
    }
    let messages: Vec<&str> = refusals.iter().map(|r| r.message.as_str()).collect();
    let hints: Vec<&str> = refusals.iter().map(|r| r.hint.as_str()).collect();
    Some(Refusal {
        message: format!("{}; {outcome}", messages.join("; and ")),
        hint: hints.join("; "),
    })
}

/// Whether `core.hooksPath` is set on git's command line, from `GIT_CONFIG_PARAMETERS` (`git -c`)
/// and the `GIT_CONFIG_KEY_<n>` names of `GIT_CONFIG_COUNT`. libgit2 reads neither, and such a
/// setting lasts one command, so install and uninstall refuse it.
pub fn hooks_path_on_command_line(parameters: Option<&str>, keys: &[String]) -> bool {
    parameters.is_some_and(|p| p.to_ascii_lowercase().contains("core.hookspath"))
        || keys
            .iter()
            .any(|k| k.eq_ignore_ascii_case("core.hooksPath"))
}

/// Decides what `uninstall` does given what is at the hook's path and at its chained path.
pub fn plan_uninstall(
    at_hook: &Found,
    at_chained: &Found,
    hook_path: &str,
    chained_path: &str,
) -> Result<UninstallStep, Refusal> {
    let chained = !matches!(at_chained, Found::Absent);
    match at_hook {
        Found::Ours if !chained => Ok(UninstallStep::Remove),
        Found::Ours => match at_chained {
            Found::NotAFile => Err(Refusal {
                message: format!("{chained_path} is not a file, so it cannot be put back"),
                hint: format!(
                    "look at {chained_path}; move what should be the hook to {hook_path}, or delete both"
                ),
            }),
            _ => Ok(UninstallStep::Restore),
        },
        Found::Absent if !chained => Ok(UninstallStep::NotInstalled { foreign: false }),
        Found::Foreign { .. } | Found::NotAFile if !chained => {
            Ok(UninstallStep::NotInstalled { foreign: true })
        }
        Found::Absent => Err(Refusal {
            message: format!(
                "{hook_path} is gone but {chained_path}, the hook git-audit kept for it, is still there"
            ),
            hint: format!("to use it again: mv {chained_path} {hook_path}"),
        }),
        Found::Edited => Err(Refusal {
            message: format!(
                "{hook_path} was changed since git-audit wrote it, so git-audit will not delete it"
            ),
            hint: if chained {
                format!(
                    "keep your changes elsewhere if you need them, then put the original back: mv {chained_path} {hook_path}"
                )
            } else {
                format!("if you no longer need it, delete {hook_path} yourself")
            },
        }),
        Found::Foreign { .. } | Found::NotAFile => Err(Refusal {
            message: format!(
                "{hook_path} is not the hook git-audit wrote (something replaced it), yet {chained_path} still holds the hook git-audit kept"
            ),
            hint: format!(
                "decide which hook to keep: merge {chained_path} into {hook_path} or delete it"
            ),
        }),
    }
}

/// One line of git's pre-push input: `<local ref> <local sha> <remote ref> <remote sha>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    pub local_ref: String,
    pub local_sha: String,
    pub remote_ref: String,
    pub remote_sha: String,
}

impl RefUpdate {
    /// The remote ref is being deleted: nothing is sent.
    pub fn is_deletion(&self) -> bool {
        is_zero(&self.local_sha)
    }

    /// The remote ref does not exist yet.
    pub fn is_new(&self) -> bool {
        is_zero(&self.remote_sha)
    }
}

/// True for git's all-zero object id (of any hash length).
pub fn is_zero(sha: &str) -> bool {
    !sha.is_empty() && sha.bytes().all(|b| b == b'0')
}

fn is_hex_id(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses git's pre-push standard input. Blank lines are ignored; anything else that is not
/// four fields with two object ids is an error naming the line.
pub fn parse_pre_push(input: &str) -> Result<Vec<RefUpdate>, String> {
    let mut updates = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields.as_slice() {
            [local_ref, local_sha, remote_ref, remote_sha]
                if is_hex_id(local_sha) && is_hex_id(remote_sha) =>
            {
                updates.push(RefUpdate {
                    local_ref: local_ref.to_string(),
                    local_sha: local_sha.to_string(),
                    remote_ref: remote_ref.to_string(),
                    remote_sha: remote_sha.to_string(),
                })
            }
            _ => {
                return Err(format!(
                    "line {} of the pre-push input is not `<local ref> <local sha> <remote ref> <remote sha>`: {line:?}",
                    n + 1
                ))
            }
        }
    }
    Ok(updates)
}

/// Where the refs to check on pre-push come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushInput {
    /// The pre-commit framework (or prek) ran the hook: it consumed git's input and says what
    /// is pushed in `PRE_COMMIT_FROM_REF` / `PRE_COMMIT_TO_REF`.
    Framework { from: String, to: String },
    /// The framework found the push includes a root commit and gave no range: only the tip
    /// (`PRE_COMMIT_TO_REF`, from prek) or only the local ref (`PRE_COMMIT_LOCAL_BRANCH`, from
    /// pre-commit). Every commit it sends that no remote has is checked.
    FrameworkNewHistory { local_ref: String, tip: String },
    /// Read git's own lines from standard input.
    Stdin,
}

/// Chooses the input from the framework's environment variables (values as read; `None` or
/// empty when unset).
pub fn push_input(
    from: Option<&str>,
    to: Option<&str>,
    local_branch: Option<&str>,
    under_framework: bool,
) -> PushInput {
    let set = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(str::to_string);
    match (set(from), set(to), set(local_branch)) {
        (Some(from), Some(to), _) => PushInput::Framework { from, to },
        (None, Some(tip), local) if under_framework => PushInput::FrameworkNewHistory {
            local_ref: local.unwrap_or_else(|| tip.clone()),
            tip,
        },
        (None, None, Some(local_ref)) if under_framework => PushInput::FrameworkNewHistory {
            tip: local_ref.clone(),
            local_ref,
        },
        _ => PushInput::Stdin,
    }
}

/// What to check for one pushed ref.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushCheck {
    /// Every commit in `from..to`, each against its first parent.
    Range {
        local_ref: String,
        from: String,
        to: String,
    },
    /// These commits (oldest first), each against its first parent: a new history that starts
    /// at a root commit or joins the known history in more than one place.
    Commits {
        local_ref: String,
        commits: Vec<String>,
    },
    /// Nothing to check, and why.
    Skip { local_ref: String, reason: String },
}

impl PushCheck {
    /// The `git-audit check` arguments (after `check`) for this ref, one list per run.
    pub fn check_args(&self) -> Vec<Vec<String>> {
        match self {
            PushCheck::Range { from, to, .. } => {
                vec![vec!["--range".into(), format!("{from}..{to}")]]
            }
            PushCheck::Commits { commits, .. } => commits
                .iter()
                .map(|c| vec!["--rev".into(), c.clone()])
                .collect(),
            PushCheck::Skip { .. } => Vec::new(),
        }
    }

    pub fn local_ref(&self) -> &str {
        match self {
            PushCheck::Range { local_ref, .. }
            | PushCheck::Commits { local_ref, .. }
            | PushCheck::Skip { local_ref, .. } => local_ref,
        }
    }
}

/// Reduces a new history (the commits a new ref sends, with the parents each has outside that
/// set) to what to check: one range when it joins the known history at exactly one commit,
/// else every commit.
pub fn new_history(
    local_ref: &str,
    tip: &str,
    commits_oldest_first: Vec<String>,
    outside_parents: &[String],
) -> PushCheck {
    if commits_oldest_first.is_empty() {
        return PushCheck::Skip {
            local_ref: local_ref.to_string(),
            reason: "every commit it sends is already on a remote".into(),
        };
    }
    match outside_parents {
        [base] => PushCheck::Range {
            local_ref: local_ref.to_string(),
            from: base.clone(),
            to: tip.to_string(),
        },
        _ => PushCheck::Commits {
            local_ref: local_ref.to_string(),
            commits: commits_oldest_first,
        },
    }
}

/// An operation git has stopped in the middle of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InProgress {
    Merge,
    Rebase,
    CherryPick,
    Revert,
    Am,
    Bisect,
}

/// What the pre-commit hook adds after a blocked commit made in the middle of an operation:
/// the check was of the index as usual; here is how to go on.
pub fn in_progress_note(op: InProgress) -> String {
    let (what, go_on) = match op {
        InProgress::Merge => (
            "a merge",
            "the merge result must pass like any commit: fix the files, `git add` them and commit again, or `git merge --abort`",
        ),
        InProgress::Rebase => (
            "a rebase",
            "fix the files, `git add` them and commit again (or `git rebase --continue`), or `git rebase --abort`",
        ),
        InProgress::CherryPick => (
            "a cherry-pick",
            "fix the files, `git add` them and commit again (or `git cherry-pick --continue`), or `git cherry-pick --abort`",
        ),
        InProgress::Revert => (
            "a revert",
            "fix the files, `git add` them and commit again (or `git revert --continue`), or `git revert --abort`",
        ),
        InProgress::Am => (
            "`git am`",
            "fix the files, `git add` them and commit again, or `git am --abort`",
        ),
        InProgress::Bisect => (
            "a bisect",
            "fix the files, `git add` them and commit again, or `git bisect reset`",
        ),
    };
    format!("note: this commit was made during {what} in progress; {go_on}")
}

/// What the pre-merge-commit hook adds when it stops a merge: git keeps the merge in progress.
pub fn merge_commit_note() -> &'static str {
    "note: the merge is not committed; git keeps it in progress: fix the files, `git add` them and `git commit` to complete the merge, or `git merge --abort`"
}

/// What the pre-push hook adds when it blocks: the findings are in commits already made, so a
/// hint that fixes the index (`lock --stage`) is only half of the fix.
pub fn push_blocked_note() -> &'static str {
    "note: these findings are in commits already made, so fixing the files alone does not change them: for the last commit, fix the files (`git audit lock PATH --stage` re-locks), then `git audit changelog record --amend` and `git commit --amend --no-edit`; for an earlier commit, `git rebase -i` to `edit` it and do the same; then push again"
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";
    const Z: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn refusals_are_combined_into_one() {
        let r = |m: &str, h: &str| Refusal {
            message: m.into(),
            hint: h.into(),
        };
        assert_eq!(refuse_all(&[], "nothing was installed"), None);
        assert_eq!(
            refuse_all(&[r("a is odd", "fix a")], "nothing was installed"),
            Some(r("a is odd; nothing was installed", "fix a"))
        );
        assert_eq!(
            refuse_all(&[r("a", "ha"), r("b", "hb")], "nothing was removed"),
            Some(r("a; and b; nothing was removed", "ha; hb"))
        );
    }

    #[test]
    fn hooks_path_on_the_command_line_is_seen_in_either_form() {
        assert!(hooks_path_on_command_line(
            Some("'core.hooksPath'='x'"),
            &[]
        ));
        assert!(hooks_path_on_command_line(
            None,
            &["user.name".into(), "CORE.HOOKSPATH".into()]
        ));
        assert!(!hooks_path_on_command_line(
            Some("'user.name'='x'"),
            &["user.name".into()]
        ));
    }

    #[test]
    fn scripts_name_their_hook_and_carry_the_marker() {
        for hook in HOOKS {
            let s = hook.script();
            assert!(s.starts_with("#!/bin/sh\n"), "{hook}");
            assert!(s.contains(&format!("{MARKER}1: {hook}\n")), "{hook}");
            assert!(s.contains(&format!("hook={hook}\n")), "{hook}");
            assert!(s.contains(&format!("{CHAINED_DIR}/$hook")), "{hook}");
            assert!(s.contains("exec git-audit hook \"$hook\" \"$@\""), "{hook}");
            assert_eq!(classify(hook, s.as_bytes(), true), Found::Ours);
        }
    }

    #[test]
    fn one_hooks_script_is_not_the_others() {
        let pre_push = Hook::PrePush.script().as_bytes();
        assert_eq!(classify(Hook::PreCommit, pre_push, true), Found::Edited);
    }

    #[test]
    fn classify_edited_and_foreign() {
        let mut edited = Hook::PreCommit.script().to_string();
        edited.push_str("echo extra\n");
        assert_eq!(
            classify(Hook::PreCommit, edited.as_bytes(), true),
            Found::Edited
        );
        assert_eq!(
            classify(Hook::PreCommit, b"#!/bin/sh\nexit 0\n", false),
            Found::Foreign {
                executable: false,
                reads_siblings: false
            }
        );
        // pre-commit's and prek's hooks only pass their folder along: not flagged.
        let framework =
            b"#!/bin/sh\nHERE=\"$(cd \"$(dirname \"$0\")\" && pwd)\"\nexec x --hook-dir=\"$HERE\"\n";
        assert_eq!(
            classify(Hook::PreCommit, framework, true),
            Found::Foreign {
                executable: true,
                reads_siblings: false
            }
        );
        assert_eq!(
            classify(Hook::PreCommit, b"#!/bin/sh\n. \"${0%/*}/lib.sh\"\n", true),
            Found::Foreign {
                executable: true,
                reads_siblings: true
            }
        );
        assert_eq!(
            classify(
                Hook::PreCommit,
                b"#!/bin/sh\n. \"$(dirname \"$0\")/h\"\n",
                true
            ),
            Found::Foreign {
                executable: true,
                reads_siblings: true
            }
        );
    }

    #[test]
    fn select_defaults_dedupes_and_refuses_unknown() {
        assert_eq!(
            select(&[]).unwrap(),
            vec![
                Hook::PreCommit,
                Hook::PreMergeCommit,
                Hook::PrePush,
                Hook::PostCommit
            ]
        );
        let names = vec![
            "pre-push".to_string(),
            "pre-commit".into(),
            "pre-push".into(),
        ];
        assert_eq!(
            select(&names).unwrap(),
            vec![Hook::PreCommit, Hook::PrePush]
        );
        let err = select(&["commit-msg".to_string()]).unwrap_err();
        assert!(err.contains("\"commit-msg\""), "{err}");
        assert!(
            err.contains("pre-commit, pre-merge-commit, pre-push"),
            "{err}"
        );
    }

    fn foreign() -> Found {
        Found::Foreign {
            executable: true,
            reads_siblings: false,
        }
    }

    #[test]
    fn install_plans() {
        let p = |h: &Found, c: &Found| plan_install(h, c, "H", "C");
        assert_eq!(p(&Found::Absent, &Found::Absent), Ok(InstallStep::Write));
        assert_eq!(
            p(&foreign(), &Found::Absent),
            Ok(InstallStep::Chain {
                inert: false,
                reads_siblings: false
            })
        );
        assert_eq!(
            p(&Found::Ours, &Found::Absent),
            Ok(InstallStep::AlreadyInstalled)
        );
        assert_eq!(
            p(&Found::Ours, &foreign()),
            Ok(InstallStep::AlreadyInstalled)
        );
        // Never overwrite a kept hook, never chain an edited copy of our own.
        assert!(p(&foreign(), &foreign()).is_err());
        assert!(p(&Found::Absent, &foreign()).is_err());
        assert!(p(&Found::Edited, &Found::Absent).is_err());
        assert!(p(&Found::NotAFile, &Found::Absent).is_err());
        let r = p(&Found::Absent, &foreign()).unwrap_err();
        assert!(r.hint.contains("mv C H"), "{r:?}");
    }

    #[test]
    fn uninstall_plans() {
        let p = |h: &Found, c: &Found| plan_uninstall(h, c, "H", "C");
        assert_eq!(p(&Found::Ours, &Found::Absent), Ok(UninstallStep::Remove));
        assert_eq!(p(&Found::Ours, &foreign()), Ok(UninstallStep::Restore));
        assert_eq!(
            p(&Found::Absent, &Found::Absent),
            Ok(UninstallStep::NotInstalled { foreign: false })
        );
        assert_eq!(
            p(&foreign(), &Found::Absent),
            Ok(UninstallStep::NotInstalled { foreign: true })
        );
        // Never delete what git-audit did not write.
        assert!(p(&Found::Edited, &Found::Absent).is_err());
        assert!(p(&Found::Edited, &foreign()).is_err());
        assert!(p(&foreign(), &foreign()).is_err());
        assert!(p(&Found::Absent, &foreign()).is_err());
        assert!(p(&Found::Ours, &Found::NotAFile).is_err());
    }

    #[test]
    fn parses_pre_push_lines() {
        let input = format!(
            "refs/heads/main {A} refs/heads/main {B}\n\nrefs/heads/x {Z} refs/heads/x {A}\r\n"
        );
        let u = parse_pre_push(&input).unwrap();
        assert_eq!(u.len(), 2);
        assert_eq!(u[0].local_ref, "refs/heads/main");
        assert_eq!(u[0].remote_sha, B);
        assert!(!u[0].is_deletion() && !u[0].is_new());
        assert!(u[1].is_deletion());
        assert!(parse_pre_push("").unwrap().is_empty());
        let err = parse_pre_push("refs/heads/main abc").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
        assert!(parse_pre_push(&format!("a {A} b nothex")).is_err());
    }

    #[test]
    fn zero_ids() {
        assert!(is_zero(Z));
        assert!(is_zero(&"0".repeat(64)));
        assert!(!is_zero(A));
        assert!(!is_zero(""));
    }

    #[test]
    fn framework_variables_win_over_stdin() {
        assert_eq!(
            push_input(Some(A), Some(B), Some("refs/heads/main"), true),
            PushInput::Framework {
                from: A.into(),
                to: B.into()
            }
        );
        assert_eq!(
            push_input(None, None, Some("refs/heads/main"), true),
            PushInput::FrameworkNewHistory {
                local_ref: "refs/heads/main".into(),
                tip: "refs/heads/main".into()
            }
        );
        assert_eq!(
            push_input(None, Some(B), Some("refs/heads/main"), true),
            PushInput::FrameworkNewHistory {
                local_ref: "refs/heads/main".into(),
                tip: B.into()
            }
        );
        assert_eq!(push_input(None, None, Some("x"), false), PushInput::Stdin);
        assert_eq!(push_input(Some(""), Some(""), None, true), PushInput::Stdin);
        assert_eq!(push_input(None, None, None, false), PushInput::Stdin);
    }

    #[test]
    fn new_history_reduction() {
        let r = new_history("refs/heads/f", B, vec![A.into(), B.into()], &[Z.into()]);
        assert_eq!(
            r,
            PushCheck::Range {
                local_ref: "refs/heads/f".into(),
                from: Z.into(),
                to: B.into()
            }
        );
        assert_eq!(
            r.check_args(),
            vec![vec!["--range".to_string(), format!("{Z}..{B}")]]
        );
        let roots = new_history("refs/heads/f", B, vec![A.into(), B.into()], &[]);
        assert_eq!(
            roots.check_args(),
            vec![
                vec!["--rev".to_string(), A.to_string()],
                vec!["--rev".to_string(), B.to_string()]
            ]
        );
        let none = new_history("refs/heads/f", B, vec![], &[]);
        assert!(matches!(none, PushCheck::Skip { .. }));
        assert!(none.check_args().is_empty());
    }

    #[test]
    fn notes_say_how_to_go_on() {
        assert!(in_progress_note(InProgress::Merge).contains("git merge --abort"));
        assert!(in_progress_note(InProgress::Rebase).contains("git rebase --continue"));
    }
}
