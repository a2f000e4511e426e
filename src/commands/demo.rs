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
    (
        "examples/demo/docs/domains.md.j2",
        include_str!("../../examples/demo/docs/domains.md.j2"),
    ),
    (
        "examples/demo/features/canvas-copy.feature",
        include_str!("../../examples/demo/features/canvas-copy.feature"),
    ),
    (
        "examples/demo/features/canvas-create.feature",
        include_str!("../../examples/demo/features/canvas-create.feature"),
    ),
    (
        "examples/demo/src/canvas.js",
        include_str!("../../examples/demo/src/canvas.js"),
    ),
    (
        "examples/demo/src/canvas.test.js",
        include_str!("../../examples/demo/src/canvas.test.js"),
    ),
    (
        "examples/demo/src/library.js",
        include_str!("../../examples/demo/src/library.js"),
    ),
    (
        "examples/demo/src/library.test.js",
        include_str!("../../examples/demo/src/library.test.js"),
    ),
];

/// What a CI run left behind (test and coverage reports, timing runs): written to the scratch
/// repository and handed to commands, never committed.
const REPORTS: &[(&str, &str)] = &[
    (
        "examples/demo/reports/junit.xml",
        include_str!("../../examples/demo/reports/junit.xml"),
    ),
    (
        "examples/demo/reports/lcov.info",
        include_str!("../../examples/demo/reports/lcov.info"),
    ),
    (
        "examples/demo/runs/baseline-run.jsonl",
        include_str!("../../examples/demo/runs/baseline-run.jsonl"),
    ),
    (
        "examples/demo/runs/slow-run.jsonl",
        include_str!("../../examples/demo/runs/slow-run.jsonl"),
    ),
];

const REGISTRY: &str = "examples/demo/orchestration-domains.json";
const COPY: &str = "examples/demo/json-sequences/canvas-copy.json";
const CREATE: &str = "examples/demo/json-sequences/canvas-create.json";
const LIBRARY: &str = "examples/demo/json-sequences/library-load.json";
const TEMPLATE: &str = "examples/demo/docs/domains.md.j2";

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

    /// Runs `git audit ARGS` for real (this binary, in the scratch repository, on the story's
    /// clock), prints what it printed, and insists on the exit code the story expects.
    fn run(&mut self, args: &[&str], expect: i32) -> Result<String> {
        self.run_until(args, expect, None)
    }

    /// [`Story::run`], printing its output only up to the line that starts with `stop`.
    fn run_until(&mut self, args: &[&str], expect: i32, stop: Option<&str>) -> Result<String> {
        self.say(
            &self
                .paint()
                .bold(&format!("$ git audit {}", args.join(" "))),
        )?;
        let color = if self.paint().enabled {
            "always"
        } else {
            "never"
        };
        let mut argv = vec!["--color", color];
        argv.extend_from_slice(args);
        let env = [
            ("SOURCE_DATE_EPOCH", self.clock.to_string()),
            ("GIT_AUDIT_TODAY", crate::core::date::date_of(self.clock, 0)),
        ];
        let done = crate::io::process::run_self(&self.dir, &argv, &env)?;
        self.repo.index_written_elsewhere();
        let text = format!("{}{}", done.stdout, done.stderr);
        for line in text.lines() {
            if stop.is_some_and(|s| line.starts_with(s)) {
                break;
            }
            self.say(&format!("  {line}"))?;
        }
        if done.code != expect {
            return Err(Error::refused(
                format!(
                    "the demo expected `git audit {}` to exit {expect}, not {}",
                    args.join(" "),
                    done.code
                ),
                "this is a bug in git-audit; please report it with the output above",
            ));
        }
        Ok(done.stdout)
    }

    /// Keeps files out of `git status` through `.git/info/exclude` (never .gitignore: the
    /// story's commits stay what they are).
    fn exclude(&self, patterns: &[&str]) -> Result<()> {
        let path = self.repo.git_dir().join("info").join("exclude");
        let mut text = std::fs::read_to_string(&path).unwrap_or_default();
        for p in patterns {
            if !text.lines().any(|l| l == *p) {
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(p);
                text.push('\n');
            }
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("cannot create {}", parent.display()), e))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
    }

    /// A step's title.
    fn step(&mut self, text: &str) -> Result<()> {
        let title = self.paint().bold(text);
        self.say(&format!("\n{title}"))
    }

    /// Rewrites a staged file on disk and in the index.
    fn edit(&mut self, path: &str, from: &str, to: &str) -> Result<String> {
        let before = self.read(path)?;
        let after = replace_once(&before, from, to)?;
        self.write(path, &after)?;
        self.repo.stage(&[path])?;
        Ok(before)
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

    s.step(
        "2. A registry generated from three sequence files, locked, a doc rendered from it, \
         and a timing baseline from a real run.",
    )?;
    for (path, text) in FILES.iter().chain(REPORTS) {
        s.write(path, text)?;
    }
    // The reports are CI artifacts: on disk for the commands, never committed.
    s.exclude(&["/examples/demo/reports/", "/examples/demo/runs/"])?;
    let paths: Vec<&str> = FILES.iter().map(|(p, _)| *p).collect();
    s.repo.stage(&paths)?;
    s.run(&["registry", "generate", "--check"], 0)?;
    s.lock()?;
    s.run(&["docs", "render", "--stage"], 0)?;
    s.run(
        &["timing", "ingest", "examples/demo/runs/baseline-run.jsonl"],
        0,
    )?;
    s.run(&["timing", "baseline", "--write", "--stage"], 0)?;
    s.commit("Add the orchestration registry", true)?;

    s.step(
        "3. A structural change through the generator: canvas-copy gains a fourth beat \
         (a minor change: version 1.0.0 → 1.1.0).",
    )?;
    s.edit(
        COPY,
        "\"timing\": \"deferred\" }\n",
        "\"timing\": \"deferred\" },\n        { \"beat\": 4, \"event\": \"canvas:copy:audit\", \"handler\": \"recordCopy\", \"testFile\": \"examples/demo/src/canvas.test.js\", \"title\": \"Record the copy\", \"dynamics\": \"pp\", \"timing\": \"async\" }\n",
    )?;
    s.edit(REGISTRY, "\"version\": \"1.0.0\"", "\"version\": \"1.1.0\"")?;
    s.run(&["registry", "generate", "--stage"], 0)?;
    s.lock()?;
    s.run(&["docs", "render", "--stage"], 0)?;
    s.say(&s.paint().bold("$ git audit diff"))?;
    let config = s.config()?;
    let diff = super::diff::compare(&s.repo, &config, &Source::head(), &Source::Index)?;
    let mut text = Vec::new();
    render::diff::human(&mut text, &diff, s.paint())?;
    for line in String::from_utf8_lossy(&text).lines() {
        s.say(&format!("  {line}"))?;
    }
    s.run(&["impact"], 0)?;
    s.commit("canvas-copy: record every copy", true)?;
    s.show_entry()?;

    s.step(
        "4. A hand edit of the locked, generated registry: canvas-copy's tempo 120 → 140, \
         no generator.",
    )?;
    let registry = s.edit(
        REGISTRY,
        "\"beats\": 4,\n      \"tempo\": 120,",
        "\"beats\": 4,\n      \"tempo\": 140,",
    )?;
    s.commit("Speed up canvas copy", false)?;
    s.restore(REGISTRY, &registry)?;

    s.step("5. Invalid JSON: a trailing comma slips into a sequence file.")?;
    let create = s.edit(
        CREATE,
        "\"timing\": \"async\" }",
        "\"timing\": \"async\", }",
    )?;
    s.commit("Tweak canvas create", false)?;
    s.restore(CREATE, &create)?;

    s.step(
        "6. Docs are reflections: the doc's template gains a column, the doc is not re-rendered.",
    )?;
    s.edit(
        TEMPLATE,
        "| Domain | Name | Movements | Beats | Tempo |\n|---|---|---:|---:|---:|\n",
        "| Domain | Name | Movements | Beats | Tempo | Key |\n|---|---|---:|---:|---:|---|\n",
    )?;
    s.edit(
        TEMPLATE,
        "| {{ d.tempo }} |\n",
        "| {{ d.tempo }} | {{ d.key }} |\n",
    )?;
    s.commit("docs: show each domain's key", false)?;
    s.run(&["docs", "render", "--stage"], 0)?;
    s.commit("docs: show each domain's key", true)?;

    s.step("7. BDD and handler coverage, from the snapshot and the reports CI wrote.")?;
    s.run(&["bdd"], 0)?;
    s.run(
        &[
            "handlers",
            "--lcov",
            "examples/demo/reports/lcov.info",
            "--junit",
            "examples/demo/reports/junit.xml",
        ],
        1,
    )?;

    s.step("8. A timing regression: a new run against the committed baseline.")?;
    s.run(&["timing", "check", "examples/demo/runs/slow-run.jsonl"], 0)?;

    s.step(
        "9. Impact and the version it demands: library-load loses a beat (a major change) \
         with only a minor bump.",
    )?;
    s.edit(
        LIBRARY,
        "\"timing\": \"immediate\" },\n        { \"beat\": 2, \"event\": \"library:load:index\", \"handler\": \"indexComponents\", \"testFile\": \"examples/demo/src/library.test.js\", \"title\": \"Index them\", \"dynamics\": \"mp\", \"timing\": \"immediate\" }\n",
        "\"timing\": \"immediate\" }\n",
    )?;
    s.edit(REGISTRY, "\"version\": \"1.1.0\"", "\"version\": \"1.2.0\"")?;
    s.run(&["registry", "generate", "--stage"], 0)?;
    s.lock()?;
    s.run(&["docs", "render", "--stage"], 0)?;
    s.run(&["impact"], 0)?;
    s.commit("library-load: index lazily", false)?;
    s.say(
        &s.paint()
            .bold("$ # raise /metadata/version to 2.0.0 in the registry, then relock it"),
    )?;
    s.edit(REGISTRY, "\"version\": \"1.2.0\"", "\"version\": \"2.0.0\"")?;
    s.lock()?;
    s.commit("library-load: index lazily", true)?;

    s.step(
        "10. One dashboard over all of it: the plan's readiness checklist, each item computed \
         from its evidence.",
    )?;
    let reports = [
        "--lcov",
        "examples/demo/reports/lcov.info",
        "--junit",
        "examples/demo/reports/junit.xml",
        "--timings",
        "examples/demo/runs/slow-run.jsonl",
    ];
    let mut args = vec!["dashboard", "HEAD~3..HEAD"];
    args.extend_from_slice(&reports);
    s.run_until(&args, 0, Some("## Structural changes"))?;
    s.say(
        "  … and the sections behind it: structural changes, changelog, integrity, compliance, \
         provenance, BDD, handlers, timing, impact.",
    )?;
    if keep {
        args.extend_from_slice(&["--format", "html", "--output", "dashboard.html"]);
        s.run(&args, 0)?;
        s.exclude(&["/dashboard.html"])?;
        let html = s.dir.join("dashboard.html");
        s.say(&format!("  Open {} in a browser.", html.display()))?;
    }

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
