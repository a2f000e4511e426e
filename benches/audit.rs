//! git-audit's benchmarks (not timed tests): `cargo bench --bench audit [-- SCENARIO… | --runs N]`.
//!
//! Scenarios: `100kb`, `10mb`, `100mb` (or `registry` for all three), `repo` (the
//! 10,000-file repository), and the cliffs of issue 10 (or `cliffs` for all of them):
//! `minified`, `diff-keys`, `diff-array`, `diff-domains`, `many-findings`, `verify-history`.
//! With none named, all run. `GIT_AUDIT_BENCH_BIN=PATH` measures another build of the binary
//! (for before/after numbers). See benches/README.md for what each printed number means.
//!
//! Everything is generated deterministically (a seeded SplitMix64, no `rand`), staged in
//! hermetic temporary repositories by the real `git`, and measured against the release binary
//! (`CARGO_BIN_EXE_git-audit`): wall time per run, and the child's peak RSS and CPU time from
//! `wait4(2)`'s rusage. The library is also timed in-process, piece by piece, so git's read
//! cost can be told apart from parsing and hashing.

// A counting global allocator and wait4(2) need unsafe; a benchmark prints its numbers.
#![allow(unsafe_code, clippy::print_stdout, clippy::print_stderr)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::fs::File;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use git_audit::core::artifact;
use git_audit::core::config::Config;
use git_audit::core::json::{self, canonical};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Heap accounting: a counting allocator, switched on only for the one untimed run that
// measures how much heap the library's tree takes (timed runs pay one relaxed load per call).

struct Counting;

/// `--keep`: leave the scratch repositories behind (their paths are printed) for profiling.
static KEEP: AtomicBool = AtomicBool::new(false);

static TRACK: AtomicBool = AtomicBool::new(false);
static CURRENT: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn note_alloc(delta: isize) {
    if TRACK.load(Ordering::Relaxed) {
        let now = CURRENT.fetch_add(delta, Ordering::Relaxed) + delta;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            note_alloc(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            note_alloc(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        note_alloc(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            note_alloc(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Peak heap growth (bytes) while `f` runs.
fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    CURRENT.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    TRACK.store(true, Ordering::SeqCst);
    let out = f();
    TRACK.store(false, Ordering::SeqCst);
    (out, PEAK.load(Ordering::Relaxed).max(0) as usize)
}

// ---------------------------------------------------------------------------------------------
// Deterministic generation.

/// SplitMix64: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const WORDS: &[&str] = &[
    "canvas",
    "component",
    "copy",
    "library",
    "drag",
    "drop",
    "control",
    "panel",
    "header",
    "theme",
    "select",
    "resize",
    "export",
    "import",
    "render",
    "layout",
    "symphony",
    "pipeline",
    "analysis",
    "governance",
    "conformity",
    "metrics",
    "coverage",
    "delivery",
    "healing",
    "validation",
    "dashboard",
    "report",
    "graph",
    "orchestration",
    "fractal",
    "domain",
    "sequence",
    "movement",
    "beat",
    "handler",
    "registry",
    "audit",
    "integrity",
    "snapshot",
    "telemetry",
    "cache",
    "session",
    "state",
    "store",
    "event",
    "signal",
    "stream",
];

const VERBS: &[&str] = &[
    "Serialize",
    "Clipboard",
    "Notify",
    "Validate",
    "Resolve",
    "Publish",
    "Render",
    "Measure",
    "Collect",
    "Persist",
    "Load",
    "Transform",
    "Route",
    "Emit",
    "Reconcile",
];

const EMOJI: &[&str] = &["🔌", "🎼", "🧭", "🛠️", "📊", "🧪", "🔁", "🎯", "🏗️", "🩺"];
const KEYS: &[&str] = &[
    "C Major", "G Major", "D Minor", "A Minor", "E Major", "F Major",
];
const SIGNATURES: &[&str] = &["4/4", "3/4", "6/8", "5/4"];
const CATEGORIES: &[(&str, &str, &str)] = &[
    ("plugin", "Plugin Sequences", "Feature-level sequences"),
    (
        "orchestration",
        "Orchestration Domains",
        "System-level sequences",
    ),
    (
        "infra",
        "Infrastructure",
        "Build, delivery and runtime plumbing",
    ),
    (
        "governance",
        "Governance",
        "Rules, audits and conformity checks",
    ),
];

fn title(rng: &mut Rng, min: usize, spread: usize) -> String {
    let words = min + rng.below(spread);
    let mut out = String::new();
    for i in 0..words {
        if i > 0 {
            out.push(' ');
        }
        let w = rng.pick(WORDS);
        out.push_str(&w[..1].to_uppercase());
        out.push_str(&w[1..]);
    }
    out
}

fn slug(title: &str) -> String {
    title.to_lowercase().replace(' ', "-")
}

fn sentence(rng: &mut Rng, min: usize, spread: usize) -> String {
    let words = min + rng.below(spread);
    let mut out = String::new();
    for i in 0..words {
        if i > 0 {
            out.push(' ');
        }
        let word: &&str = rng.pick(WORDS);
        out.push_str(word);
    }
    // A few strings carry escapes, as real prose does: quotes and line breaks.
    if rng.chance(40) {
        out.push_str(" \"quoted\"");
    }
    if rng.chance(100) {
        out.push_str("\nsecond line");
    }
    out
}

/// One registry domain shaped like renderx's orchestration-domains.json entries.
fn domain(rng: &mut Rng, index: usize, ids: &[String]) -> (String, Value) {
    let name = title(rng, 2, 3);
    let id = format!("{}-{index:06}-symphony", slug(&name));
    let category = rng.pick(CATEGORIES).0;
    let tempo = 60 + rng.below(121);
    let key = *rng.pick(KEYS);
    let signature = *rng.pick(SIGNATURES);
    let movements = 1 + rng.below(5);
    let mut beats = 0;
    let phases: Vec<Value> = (0..movements)
        .map(|m| {
            let items: Vec<Value> = (0..1 + rng.below(6))
                .map(|_| {
                    let kind = *rng.pick(&["pure", "io", "stateful"]);
                    Value::String(format!("{} ({kind})", rng.pick(VERBS)))
                })
                .collect();
            beats += items.len();
            json!({ "name": format!("Movement {}: {}", m + 1, title(rng, 2, 1)), "items": items })
        })
        .collect();
    let related: Vec<Value> = (0..rng.below(4))
        .filter(|_| !ids.is_empty())
        .map(|_| Value::String(rng.pick(ids).clone()))
        .collect();
    let plugin_id = format!("{}Plugin", name.replace(' ', ""));
    let mut d = json!({
        "id": id,
        "name": name,
        "emoji": rng.pick(EMOJI),
        "description": sentence(rng, 4, 12),
        "category": category,
        "purpose": sentence(rng, 2, 4),
        "relatedDomains": related,
        "status": rng.pick(&["active", "experimental", "deprecated"]),
        "pluginId": plugin_id,
        "movements": movements,
        "beats": beats,
        "tempo": tempo,
        "key": key,
        "timeSignature": signature,
        "sketch": {
            "title": name,
            "sequence": {
                "id": id,
                "name": name,
                "tempo": tempo,
                "key": key,
                "timeSignature": signature,
                "category": category,
            },
            "phases": phases,
        },
    });
    if !ids.is_empty() && rng.chance(3) {
        d["parent"] = Value::String(rng.pick(ids).clone());
    }
    (id, d)
}

/// Appends `text` (pretty JSON) indented by `indent` spaces on every line.
fn push_indented(out: &mut String, text: &str, indent: usize) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.extend(std::iter::repeat_n(' ', indent));
        out.push_str(line);
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).expect("a generated value serialises")
}

/// A registry of at least `target` bytes, pretty-printed with two-space indentation (as
/// `JSON.stringify(doc, null, 2)` writes it), the same bytes for the same `target` every time.
fn registry(target: usize) -> Vec<u8> {
    let mut rng = Rng(0x6769_742d_6175_6469 ^ target as u64);
    let header = json!({
        "id": "orchestration-domains-registry",
        "name": "Orchestration Domains Registry",
        "metadata": {
            "description": "Complete registry of all orchestration domains and plugin sequences",
            "version": "1.0.0",
            "generated": "2025-11-27T04:08:45.192Z",
        },
        "categories": CATEGORIES
            .iter()
            .map(|(id, name, description)| json!({"id": id, "name": name, "description": description}))
            .collect::<Vec<_>>(),
    });
    let mut out = String::with_capacity(target + 4096);
    out.push_str("{\n");
    for (key, value) in header.as_object().expect("an object") {
        out.push_str(&format!("  {}: ", Value::String(key.clone())));
        let text = pretty(value);
        let mut lines = text.splitn(2, '\n');
        out.push_str(lines.next().unwrap_or_default());
        if let Some(rest) = lines.next() {
            out.push('\n');
            push_indented(&mut out, rest, 2);
        }
        out.push_str(",\n");
    }
    out.push_str("  \"domains\": [\n");
    let mut ids: Vec<String> = Vec::new();
    const TAIL: &str = "\n  ]\n}";
    loop {
        let (id, d) = domain(&mut rng, ids.len(), &ids);
        push_indented(&mut out, &pretty(&d), 4);
        ids.push(id);
        if out.len() + TAIL.len() >= target {
            break;
        }
        out.push_str(",\n");
    }
    out.push_str(TAIL);
    out.into_bytes()
}

/// A json-sequences file shaped like renderx's plugin sequences.
fn sequence(rng: &mut Rng, package: &str, index: usize) -> (String, String) {
    let name = title(rng, 2, 2);
    let file = format!("{}-{index:02}", slug(&name));
    let mut beat = 0;
    let movements: Vec<Value> = (0..1 + rng.below(4))
        .map(|_| {
            let mname = title(rng, 1, 2);
            let beats: Vec<Value> = (0..1 + rng.below(8))
                .map(|_| {
                    beat += 1;
                    let verb = rng.pick(VERBS);
                    json!({
                        "beat": beat,
                        "event": format!("{package}.{}.{}.requested", slug(&mname), verb.to_lowercase()),
                        "title": format!("{verb} {mname}"),
                        "dynamics": rng.pick(&["p", "mp", "mf", "f"]),
                        "handler": format!("on{verb}{}", mname.replace(' ', "")),
                        "timing": rng.pick(&["immediate", "after-beat", "deferred"]),
                        "kind": rng.pick(&["pure", "io", "stateful"]),
                    })
                })
                .collect();
            json!({ "id": slug(&mname), "name": mname, "beats": beats })
        })
        .collect();
    let doc = json!({
        "pluginId": format!("{}Plugin", name.replace(' ', "")),
        "id": format!("{file}-symphony"),
        "name": name,
        "movements": movements,
        "beats": beat,
    });
    (format!("{file}.json"), pretty(&doc))
}

/// A source-like file: a few hundred bytes to a couple of KB of TypeScript-ish text.
fn source_file(rng: &mut Rng, path: &str) -> String {
    let mut out = format!("// {path} (generated for the git-audit benchmark)\n");
    for _ in 0..2 + rng.below(20) {
        let a = rng.pick(WORDS);
        let b = rng.pick(VERBS);
        let _ = writeln!(
            out,
            "export function {b}{}(input: number): number {{\n  return input * {} + {};\n}}\n",
            a.to_uppercase(),
            rng.below(1000),
            rng.below(97)
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Hermetic git and the measured child.

fn hermetic<'c>(cmd: &'c mut Command, home: &Path) -> &'c mut Command {
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CEILING_DIRECTORIES",
        "GIT_COMMON_DIR",
        "NO_COLOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_SYSTEM", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", home)
        .env("GIT_AUTHOR_NAME", "Bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.invalid")
        .env("GIT_AUTHOR_DATE", "2025-01-01T00:00:00Z")
        .env("GIT_COMMITTER_NAME", "Bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.invalid")
        .env("GIT_COMMITTER_DATE", "2025-01-01T00:00:00Z")
}

fn git(dir: &Path, home: &Path, args: &[&str]) {
    let status = hermetic(Command::new("git").args(args).current_dir(dir), home)
        .stdout(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed in {}", dir.display());
}

/// A scratch repository: a temporary directory holding `home/` and `repo/`.
struct Scratch {
    /// Removed on drop, unless `--keep`.
    _tmp: Option<tempfile::TempDir>,
    home: PathBuf,
    repo: PathBuf,
}

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let tmp = tempfile::Builder::new()
            .prefix(&format!("git-audit-bench-{tag}-"))
            .tempdir()
            .expect("a temporary directory");
        let home = tmp.path().join("home");
        let repo = tmp.path().join("repo");
        std::fs::create_dir_all(&home).expect("mkdir home");
        std::fs::create_dir_all(&repo).expect("mkdir repo");
        git(&repo, &home, &["init", "-q", "-b", "main"]);
        // No background `gc --auto` / maintenance repacking objects while runs are timed.
        git(&repo, &home, &["config", "gc.auto", "0"]);
        git(&repo, &home, &["config", "maintenance.auto", "false"]);
        let tmp = if KEEP.load(Ordering::Relaxed) {
            eprintln!("[{tag}] keeping {}", tmp.keep().display());
            None
        } else {
            Some(tmp)
        };
        Scratch {
            _tmp: tmp,
            home,
            repo,
        }
    }

    fn git(&self, args: &[&str]) {
        git(&self.repo, &self.home, args);
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.repo.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, bytes).expect("write");
    }
}

/// One measured run of the binary.
#[derive(Debug, Clone, Copy)]
struct Run {
    wall: Duration,
    cpu: Duration,
    max_rss: u64,
}

fn tv(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

/// The hidden first argument that turns this binary into the measuring launcher.
const LAUNCHER: &str = "--measure-child";

/// Peak RSS (bytes) of this process so far, from /proc/self/status.
fn own_peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Launcher mode: `audit --measure-child REPORT PROGRAM ARGS…` runs PROGRAM with this process's
/// environment, directory and standard streams, reaps it with wait4(2), and writes
/// `wall_ns cpu_ns max_rss_bytes exit_code launcher_rss_bytes` to REPORT.
///
/// Why a launcher: on Linux a child started with vfork/posix_spawn (as `Command` does) inherits
/// its parent's peak RSS into its own `ru_maxrss` at exec, so measuring from the benchmark
/// process, which holds 100 MB registries and their trees, would report the benchmark's
/// memory, not git-audit's. The launcher is small; its own peak is reported as the floor.
fn launcher(args: &[String]) -> ! {
    let [report, program, rest @ ..] = args else {
        eprintln!("usage: {LAUNCHER} REPORT PROGRAM [ARGS…]");
        std::process::exit(2);
    };
    let floor = own_peak_rss();
    let start = Instant::now();
    let child = Command::new(program)
        .args(rest)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped; both out-pointers are valid.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    drop(child); // already reaped by wait4; dropping only closes handles
    assert_eq!(
        reaped,
        pid,
        "wait4 failed: {}",
        std::io::Error::last_os_error()
    );
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let cpu = tv(usage.ru_utime) + tv(usage.ru_stime);
    // Linux reports ru_maxrss in KiB.
    let rss = usage.ru_maxrss as u64 * 1024;
    let line = format!(
        "{} {} {rss} {code} {floor}",
        wall.as_nanos(),
        cpu.as_nanos()
    );
    std::fs::write(report, line).expect("write the launcher report");
    std::process::exit(0)
}

/// The launcher's own peak RSS (the floor under every child's reading), from the last run.
static LAUNCHER_FLOOR: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Runs `git-audit ARGS` in `scratch`'s repository through the launcher; stdout goes to a file
/// whose text is returned with the measurement. Panics when the exit status is not `expect`.
fn audit(scratch: &Scratch, args: &[&str], expect: i32) -> (Run, String) {
    let out_path = scratch.home.join("stdout");
    let err_path = scratch.home.join("stderr");
    let report_path = scratch.home.join("rusage");
    let out = File::create(&out_path).expect("stdout file");
    let err = File::create(&err_path).expect("stderr file");
    let me = std::env::current_exe().expect("the benchmark's own path");
    let mut cmd = Command::new(me);
    hermetic(&mut cmd, &scratch.home)
        .arg(LAUNCHER)
        .arg(&report_path)
        .arg(binary())
        .args(["--color", "never"])
        .args(args)
        .current_dir(&scratch.repo)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    let status = cmd.status().expect("the launcher runs");
    assert!(status.success(), "the launcher failed: {status}");
    let report = std::fs::read_to_string(&report_path).expect("the launcher's report");
    let fields: Vec<u64> = report
        .split_whitespace()
        .map(|f| f.parse::<i64>().expect("a number") as u64)
        .collect();
    let [wall_ns, cpu_ns, max_rss, code, floor] = fields[..] else {
        panic!("a malformed launcher report: {report:?}");
    };
    LAUNCHER_FLOOR.fetch_max(floor, Ordering::Relaxed);
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    if code as i64 as i32 != expect {
        let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
        panic!(
            "git-audit {args:?} exited {}, expected {expect}\n{stdout}\n{stderr}",
            code as i64
        );
    }
    let run = Run {
        wall: Duration::from_nanos(wall_ns),
        cpu: Duration::from_nanos(cpu_ns),
        max_rss,
    };
    (run, stdout)
}

/// The binary measured: the release build cargo built for this bench, or `GIT_AUDIT_BENCH_BIN`
/// (an older build, to measure "before" numbers with the same scenarios).
fn binary() -> PathBuf {
    std::env::var_os("GIT_AUDIT_BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_git-audit")),
        PathBuf::from,
    )
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting.

fn median(xs: &[f64]) -> f64 {
    percentile(xs, 0.5)
}

/// Nearest-rank percentile.
fn percentile(xs: &[f64], p: f64) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

const MB: f64 = 1e6;

fn human_size(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / MB)
    } else {
        format!("{:.1} KB", bytes as f64 / 1e3)
    }
}

/// Times `f` `runs` times (after one warm-up) and returns the seconds of each run.
fn time_runs(runs: usize, mut f: impl FnMut()) -> Vec<f64> {
    f();
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            secs(t.elapsed())
        })
        .collect()
}

fn json_field<'v>(v: &'v Value, pointer: &str) -> &'v Value {
    v.pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer} missing from {v}"))
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

struct RegistryResult {
    label: &'static str,
    bytes: usize,
    runs: usize,
    e2e_mbps: f64,
    e2e_cpu_ms: f64,
    e2e_wall_ms: f64,
    peak_rss: u64,
    lib_mbps: f64,
    parts: Vec<(&'static str, f64)>,
    tree_heap: usize,
}

fn registry_scenario(label: &'static str, target: usize, runs: usize) -> RegistryResult {
    eprintln!("[{label}] generating a {target}-byte registry…");
    let bytes = registry(target);
    let size = bytes.len();
    let scratch = Scratch::new(label);
    scratch.write("orchestration-domains.json", &bytes);
    scratch.git(&["add", "orchestration-domains.json"]);

    let config = Config::builtin();
    let reg = config
        .governing("orchestration-domains.json")
        .expect("the built-in registry artifact");
    let limits = config.limits;

    // In-process, piece by piece.
    eprintln!("[{label}] library: {runs} runs of each piece…");
    let expected = artifact::analyze(&bytes, reg, &limits)
        .expect("the generated registry parses")
        .hashes;
    let lib = time_runs(runs, || {
        let parsed = artifact::analyze(black_box(&bytes), reg, &limits).expect("parses");
        black_box(&parsed.hashes);
    });
    let raw = time_runs(runs, || {
        black_box(canonical::sha256(black_box(&bytes)));
    });
    let parse = time_runs(runs, || {
        black_box(json::parse(black_box(&bytes), &limits).expect("parses"));
    });
    let mut exclude = Vec::new();
    let mut jcs = Vec::new();
    let mut drop_tree = Vec::new();
    for _ in 0..runs {
        let mut root = json::parse(&bytes, &limits).expect("parses");
        let t = Instant::now();
        black_box(reg.exclusions.apply(&mut root));
        exclude.push(secs(t.elapsed()));
        let t = Instant::now();
        black_box(canonical::hash(&root));
        jcs.push(secs(t.elapsed()));
        let t = Instant::now();
        drop(root);
        drop_tree.push(secs(t.elapsed()));
    }
    let read_blob = || {
        let repo = git2::Repository::open(&scratch.repo).expect("repository opens");
        let index = repo.index().expect("index");
        let entry = index
            .get_path(Path::new("orchestration-domains.json"), 0)
            .expect("staged");
        let blob = repo.find_blob(entry.id).expect("blob");
        assert_eq!(blob.content().len(), size);
        black_box(blob.content());
    };
    let git_read = time_runs(runs, read_blob);
    // libgit2 re-hashes every object it reads (SHA-1 with collision detection) unless told not
    // to; this row shows what `git2::opts::strict_hash_verification(false)` would save.
    git2::opts::strict_hash_verification(false);
    let git_read_unverified = time_runs(runs, read_blob);
    git2::opts::strict_hash_verification(true);
    let (_, tree_heap) = peak_heap(|| {
        let parsed = artifact::analyze(&bytes, reg, &limits).expect("parses");
        black_box(&parsed.hashes);
    });

    // End to end: the release binary on the staged file.
    eprintln!("[{label}] end to end: {runs} runs of `git-audit hash --staged --format json`…");
    let args = ["hash", "--staged", "--format", "json"];
    let (_, first) = audit(&scratch, &args, 0);
    let report: Value = serde_json::from_str(&first).expect("hash --format json is JSON");
    assert_eq!(
        json_field(&report, "/artifacts/0/canonicalHash").as_str(),
        Some(expected.canonical.to_string().as_str()),
        "binary and library disagree on the canonical hash"
    );
    assert_eq!(
        json_field(&report, "/artifacts/0/size").as_u64(),
        Some(size as u64)
    );
    let e2e: Vec<Run> = (0..runs).map(|_| audit(&scratch, &args, 0).0).collect();
    let wall: Vec<f64> = e2e.iter().map(|r| secs(r.wall)).collect();
    let cpu: Vec<f64> = e2e.iter().map(|r| secs(r.cpu)).collect();
    let peak_rss = e2e.iter().map(|r| r.max_rss).max().unwrap_or(0);

    let mbps = |xs: &[f64]| size as f64 / MB / median(xs);
    let ms = |xs: &[f64]| median(xs) * 1e3;
    let result = RegistryResult {
        label,
        bytes: size,
        runs,
        e2e_mbps: mbps(&wall),
        e2e_cpu_ms: ms(&cpu),
        e2e_wall_ms: ms(&wall),
        peak_rss,
        lib_mbps: mbps(&lib),
        parts: vec![
            (
                "git blob read (libgit2: open, index, inflate, SHA-1 check)",
                ms(&git_read),
            ),
            (
                "git blob read, strict hash verification off",
                ms(&git_read_unverified),
            ),
            ("raw SHA-256", ms(&raw)),
            ("parse (strict, with offsets)", ms(&parse)),
            ("exclusions", ms(&exclude)),
            ("JCS + SHA-256 (canonical hash)", ms(&jcs)),
            ("drop the tree", ms(&drop_tree)),
            (
                "analyze (all of the above but git, raw hash in parallel)",
                ms(&lib),
            ),
        ],
        tree_heap,
    };
    eprintln!(
        "[{label}] {} → {:.0} MB/s end to end ({:.1} ms wall, {:.1} ms CPU), library {:.0} MB/s, peak RSS {:.1} MB",
        human_size(size),
        result.e2e_mbps,
        result.e2e_wall_ms,
        result.e2e_cpu_ms,
        result.lib_mbps,
        peak_rss as f64 / MB
    );
    result
}

struct RepoResult {
    files: usize,
    sequences: usize,
    index_bytes: u64,
    runs: usize,
    diff: Vec<Run>,
    diff_json: Vec<Run>,
    hash: Vec<Run>,
}

const REPO_FILES: usize = 10_000;
const SEQUENCES: usize = 85;
const PACKAGES: usize = 10;

fn repo_scenario(runs: usize) -> RepoResult {
    eprintln!("[repo] writing {REPO_FILES} files…");
    let scratch = Scratch::new("repo");
    let mut rng = Rng(0x7265_706f_3130_6b66);
    scratch.write("orchestration-domains.json", &registry(100_000));
    let mut files = 1;
    let mut first_sequence = None;
    for s in 0..SEQUENCES {
        let package = format!("pkg{:02}", s % PACKAGES);
        let (name, text) = sequence(&mut rng, &package, s);
        let rel = format!("packages/{package}/json-sequences/{name}");
        scratch.write(&rel, text.as_bytes());
        first_sequence.get_or_insert(rel);
        files += 1;
    }
    let mut n = 0;
    'outer: for p in 0..PACKAGES {
        for m in 0..25 {
            for s in 0..5 {
                for f in 0..8 {
                    if files == REPO_FILES {
                        break 'outer;
                    }
                    let rel = format!("packages/pkg{p:02}/src/mod{m:02}/sub{s}/file{f}-{n:05}.ts");
                    scratch.write(&rel, source_file(&mut rng, &rel).as_bytes());
                    files += 1;
                    n += 1;
                }
            }
        }
    }
    assert_eq!(
        files, REPO_FILES,
        "the layout holds exactly {REPO_FILES} files"
    );
    scratch.git(&["add", "-A"]);
    scratch.git(&["commit", "-q", "-m", "10,000 files"]);
    // History packed, as `gc --auto` leaves a repository this size; the staged change is loose.
    scratch.git(&["repack", "-a", "-d", "-q"]);

    // One staged change: one beat's handler in one sequence file.
    let changed = first_sequence.expect("a sequence file");
    let path = scratch.repo.join(&changed);
    let text = std::fs::read_to_string(&path).expect("read the sequence");
    let at = text.find("\"handler\": \"").expect("a handler") + "\"handler\": \"".len();
    let edited = format!("{}Renamed{}", &text[..at], &text[at..]);
    std::fs::write(&path, edited).expect("write the sequence");
    scratch.git(&["add", &changed]);
    let index_bytes = std::fs::metadata(scratch.repo.join(".git/index"))
        .map(|m| m.len())
        .unwrap_or(0);

    // The report must name exactly the one changed artifact.
    let (_, out) = audit(&scratch, &["diff", "--format", "json"], 0);
    let report: Value = serde_json::from_str(&out).expect("diff --format json is JSON");
    let artifacts = json_field(&report, "/artifacts")
        .as_array()
        .expect("an array");
    assert_eq!(artifacts.len(), 1, "one changed artifact expected: {out}");
    assert_eq!(artifacts[0]["path"], Value::String(changed.clone()));
    assert_eq!(artifacts[0]["status"], "modified");

    eprintln!("[repo] {runs} runs each of `diff`, `diff --format json`, `hash`…");
    let measure = |args: &[&str]| -> Vec<Run> {
        for _ in 0..3 {
            audit(&scratch, args, 0); // warm the page cache
        }
        (0..runs).map(|_| audit(&scratch, args, 0).0).collect()
    };
    let diff = measure(&["diff"]);
    let diff_json = measure(&["diff", "--format", "json"]);
    let hash = measure(&["hash", "--staged", "--format", "json"]);
    RepoResult {
        files,
        sequences: SEQUENCES,
        index_bytes,
        runs,
        diff,
        diff_json,
        hash,
    }
}

// ---------------------------------------------------------------------------------------------
// Cliffs (issue 10): inputs that used to cost more than linear time. Each row is one command
// on one input, timed end to end through the launcher.

/// A cliff scenario: runs per command in, measured rows out.
type Cliff = fn(usize) -> Vec<CliffRow>;

/// One measured command of a cliff scenario.
struct CliffRow {
    scenario: &'static str,
    input: String,
    command: String,
    runs: Vec<Run>,
}

/// Times `git-audit ARGS` `runs` times (after one warm-up) in `scratch`.
fn cliff_row(
    scratch: &Scratch,
    scenario: &'static str,
    input: String,
    args: &[&str],
    expect: i32,
    runs: usize,
) -> CliffRow {
    eprintln!(
        "[{scenario}] {runs} runs of `git-audit {}` on {input}…",
        args.join(" ")
    );
    audit(scratch, args, expect);
    CliffRow {
        scenario,
        input,
        command: format!("`git-audit {}`", args.join(" ")),
        runs: (0..runs).map(|_| audit(scratch, args, expect).0).collect(),
    }
}

/// `minified`: a 16 MB registry pretty-printed and minified (one line, about 10 MB: over the
/// 8 MiB above which documents are parsed on two cores), and the adversarial
/// `{"a":[{},{},…]}` of 9.4 MB, each hashed from the index.
fn minified_scenario(runs: usize) -> Vec<CliffRow> {
    let pretty_bytes = registry(16_000_000);
    let value: Value = serde_json::from_slice(&pretty_bytes).expect("the registry is JSON");
    let minified = serde_json::to_vec(&value).expect("serialises");
    let mut adversarial = b"{\"a\":[".to_vec();
    adversarial.extend(b"{},".repeat(3 << 20));
    adversarial.extend(b"{}]}");
    let mut rows = Vec::new();
    let mut hashes = Vec::new();
    for (label, bytes) in [("pretty-printed", &pretty_bytes), ("minified", &minified)] {
        let scratch = Scratch::new("minified");
        scratch.write("orchestration-domains.json", bytes);
        scratch.git(&["add", "-A"]);
        let args = ["hash", "--staged", "--format", "json"];
        let row = cliff_row(
            &scratch,
            "minified",
            format!("{label} registry, {}", human_size(bytes.len())),
            &args,
            0,
            runs,
        );
        let (_, out) = audit(&scratch, &args, 0);
        let report: Value = serde_json::from_str(&out).expect("hash --format json is JSON");
        hashes.push(json_field(&report, "/artifacts/0/canonicalHash").clone());
        rows.push(row);
    }
    assert_eq!(hashes[0], hashes[1], "minified and pretty hash the same");
    let scratch = Scratch::new("adversarial");
    scratch.write("adv.json", &adversarial);
    scratch.git(&["add", "-A"]);
    rows.push(cliff_row(
        &scratch,
        "minified",
        format!(
            "`{{\"a\":[{{}},{{}},…]}}`, one line, {}",
            human_size(adversarial.len())
        ),
        &["hash", "--staged", "adv.json"],
        0,
        runs,
    ));
    rows
}

/// A repository whose audit.toml governs `data.json` as plain JSON, `before` committed and
/// `after` staged.
fn staged_change(tag: &str, before: &str, after: &str) -> Scratch {
    let scratch = Scratch::new(tag);
    scratch.write(
        "audit.toml",
        b"[[artifact]]\npath = \"data.json\"\nkind = \"json\"\n",
    );
    scratch.write("data.json", before.as_bytes());
    scratch.git(&["add", "-A"]);
    scratch.git(&["commit", "-q", "--no-verify", "-m", "before"]);
    scratch.write("data.json", after.as_bytes());
    scratch.git(&["add", "-A"]);
    scratch
}

/// `diff-keys`: an object of 50k top-level keys, one value changed.
fn diff_keys_scenario(runs: usize) -> Vec<CliffRow> {
    let n = 50_000;
    let object = |changed: usize| {
        let members: Vec<String> = (0..n)
            .map(|i| format!("  \"key{i:06}\": {}", if i == changed { 0 } else { i }))
            .collect();
        format!("{{\n{}\n}}\n", members.join(",\n"))
    };
    let scratch = staged_change("diff-keys", &object(usize::MAX), &object(n / 2));
    vec![cliff_row(
        &scratch,
        "diff-keys",
        format!("{n} top-level keys, one value changed"),
        &["diff"],
        0,
        runs,
    )]
}

/// `diff-array`: arrays of 50k and 200k numbers reversed, and 200k with two values edited.
fn diff_array_scenario(runs: usize) -> Vec<CliffRow> {
    let array = |v: Vec<usize>| {
        let items: Vec<String> = v.iter().map(|n| format!("  {n}")).collect();
        format!("[\n{}\n]\n", items.join(",\n"))
    };
    let mut rows = Vec::new();
    for n in [50_000, 200_000] {
        let before = array((0..n).collect());
        let scratch = staged_change("diff-array", &before, &array((0..n).rev().collect()));
        rows.push(cliff_row(
            &scratch,
            "diff-array",
            format!("{n} numbers reversed ({})", human_size(before.len())),
            &["diff"],
            0,
            runs,
        ));
    }
    let n = 200_000;
    let edited: Vec<usize> = (0..n)
        .map(|i| if i == 10 || i == n - 10 { 7 } else { i })
        .collect();
    let scratch = staged_change("diff-array", &array((0..n).collect()), &array(edited));
    rows.push(cliff_row(
        &scratch,
        "diff-array",
        format!("{n} numbers, two edited far apart"),
        &["diff"],
        0,
        runs,
    ));
    rows
}

/// A registry of `n` small domains (every required field), `changed` ones with another tempo.
fn small_domains(n: usize, changed: &[usize]) -> String {
    domains_with_ids(n, changed, |i| format!("domain-{i:06}"))
}

fn domains_with_ids(n: usize, changed: &[usize], id: impl Fn(usize) -> String) -> String {
    let domains: Vec<String> = (0..n)
        .map(|i| {
            let tempo = if changed.contains(&i) { 99 } else { 120 };
            let id = id(i);
            format!(
                "    {{\"id\": \"{id}\", \"name\": \"Domain {i}\", \"category\": \"core\", \"tempo\": {tempo}, \"key\": \"C\", \"timeSignature\": \"4/4\"}}"
            )
        })
        .collect();
    format!(
        "{{\n  \"id\": \"registry\",\n  \"domains\": [\n{}\n  ]\n}}\n",
        domains.join(",\n")
    )
}

/// `diff-domains`: registries of 10k and 100k domains, two changed: `diff` and `check`.
fn diff_domains_scenario(runs: usize) -> Vec<CliffRow> {
    let mut rows = Vec::new();
    for n in [10_000, 100_000] {
        let scratch = Scratch::new("diff-domains");
        scratch.write(
            "orchestration-domains.json",
            small_domains(n, &[]).as_bytes(),
        );
        scratch.git(&["add", "-A"]);
        scratch.git(&["commit", "-q", "--no-verify", "-m", "before"]);
        let after = small_domains(n, &[n / 3, 2 * n / 3]);
        scratch.write("orchestration-domains.json", after.as_bytes());
        scratch.git(&["add", "-A"]);
        let input = format!("{n} domains, 2 changed ({})", human_size(after.len()));
        let (_, out) = audit(&scratch, &["diff", "--format", "json"], 0);
        let report: Value = serde_json::from_str(&out).expect("diff --format json is JSON");
        assert_eq!(
            json_field(&report, "/artifacts/0/items")
                .as_array()
                .map(Vec::len),
            Some(2),
            "two changed domains expected"
        );
        rows.push(cliff_row(
            &scratch,
            "diff-domains",
            input.clone(),
            &["diff"],
            0,
            runs,
        ));
        rows.push(cliff_row(
            &scratch,
            "diff-domains",
            input,
            &["check", "--staged"],
            0,
            runs,
        ));
    }
    rows
}

/// `many-findings`: a registry of 20k domains that all have the same id (one `id-duplicate`
/// finding per domain after the first, each positioned in the file).
fn many_findings_scenario(runs: usize) -> Vec<CliffRow> {
    let n = 20_000;
    let out = domains_with_ids(n, &[], |_| "same".to_string());
    let scratch = Scratch::new("many-findings");
    scratch.write("orchestration-domains.json", out.as_bytes());
    scratch.git(&["add", "-A"]);
    vec![cliff_row(
        &scratch,
        "many-findings",
        format!(
            "{n} domains with one id, {} ({} findings)",
            human_size(out.len()),
            n - 1
        ),
        &["check", "--staged"],
        1,
        runs,
    )]
}

/// `verify-history`: 500 commits made with the hooks installed (one domain changed per
/// commit, so the changelog grows by one entry each), then `changelog verify` over the first
/// 100, 250 and 500 commits.
fn verify_history_scenario(runs: usize) -> Vec<CliffRow> {
    let scratch = Scratch::new("verify-history");
    let bin = binary();
    let dir = bin.parent().expect("the binary's folder").to_path_buf();
    let path = std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("a PATH");
    let git_with_hooks = |args: &[&str]| {
        let status = hermetic(
            Command::new("git").args(args).current_dir(&scratch.repo),
            &scratch.home,
        )
        .env("PATH", &path)
        .output()
        .expect("git runs");
        assert!(
            status.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    let n = 200;
    scratch.write(
        "orchestration-domains.json",
        small_domains(n, &[]).as_bytes(),
    );
    // Hooks from the first commit on, so every commit has its entry and verify passes.
    audit(&scratch, &["install"], 0);
    git_with_hooks(&["add", "-A"]);
    git_with_hooks(&["commit", "-q", "-m", "registry"]);
    eprintln!("[verify-history] making 500 commits with the hooks…");
    let mut marks = Vec::new();
    for c in 1..=500 {
        scratch.write(
            "orchestration-domains.json",
            small_domains(n, &[c % n])
                .replace("\"tempo\": 99", &format!("\"tempo\": {}", 1000 + c))
                .as_bytes(),
        );
        git_with_hooks(&["add", "-A"]);
        git_with_hooks(&["commit", "-q", "-m", &format!("change {c}")]);
        if [100, 250, 500].contains(&c) {
            let out = Command::new("git")
                .args(["rev-parse", "HEAD"])
                .current_dir(&scratch.repo)
                .output()
                .expect("git rev-parse");
            marks.push((c, String::from_utf8_lossy(&out.stdout).trim().to_string()));
        }
    }
    marks
        .into_iter()
        .map(|(c, id)| {
            let range = format!("..{id}");
            cliff_row(
                &scratch,
                "verify-history",
                format!("{c} commits, one entry each"),
                &["changelog", "verify", "--range", &range],
                0,
                runs,
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Machine facts and the report.

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn command_line(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some(LAUNCHER) {
        launcher(&argv[2..]);
    }
    let mut scenarios: Vec<String> = Vec::new();
    let mut runs_override: Option<usize> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            runs_override = args.next().and_then(|n| n.parse().ok());
        } else if let Some(n) = arg.strip_prefix("--runs=") {
            runs_override = n.parse().ok();
        } else if arg == "--keep" {
            KEEP.store(true, Ordering::Relaxed);
        } else if !arg.starts_with('-') {
            scenarios.push(arg.to_lowercase());
        } // `--bench` and other libtest flags cargo passes are ignored.
    }
    let wanted = |name: &str, group: &str| {
        scenarios.is_empty() || scenarios.iter().any(|s| s == name || s == group)
    };

    let load_before = load();
    let started = Instant::now();
    let sizes: [(&'static str, usize, usize); 3] = [
        ("100kb", 100_000, 50),
        ("10mb", 10_000_000, 15),
        ("100mb", 100_000_000, 7),
    ];
    let mut registries = Vec::new();
    for (label, target, runs) in sizes {
        if wanted(label, "registry") {
            registries.push(registry_scenario(
                label,
                target,
                runs_override.unwrap_or(runs),
            ));
        }
    }
    let repo = wanted("repo", "repo").then(|| repo_scenario(runs_override.unwrap_or(50)));
    let cliff_runs = runs_override.unwrap_or(5);
    let mut cliffs: Vec<CliffRow> = Vec::new();
    let scenarios_10: [(&str, Cliff); 6] = [
        ("minified", minified_scenario),
        ("diff-keys", diff_keys_scenario),
        ("diff-array", diff_array_scenario),
        ("diff-domains", diff_domains_scenario),
        ("many-findings", many_findings_scenario),
        ("verify-history", verify_history_scenario),
    ];
    for (name, scenario) in scenarios_10 {
        if wanted(name, "cliffs") {
            cliffs.extend(scenario(cliff_runs));
        }
    }
    let load_after = load();
    let floor = LAUNCHER_FLOOR.load(Ordering::Relaxed);

    let mut md = String::new();
    let _ = writeln!(md, "\n## git-audit benchmarks\n");
    let _ = writeln!(
        md,
        "Machine: {} × {} ({}), Linux; git {}; load average (1/5/15 min) {} before, {} after; {:.0} s in all. \
         Peak RSS is the child's `ru_maxrss` (floor: the launcher's own {:.1} MB).\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model(),
        command_line("uname", &["-r"]),
        command_line("git", &["--version"]).trim_start_matches("git version "),
        load_before,
        load_after,
        started.elapsed().as_secs_f64(),
        floor as f64 / MB
    );
    if !registries.is_empty() {
        let _ = writeln!(
            md,
            "`git-audit hash --staged --format json` on a staged synthetic registry (medians):\n"
        );
        let _ = writeln!(
            md,
            "| registry | end to end MB/s | wall ms | CPU ms | library MB/s | peak RSS MB | RSS ÷ file | tree heap ÷ file | runs |"
        );
        let _ = writeln!(md, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for r in &registries {
            let _ = writeln!(
                md,
                "| {} | {:.0} | {:.1} | {:.1} | {:.0} | {:.1} | {:.2}× | {:.2}× | {} |",
                human_size(r.bytes),
                r.e2e_mbps,
                r.e2e_wall_ms,
                r.e2e_cpu_ms,
                r.lib_mbps,
                r.peak_rss as f64 / MB,
                r.peak_rss as f64 / r.bytes as f64,
                r.tree_heap as f64 / r.bytes as f64,
                r.runs
            );
        }
        let _ = writeln!(md, "\nWhere the time goes, in-process (median ms):\n");
        let mut header = String::from("| piece |");
        let mut rule = String::from("|---|");
        for r in &registries {
            let _ = write!(header, " {} |", human_size(r.bytes));
            rule.push_str("---:|");
        }
        let _ = writeln!(md, "{header}\n{rule}");
        for (i, (name, _)) in registries[0].parts.iter().enumerate() {
            let mut row = format!("| {name} |");
            for r in &registries {
                let _ = write!(row, " {:.2} |", r.parts[i].1);
            }
            let _ = writeln!(md, "{row}");
        }
        let _ = writeln!(
            md,
            "\nMB = 10⁶ bytes; end to end = file bytes ÷ median wall time of the whole process. \
             Tree nodes: `Node` {} bytes, `Member` {} bytes.",
            std::mem::size_of::<json::Node<'static>>(),
            std::mem::size_of::<json::Member<'static>>()
        );
    }
    if let Some(r) = &repo {
        let ms = |runs: &[Run], p: f64| {
            percentile(&runs.iter().map(|r| secs(r.wall)).collect::<Vec<_>>(), p) * 1e3
        };
        let cpu =
            |runs: &[Run]| median(&runs.iter().map(|r| secs(r.cpu)).collect::<Vec<_>>()) * 1e3;
        let rss = |runs: &[Run]| runs.iter().map(|r| r.max_rss).max().unwrap_or(0) as f64 / MB;
        let _ = writeln!(
            md,
            "\n{}-file repository ({} governed sequences + the registry, index {:.1} MB), one staged change to one sequence file, {} runs each:\n",
            r.files,
            r.sequences,
            r.index_bytes as f64 / MB,
            r.runs
        );
        let _ = writeln!(
            md,
            "| command | median ms | p90 ms | CPU ms (median) | peak RSS MB |"
        );
        let _ = writeln!(md, "|---|---:|---:|---:|---:|");
        for (name, runs) in [
            ("`git-audit diff` (HEAD → index)", &r.diff),
            ("`git-audit diff --format json`", &r.diff_json),
            ("`git-audit hash --staged --format json`", &r.hash),
        ] {
            let _ = writeln!(
                md,
                "| {name} | {:.1} | {:.1} | {:.1} | {:.1} |",
                ms(runs, 0.5),
                ms(runs, 0.9),
                cpu(runs),
                rss(runs)
            );
        }
    }

    if !cliffs.is_empty() {
        let _ = writeln!(
            md,
            "\nCliffs (issue 10), end to end (medians; CPU is user+sys of the child):\n"
        );
        let _ = writeln!(
            md,
            "| scenario | input | command | wall ms | CPU ms | peak RSS MB | runs |"
        );
        let _ = writeln!(md, "|---|---|---|---:|---:|---:|---:|");
        for r in &cliffs {
            let wall = median(&r.runs.iter().map(|x| secs(x.wall)).collect::<Vec<_>>()) * 1e3;
            let cpu = median(&r.runs.iter().map(|x| secs(x.cpu)).collect::<Vec<_>>()) * 1e3;
            let rss = r.runs.iter().map(|x| x.max_rss).max().unwrap_or(0) as f64 / MB;
            let _ = writeln!(
                md,
                "| {} | {} | {} | {wall:.1} | {cpu:.1} | {rss:.1} | {} |",
                r.scenario,
                r.input,
                r.command,
                r.runs.len()
            );
        }
    }

    // Targets (issue 2): ≥150 MB/s end to end on 100 MB, RSS ≤ 4× file, < 50 ms one-change diff.
    let mut verdicts = Vec::new();
    if let Some(r) = registries.iter().find(|r| r.label == "100mb") {
        verdicts.push(format!(
            "end to end on the 100 MB registry ≥ 150 MB/s: {:.0} MB/s — {}",
            r.e2e_mbps,
            if r.e2e_mbps >= 150.0 { "met" } else { "MISSED" }
        ));
        let ratio = r.peak_rss as f64 / r.bytes as f64;
        verdicts.push(format!(
            "peak RSS ≤ 4× the file on the 100 MB registry: {ratio:.2}× — {}",
            if ratio <= 4.0 { "met" } else { "MISSED" }
        ));
    }
    if let Some(r) = &repo {
        let m = percentile(
            &r.diff.iter().map(|x| secs(x.wall)).collect::<Vec<_>>(),
            0.5,
        ) * 1e3;
        verdicts.push(format!(
            "one-change diff in the 10,000-file repo < 50 ms: median {m:.1} ms — {}",
            if m < 50.0 { "met" } else { "MISSED" }
        ));
    }
    if !verdicts.is_empty() {
        let _ = writeln!(md, "\nTargets:\n");
        for v in verdicts {
            let _ = writeln!(md, "- {v}");
        }
    }
    print!("{md}");
}
