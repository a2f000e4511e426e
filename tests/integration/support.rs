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

impl TestRepo {
    /// An absolute path inside the work tree.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The repository's git directory (`.git` of the main work tree).
    pub fn git_dir(&self) -> PathBuf {
        self.root.join(".git")
    }

    /// `git rev-parse REV`.
    pub fn rev_parse(&self, rev: &str) -> String {
        self.git(["rev-parse", rev]).trim().to_string()
    }

    /// Installs an executable hook script (`#!/bin/sh` added) in the repository's hooks
    /// directory, shared by every linked worktree.
    pub fn install_hook(&self, name: &str, body: &str) {
        let dir = self.git_dir().join("hooks");
        std::fs::create_dir_all(&dir).expect("mkdir hooks");
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write hook");
        make_executable(&path);
    }

    /// Runs `git-audit ARGS` in `dir` with extra environment variables (set after the
    /// hermetic ones, so they may also name `GIT_DIR`, `GIT_INDEX_FILE`, `NO_COLOR`…).
    pub fn audit_env<I, S>(&self, dir: &Path, env: &[(&str, &OsStr)], args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.audit_cmd_in(dir);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.args(args).output().expect("run git-audit"))
    }

    /// Runs git in `dir` with extra environment variables; asserts success; returns stdout.
    pub fn git_env<I, S>(&self, dir: &Path, env: &[(&str, &OsStr)], args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        let mut cmd = self.git_cmd_in(dir);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.args(&args).output().expect("run git");
        assert!(
            out.status.success(),
            "git {:?} failed:\n{}{}",
            args,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Every file under the git directory with its length and modification time: compare two
    /// of these to prove a command wrote nothing there.
    pub fn git_dir_state(
        &self,
    ) -> std::collections::BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
        fn walk(
            dir: &Path,
            out: &mut std::collections::BTreeMap<PathBuf, (u64, std::time::SystemTime)>,
        ) {
            for entry in std::fs::read_dir(dir).expect("list git dir") {
                let entry = entry.expect("dir entry");
                let meta = entry.metadata().expect("metadata");
                if meta.is_dir() {
                    walk(&entry.path(), out);
                } else {
                    out.insert(entry.path(), (meta.len(), meta.modified().expect("mtime")));
                }
            }
        }
        let mut out = std::collections::BTreeMap::new();
        walk(&self.git_dir(), &mut out);
        out
    }
}

/// Sets the executable bits of a file (hooks, scripts).
pub fn make_executable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut perms = std::fs::metadata(path).expect("metadata").permissions();
        perms.set_mode(0o755);
        std::fs::set_permissions(path, perms).expect("chmod");
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The entry of a report's `artifacts` (or `skipped`, `errors`) list with this `path`;
/// panics with the whole report when there is none.
#[track_caller]
pub fn entry<'v>(report: &'v serde_json::Value, list: &str, path: &str) -> &'v serde_json::Value {
    report[list]
        .as_array()
        .and_then(|items| items.iter().find(|a| a["path"] == path))
        .unwrap_or_else(|| panic!("no {list} entry for {path} in:\n{report:#}"))
}

/// The `path`s of a report's list (`artifacts`, `skipped` or `errors`), in order.
#[track_caller]
pub fn paths(report: &serde_json::Value, list: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} list in:\n{report:#}"))
        .iter()
        .map(|a| a["path"].as_str().expect("path is a string").to_string())
        .collect()
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

    /// Asserts that stderr contains `needle`.
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts that stdout contains `needle`.
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Run {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
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

/// One row of the corpus's `registry-history/index.tsv`, joined with its `parity.tsv` hashes.
#[derive(Debug, Clone)]
pub struct Version {
    pub nnn: String,
    pub date: String,
    pub status: String,
    /// `None` for the deleted version.
    pub file: Option<PathBuf>,
    /// raw_jcs, origin_canonical, schema_aware; `None` when the row says INVALID or is absent.
    pub parity: Option<[String; 3]>,
}

impl Version {
    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(self.file.as_ref().expect("a version with a file")).expect("read version")
    }

    /// The schema-aware hash from parity.tsv; panics when there is none.
    pub fn schema(&self) -> &str {
        self.schema_aware().expect("parity hashes")
    }

    /// The schema-aware hash from parity.tsv; `None` for the deleted and invalid versions.
    pub fn schema_aware(&self) -> Option<&str> {
        self.parity.as_ref().map(|p| p[2].as_str())
    }

    pub fn tag(&self) -> String {
        format!("v{}", self.nnn)
    }
}

/// The rows of a tab-separated file after its header line.
pub fn tsv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// The corpus's registry history (`registry-history/index.tsv` with `parity.tsv`), in order.
pub fn registry_history(corpus: &Path) -> Vec<Version> {
    let dir = corpus.join("registry-history");
    let parity: std::collections::BTreeMap<String, Vec<String>> = tsv(&corpus.join("parity.tsv"))
        .into_iter()
        .map(|row| (row[0].clone(), row))
        .collect();
    let files: Vec<String> = std::fs::read_dir(&dir)
        .expect("list registry-history")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    let versions: Vec<Version> = tsv(&dir.join("index.tsv"))
        .into_iter()
        .map(|row| {
            let name = files
                .iter()
                .find(|f| f.starts_with(&format!("{}-", row[0])));
            let parity = name.and_then(|n| parity.get(n)).and_then(|p| {
                (p[1] != "INVALID").then(|| [p[1].clone(), p[2].clone(), p[3].clone()])
            });
            Version {
                file: name.map(|n| dir.join(n)),
                nnn: row[0].clone(),
                date: row[2].clone(),
                status: row[3].clone(),
                parity,
            }
        })
        .collect();
    assert!(
        versions.len() >= 30,
        "index.tsv lists {} versions",
        versions.len()
    );
    versions
}

/// Lowercase hex SHA-256, computed independently of the binary under test.
pub fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes.as_ref())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A pre-commit (or other) hook that runs `git-audit` commands and records, for each
/// `(name, arguments)`, `name.out`, `name.err` and `name.code` in `out_dir` (outside the work
/// tree), plus the `GIT_INDEX_FILE` git handed the hook in `index-file`. Always exits 0.
pub fn recording_hook(out_dir: &Path, commands: &[(&str, &str)]) -> String {
    std::fs::create_dir_all(out_dir).expect("mkdir hook output");
    let mut body = format!(
        "out='{}'\nprintf '%s\\n' \"$GIT_INDEX_FILE\" >\"$out/index-file\"\n",
        out_dir.display()
    );
    for (name, args) in commands {
        body.push_str(&format!(
            "git-audit {args} >\"$out/{name}.out\" 2>\"$out/{name}.err\"; echo $? >\"$out/{name}.code\"\n"
        ));
    }
    body.push_str("exit 0");
    body
}

/// What a [`recording_hook`] recorded for command `name`; panics if the hook never ran it.
#[track_caller]
pub fn recorded(out_dir: &Path, name: &str) -> Run {
    let read = |ext: &str| {
        std::fs::read_to_string(out_dir.join(format!("{name}.{ext}")))
            .unwrap_or_else(|e| panic!("the hook did not record {name}.{ext}: {e}"))
    };
    Run {
        code: read("code").trim().parse().expect("exit code"),
        stdout: read("out"),
        stderr: read("err"),
    }
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
