//! The shared temp-repo helper: hermetic `git` (no global or system config, fixed identities
//! and dates) and the `git-audit` binary under test, on PATH for hooks.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_git-audit"))
}

/// A PATH with the binary's directory first, so `git-audit` and `git audit` resolve to it.
pub fn path_env() -> std::ffi::OsString {
    let dir = bin()
        .parent()
        .expect("binary has a directory")
        .to_path_buf();
    let mut paths = vec![dir];
    if let Some(p) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(paths).expect("PATH joins")
}

/// Makes a command hermetic: no user or system git config, fixed identity and dates, no
/// inherited repository variables, no colour, a private HOME.
pub fn hermetic<'c>(cmd: &'c mut Command, home: &Path) -> &'c mut Command {
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CEILING_DIRECTORIES",
        "GIT_PREFIX",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_EDITOR",
        "GIT_SEQUENCE_EDITOR",
        "GIT_PAGER",
        "PAGER",
        "NO_COLOR",
        "AUDIT_CORPUS_OVERRIDE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_SYSTEM", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_AUTHOR_NAME", "Ada Author")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-02T03:04:05+00:00")
        .env("GIT_COMMITTER_NAME", "Cy Committer")
        .env("GIT_COMMITTER_EMAIL", "cy@example.com")
        .env("GIT_COMMITTER_DATE", "2026-01-02T03:04:05+00:00")
        .env("GIT_EDITOR", "true")
        .env("LC_ALL", "C")
        .env("TERM", "dumb")
        .env("PATH", path_env())
}

/// A temporary repository (with a work tree) driven by the real `git`.
pub struct TestRepo {
    tmp: tempfile::TempDir,
    root: PathBuf,
}

impl TestRepo {
    /// `git init -b main` in a fresh temporary directory.
    pub fn new() -> TestRepo {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("repo");
        std::fs::create_dir_all(&root).expect("mkdir repo");
        let repo = TestRepo { tmp, root };
        repo.git(["init", "-q", "-b", "main"]);
        repo
    }

    /// The top of the work tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A private HOME for every command.
    pub fn home(&self) -> PathBuf {
        let home = self.tmp.path().join("home");
        std::fs::create_dir_all(&home).expect("mkdir home");
        home
    }

    /// Another directory inside the temporary area (for worktrees, bare clones…).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// A hermetic `git` command in `dir`.
    pub fn git_cmd_in(&self, dir: &Path) -> Command {
        let mut cmd = Command::new("git");
        hermetic(&mut cmd, &self.home());
        cmd.current_dir(dir);
        cmd
    }

    /// Runs git at the top of the work tree and asserts it succeeded; returns stdout.
    pub fn git<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.git_in(&self.root.clone(), args)
    }

    pub fn git_in<I, S>(&self, dir: &Path, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        let out = self.git_cmd_in(dir).args(&args).output().expect("run git");
        assert!(
            out.status.success(),
            "git {:?} failed:\n{}{}",
            args,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs git and returns the whole output, whatever the status.
    pub fn git_output<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.git_cmd_in(&self.root.clone())
            .args(args)
            .output()
            .expect("run git")
    }

    /// Writes a file (creating directories) relative to the work tree.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, content).expect("write file");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).expect("read file")
    }

    /// Stages everything and commits with `message`.
    pub fn commit_all(&self, message: &str) {
        self.git(["add", "-A"]);
        self.git(["commit", "-q", "--no-verify", "-m", message]);
    }

    /// A hermetic `git-audit` command in `dir`.
    pub fn audit_cmd_in(&self, dir: &Path) -> Command {
        let mut cmd = Command::new(bin());
        hermetic(&mut cmd, &self.home());
        cmd.current_dir(dir);
        cmd
    }

    /// Runs `git-audit ARGS` at the top of the work tree.
    pub fn audit<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.audit_in(&self.root.clone(), args)
    }

    pub fn audit_in<I, S>(&self, dir: &Path, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Run::from(
            self.audit_cmd_in(dir)
                .args(args)
                .output()
                .expect("run git-audit"),
        )
    }
}

/// A finished process: exit code and both streams as text.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Run {
        assert_eq!(
            self.code, expected,
            "exit code {} (expected {expected})\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Parses stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\n--- stderr\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// The corpus folder when `AUDIT_CORPUS` names one; tests that need it print that they are
/// skipped otherwise.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("AUDIT_CORPUS").map(PathBuf::from)?;
    dir.is_dir().then_some(dir)
}

/// Skips the calling test (with a message) when the corpus is absent.
#[macro_export]
macro_rules! corpus_or_skip {
    () => {
        match $crate::support::corpus() {
            Some(dir) => dir,
            None => {
                eprintln!("skipped: AUDIT_CORPUS does not name the corpus folder");
                return;
            }
        }
    };
}

/// The hand-written pre-commit hook the gate tests install (the `install` command is tested
/// elsewhere): the binary under test resolves through `path_env()`.
pub const GATE_HOOK: &str = "#!/bin/sh\nexec git-audit check\n";

impl TestRepo {
    /// Writes `GATE_HOOK` as the pre-commit hook of the repository (the common hooks directory,
    /// shared by linked worktrees), mode 0755.
    pub fn install_gate_hook(&self) {
        let common = self.git(["rev-parse", "--path-format=absolute", "--git-common-dir"]);
        let hooks = PathBuf::from(common.trim()).join("hooks");
        std::fs::create_dir_all(&hooks).expect("mkdir hooks");
        let hook = hooks.join("pre-commit");
        std::fs::write(&hook, GATE_HOOK).expect("write hook");
        set_mode(&hook, 0o755);
    }

    /// Runs git at the top of the work tree whatever its status.
    pub fn git_run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.git_run_in(&self.root.clone(), args)
    }

    pub fn git_run_in<I, S>(&self, dir: &Path, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Run::from(self.git_cmd_in(dir).args(args).output().expect("run git"))
    }

    /// `git commit -m MESSAGE` WITH hooks; returns what happened.
    pub fn commit(&self, message: &str) -> Run {
        self.git_run(["commit", "-m", message])
    }

    /// `git commit ARGS…` WITH hooks, in `dir`.
    pub fn commit_in(&self, dir: &Path, args: &[&str]) -> Run {
        let mut all = vec!["commit"];
        all.extend_from_slice(args);
        self.git_run_in(dir, all)
    }

    /// The commit HEAD names, `None` before the first commit.
    pub fn head(&self) -> Option<String> {
        self.head_in(&self.root.clone())
    }

    pub fn head_in(&self, dir: &Path) -> Option<String> {
        let run = self.git_run_in(dir, ["rev-parse", "-q", "--verify", "HEAD"]);
        (run.code == 0).then(|| run.stdout.trim().to_string())
    }

    /// The number of commits reachable from HEAD.
    pub fn commit_count(&self) -> usize {
        match self.head() {
            None => 0,
            Some(_) => self
                .git(["rev-list", "--count", "HEAD"])
                .trim()
                .parse()
                .expect("a count"),
        }
    }

    /// Reads a file's bytes, relative to the work tree.
    pub fn read_bytes(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.root.join(rel)).expect("read file")
    }

    /// A file's content as staged (`git show :PATH`).
    pub fn staged(&self, rel: &str) -> String {
        self.git(["show", &format!(":{rel}")])
    }

    /// `git status --porcelain` (empty when the work tree and index are clean).
    pub fn status(&self) -> String {
        self.git(["status", "--porcelain", "--untracked-files=all"])
    }
}

/// Sets a file's permission bits.
pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A file's permission bits.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o7777
}

impl Run {
    /// Both streams (a hook's report reaches `git commit`'s stderr).
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// The compiler-style finding lines (`path:line:col: severity[rule]: message`) of `rule`.
    pub fn finding_lines(&self, rule: &str) -> Vec<String> {
        let tag = format!("[{rule}]: ");
        self.all()
            .lines()
            .filter(|l| l.contains(&tag))
            .map(str::to_string)
            .collect()
    }

    /// Asserts exactly one error finding of `rule` at `path:line:` and returns its line.
    #[track_caller]
    pub fn finding(&self, rule: &str, path: &str, line: usize) -> String {
        let lines = self.finding_lines(rule);
        let prefix = format!("{path}:{line}:");
        let hits: Vec<&String> = lines
            .iter()
            .filter(|l| l.starts_with(&prefix) && l.contains(&format!(": error[{rule}]: ")))
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "expected one `{prefix}…error[{rule}]` finding\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        hits[0].clone()
    }

    /// Asserts that no finding of any rule was reported.
    #[track_caller]
    pub fn no_findings(&self) -> &Run {
        let text = self.all();
        assert!(
            !text.contains(": error[") && !text.contains(": warning["),
            "unexpected findings\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}
