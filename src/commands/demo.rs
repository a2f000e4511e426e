//! `git audit demo`: the whole story on the built-in example, in a scratch repository.
//!
//! It needs nothing but the binary: the repository is created and committed through libgit2,
//! and every commit attempt runs the same gate the pre-commit hook runs.

use std::path::{Path, PathBuf};

use crate::cli::DemoArgs;
use crate::commands::check::{check_plan, Plan, Scope};
use crate::core::changelog;
use crate::core::config::Config;
use crate::core::finding::Finding;
use crate::core::report::CheckReport;
use crate::error::{Error, Result};
use crate::io::git::{Repo, Source};
use crate::render::{self, Paint, ReportKind};
use crate::{Env, ExitStatus};

/// The example, as committed in this repository under examples/demo (its audit.toml is written at
/// the scratch repository's root).
const FILES: &[(&str, &str)] = &[
    ("audit.toml", include_str!("../../examples/demo/audit.toml")),
    (
        "examples/demo/orchestration-domains.json",
        include_str!("../../examples/demo/orchestration-domains.json"),
    ),
    (
        "examples/demo/json-sequences/canvas-copy.json",
        include_str!("../../examples/demo/json-sequences/canvas-copy.json"),
    ),
    (
        "examples/demo/json-sequences/canvas-create.json",
        include_str!("../../examples/demo/json-sequences/canvas-create.json"),
    ),
    (
        "examples/demo/json-sequences/library-load.json",
        include_str!("../../examples/demo/json-sequences/library-load.json"),
    ),
];

const REGISTRY: &str = "examples/demo/orchestration-domains.json";
const COPY: &str = "examples/demo/json-sequences/canvas-copy.json";
const CREATE: &str = "examples/demo/json-sequences/canvas-create.json";

/// Commit identity and clock of the scratch repository: fixed, so the story is reproducible.
const NAME: &str = "Demo Generator";
const EMAIL: &str = "generator@example.invalid";
const EPOCH: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

struct Story<'e, 'w> {
    env: &'e mut Env<'w>,
    repo: Repo,
    dir: PathBuf,
    clock: i64,
    made: Vec<String>,
    blocked: Vec<String>,
}

impl Story<'_, '_> {
    fn say(&mut self, text: &str) -> Result<()> {
        writeln!(self.env.out, "{text}").map_err(render::write_error)
    }

    fn paint(&self) -> Paint {
        self.env.paint
    }

    fn write(&self, path: &str, text: &str) -> Result<()> {
        let full = self.dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("cannot create {}", parent.display()), e))?;
        }
        std::fs::write(&full, text)
            .map_err(|e| Error::io(format!("cannot write {}", full.display()), e))
    }

    fn read(&self, path: &str) -> Result<String> {
        let full = self.dir.join(path);
        std::fs::read_to_string(&full)
            .map_err(|e| Error::io(format!("cannot read {}", full.display()), e))
    }

    fn config(&self) -> Result<Config> {
        super::load_config(&self.repo, &Source::Index, None)
    }

    /// Runs the pre-commit gate on the index; commits when it passes.
    fn commit(&mut self, message: &str, expect_pass: bool) -> Result<bool> {
        let cmd = format!("$ git commit -m {message:?}");
        self.say(&self.paint().bold(&cmd))?;
        let config = self.config()?;
        let before = if self.repo.head_is_unborn() {
            Source::Empty
        } else {
            Source::head()
        };
        let plan = Plan {
            before,
            after: Source::Index,
            commit: None,
        };
        let outcome = check_plan(&self.repo, &config, &plan, Scope::CHANGES)?;
        let mut report = CheckReport::new();
        report.checked = outcome.checked;
        report.governed = Some(outcome.governed);
        report.ok = !outcome.findings.iter().any(Finding::blocks);
        report.scope = format!("the {} against {}", plan.after, plan.before);
        report.findings = outcome.findings;
        let mut text = Vec::new();
        render::findings::human(&mut text, &report, self.paint(), false)?;
        for line in String::from_utf8_lossy(&text).lines() {
            self.say(&format!("  {line}"))?;
        }
        if report.ok {
            self.clock += 60;
            // What the installed hook does next: the changelog entry, in the same commit.
            let author = format!("{NAME} <{EMAIL}>");
            let date = crate::core::date::date_of(self.clock, 0);
            for line in
                super::changelog::record_as(&self.repo, &config, false, Some((author, date)))?.all()
            {
                self.say(&format!("  {line}"))?;
            }
            let id = self.repo.commit_index(message, NAME, EMAIL, self.clock)?;
            self.say(&self.paint().green(&format!("  → committed {}", &id[..10])))?;
            self.made.push(message.to_string());
        } else {
            let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
            self.say(&self.paint().red("  → blocked: the commit was not made"))?;
            self.blocked
                .push(format!("{message} ({})", rules.join(", ")));
        }
        if report.ok != expect_pass {
            return Err(Error::refused(
                format!(
                    "the demo expected this commit to {}",
                    if expect_pass { "pass" } else { "be blocked" }
                ),
                "this is a bug in git-audit; please report it with the output above",
            ));
        }
        Ok(report.ok)
    }

    /// Puts a file back as HEAD has it, in the index and on disk.
    fn restore(&mut self, path: &str, text: &str) -> Result<()> {
        self.write(path, text)?;
        self.repo.stage(&[path])
    }

    /// Prints the changelog entry HEAD added (what the hook recorded in the commit).
    fn show_entry(&mut self) -> Result<()> {
        let path = self.config()?.changelog.path;
        let text = |source: &Source| -> Result<String> {
            Ok(self
                .repo
                .read_path(source, &path)?
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default())
        };
        let parent = self
            .repo
            .commit_info("HEAD")?
            .parent
            .map_or(Source::Empty, Source::Rev);
        let (before, now) = (text(&parent)?, text(&Source::head())?);
        let added = changelog::added(&changelog::parse(&before), &changelog::parse(&now));
        self.say(&self.paint().bold(&format!(
            "$ git show HEAD -- {path}   # the entry the hook recorded in the same commit"
        )))?;
        for found in added {
            for line in now[found.span].trim_end().lines() {
                self.say(&format!("  {line}"))?;
            }
        }
        Ok(())
    }

    fn lock(&mut self) -> Result<()> {
        self.say(&self.paint().bold("$ git audit lock --stage"))?;
        let config = self.config()?;
        let done = super::lock::lock_artifacts(&self.repo, &config, &[], true)?;
        for line in done.lines.iter().filter(|l| l.starts_with("locked")) {
            self.say(&format!("  {line}"))?;
        }
        Ok(())
    }
}

fn replace_once(text: &str, from: &str, to: &str) -> Result<String> {
    if text.matches(from).count() != 1 {
        return Err(Error::refused(
            format!("the demo's example no longer contains {from:?} exactly once"),
            "this is a bug in git-audit's demo; please report it",
        ));
    }
    Ok(text.replacen(from, to, 1))
}

pub fn run(env: &mut Env<'_>, args: &DemoArgs) -> Result<ExitStatus> {
    env.formats("demo", ReportKind::Messages)?;
    let (dir, keep) = match &args.path {
        Some(d) => (d.clone(), true),
        None => (
            std::env::temp_dir().join(format!("git-audit-demo-{}", std::process::id())),
            false,
        ),
    };
    if dir.exists()
        && std::fs::read_dir(&dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Error::refused(
            format!("{} exists and is not empty", dir.display()),
            "give the demo a new or empty directory",
        ));
    }
    let result = story(env, &dir, keep);
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

fn story(env: &mut Env<'_>, dir: &Path, keep: bool) -> Result<ExitStatus> {
    let repo = Repo::init(dir)?;
    let dir = repo.workdir().to_path_buf();
    let mut s = Story {
        env,
        repo,
        dir,
        clock: EPOCH,
        made: Vec::new(),
        blocked: Vec::new(),
    };
    let title = s
        .paint()
        .bold("git-audit demo: the commit gate on a built-in example");
    s.say(&title)?;
    let location = if keep {
        format!("Scratch repository: {}", s.dir.display())
    } else {
        format!(
            "Scratch repository: {} (removed afterwards; `git audit demo DIR` keeps it)",
            s.dir.display()
        )
    };
    s.say(&location)?;

    s.say(&format!(
        "\n{}",
        s.paint().bold(
            "1. The hooks installed: from here on `git commit` in this repository runs the gate."
        )
    ))?;
    s.say(&s.paint().bold("$ git audit install"))?;
    let install = crate::cli::InstallArgs {
        hooks: Vec::new(),
        force: false,
    };
    if let Err(e) = super::install::install_into(s.env, &s.repo, &install) {
        // A global core.hooksPath, say: the story goes on; the gate runs in-process below.
        s.say(&format!("  hooks not installed: {e}"))?;
    }

    s.say(&format!(
        "\n{}",
        s.paint().bold(
            "2. A registry of three domains and their sequence files, locked by the generator."
        )
    ))?;
    for (path, text) in FILES {
        s.write(path, text)?;
    }
    let paths: Vec<&str> = FILES.iter().map(|(p, _)| *p).collect();
    s.repo.stage(&paths)?;
    s.lock()?;
    s.commit("Add the orchestration registry", true)?;

    s.say(&format!(
        "\n{}",
        s.paint()
            .bold("3. A structural change through the generator: canvas-copy gains a fourth beat.")
    ))?;
    let copy = s.read(COPY)?;
    let registry = s.read(REGISTRY)?;
    let new_copy = replace_once(
        &copy,
        "\"timing\": \"deferred\" }\n",
        "\"timing\": \"deferred\" },\n        { \"beat\": 4, \"event\": \"canvas:copy:audit\", \"handler\": \"recordCopy\", \"title\": \"Record the copy\", \"dynamics\": \"pp\", \"timing\": \"async\" }\n",
    )?;
    let new_registry = replace_once(
        &registry,
        "\"movements\": 1,\n      \"beats\": 3,\n      \"tempo\": 120,",
        "\"movements\": 1,\n      \"beats\": 4,\n      \"tempo\": 120,",
    )?;
    s.write(COPY, &new_copy)?;
    s.write(REGISTRY, &new_registry)?;
    s.repo.stage(&[COPY, REGISTRY])?;
    s.lock()?;
    s.say(&s.paint().bold("$ git audit diff"))?;
    let config = s.config()?;
    let diff = super::diff::compare(&s.repo, &config, &Source::head(), &Source::Index)?;
    let mut text = Vec::new();
    render::diff::human(&mut text, &diff, s.paint())?;
    for line in String::from_utf8_lossy(&text).lines() {
        s.say(&format!("  {line}"))?;
    }
    s.commit("canvas-copy: record every copy", true)?;
    s.show_entry()?;

    s.say(&format!(
        "\n{}",
        s.paint().bold(
            "4. A hand edit of the locked registry: canvas-copy's tempo 120 → 140, no generator."
        )
    ))?;
    let registry = s.read(REGISTRY)?;
    let edited = replace_once(&registry, "\"tempo\": 120,", "\"tempo\": 140,")?;
    s.write(REGISTRY, &edited)?;
    s.repo.stage(&[REGISTRY])?;
    s.commit("Speed up canvas copy", false)?;
    s.restore(REGISTRY, &registry)?;

    s.say(&format!(
        "\n{}",
        s.paint()
            .bold("5. Invalid JSON: a trailing comma slips into a sequence file.")
    ))?;
    let create = s.read(CREATE)?;
    let broken = replace_once(
        &create,
        "\"timing\": \"async\" }",
        "\"timing\": \"async\", }",
    )?;
    s.write(CREATE, &broken)?;
    s.repo.stage(&[CREATE])?;
    s.commit("Tweak canvas create", false)?;
    s.restore(CREATE, &create)?;

    let summary = format!(
        "\nSummary: {} commit{} made ({}); {} blocked ({}). Nothing was written when a check failed.",
        s.made.len(),
        if s.made.len() == 1 { "" } else { "s" },
        s.made.join("; "),
        s.blocked.len(),
        s.blocked.join("; ")
    );
    s.say(&summary)?;
    Ok(ExitStatus::Ok)
}
