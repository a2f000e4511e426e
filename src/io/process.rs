//! Processes: which git command invoked the hook we run in, read from the process tree (Linux
//! `/proc`; git tells a pre-commit hook nothing about `--amend`; its command line does), and
//! running this binary again in another repository (`git audit demo`).

/// The arguments of the nearest ancestor process that is `git`, if it can be found.
#[cfg(not(unix))]
pub fn invoking_git() -> Option<Vec<String>> {
    None
}

/// The arguments of the nearest ancestor process that is `git`, if it can be found.
#[cfg(unix)]
pub fn invoking_git() -> Option<Vec<String>> {
    let mut pid = std::os::unix::process::parent_id();
    for _ in 0..8 {
        let args = cmdline(pid)?;
        if args.first().is_some_and(|a| {
            a.rsplit('/')
                .next()
                .is_some_and(|n| n == "git" || n.starts_with("git-"))
        }) {
            return Some(args);
        }
        pid = parent_of(pid)?;
        if pid <= 1 {
            return None;
        }
    }
    None
}

fn cmdline(pid: u32) -> Option<Vec<String>> {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
    Some(
        raw.split(|&b| b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect(),
    )
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid ...": comm may contain spaces and parentheses; split after the last ')'.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(1)?.parse().ok()
}

/// Whether this process runs inside one of git's hooks: the nearest `git` ancestor is a git
/// command (`git commit`), not `git audit` run by hand.
pub fn in_git_hook() -> bool {
    invoking_git().is_some_and(|args| !crate::core::gitargs::is_audit_command(&args))
}

/// Whether git's arguments are a `commit --amend` (parsed as git parses them:
/// `core::gitargs`).
pub fn is_amend(args: &[String]) -> bool {
    crate::core::gitargs::is_commit_amend(args)
}

/// What one run of this binary printed, and its exit code.
pub struct SelfRun {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs this binary with `args` in `dir`, with `env` added and every variable that would point
/// git at another repository removed (so a demo run from inside a hook still works on its own
/// scratch repository).
pub fn run_self(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, String)],
) -> crate::error::Result<SelfRun> {
    let exe = std::env::current_exe()
        .map_err(|e| crate::error::Error::io("cannot find git-audit's own executable", e))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.args(args).current_dir(dir);
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_PREFIX",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GITHUB_STEP_SUMMARY",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .map_err(|e| crate::error::Error::io("cannot run git-audit again", e))?;
    Ok(SelfRun {
        code: out.status.code().unwrap_or(2),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn recognises_amend() {
        assert!(is_amend(&args("git commit --amend -m x")));
        assert!(!is_amend(&args("git commit -m --amend")));
    }

    #[cfg(unix)]
    #[test]
    fn reads_this_process_tree() {
        // This test process has a readable parent on Linux; the walk must not panic either way.
        let _ = invoking_git();
        assert_eq!(
            parent_of(std::process::id()),
            Some(std::os::unix::process::parent_id())
        );
    }
}
