//! The layering of `src/`, checked from the source text (as docs/ARCHITECTURE.md states it):
//! the pure core uses no git, file system, environment, process or clock; core modules import
//! each other without a cycle; configuration reads only the JSON layer and the rule catalogue;
//! renderers depend on report models and `Paint` only.
//!
//! Run one with `cargo test --test integration architecture`; a failure names the file, the line
//! and (for a cycle) every module on it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, relative to `src/`, with `/` separators.
fn rust_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)
            .expect("source directory is readable")
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p
                    .strip_prefix(src())
                    .expect("under src")
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&p).expect("source is UTF-8");
                out.push((rel, text));
            }
        }
    }
    out.sort();
    out
}

/// The code of a file without its comments (so a doc comment may name what the code may not).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, l)| {
        let t = l.trim_start();
        if t.starts_with("//") {
            return None;
        }
        Some((i + 1, l.split(" // ").next().unwrap_or(l)))
    })
}

/// What the pure core may never name: the outside world comes in as values.
const FORBIDDEN_IN_CORE: &[&str] = &[
    "git2",
    "std::fs",
    "std::env",
    "std::process",
    "std::net",
    "SystemTime",
    "Instant",
    "std::io::stdin",
    "std::io::stdout",
    "std::io::stderr",
    "println!",
    "eprintln!",
    "print!",
    "eprint!",
    "crate::io",
    "crate::commands",
    "crate::render",
    "crate::cli",
    "crate::error",
    "static mut",
    "thread_local!",
];

/// Global mutable state: a `static` whose type can change after start-up. A pure function's
/// result depends on its arguments only (an immutable lookup table is fine).
fn is_global_state(code: &str) -> bool {
    let item = code.trim_start();
    let item = item.strip_prefix("pub ").unwrap_or(item);
    let item = item.strip_prefix("pub(crate) ").unwrap_or(item);
    item.starts_with("static ")
        && [
            "Atomic", "Mutex", "RwLock", "OnceLock", "LazyLock", "Cell", "Once",
        ]
        .iter()
        .any(|t| item.contains(t))
}

#[test]
fn the_core_uses_no_git_file_system_environment_process_or_clock() {
    let mut violations = Vec::new();
    for (path, text) in rust_files(&src().join("core")) {
        for (line, code) in code_lines(&text) {
            for word in FORBIDDEN_IN_CORE {
                if code.contains(word) {
                    violations.push(format!("src/{path}:{line}: uses `{word}`: {}", code.trim()));
                }
            }
            if is_global_state(code) {
                violations.push(format!("src/{path}:{line}: global state: {}", code.trim()));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "the pure core must take the outside world as values (see docs/ARCHITECTURE.md):\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_layer_check_sees_what_it_forbids() {
    assert!(is_global_state(
        "    static LEFT: AtomicU64 = AtomicU64::new(0);"
    ));
    assert!(is_global_state(
        "pub static CACHE: OnceLock<String> = OnceLock::new();"
    ));
    assert!(!is_global_state("static CLASS: [u8; 256] = [0; 256];"));
    assert!(!is_global_state(
        "let cancel = Arc::new(AtomicBool::new(false));"
    ));
    let lines: Vec<(usize, &str)> =
        code_lines("//! uses std::fs in prose\nlet x = std::fs::read(p); // why\n").collect();
    assert_eq!(lines, vec![(2, "let x = std::fs::read(p);")]);
}

#[test]
fn every_module_says_what_it_owns_on_its_first_line() {
    let missing: Vec<String> = rust_files(&src())
        .into_iter()
        .filter(|(_, text)| !text.starts_with("//!"))
        .map(|(path, _)| format!("src/{path}"))
        .collect();
    assert!(
        missing.is_empty(),
        "every module opens with a `//!` line saying what it owns: {missing:?}"
    );
}

#[test]
fn renderers_read_report_models_and_paint_only() {
    let mut violations = Vec::new();
    for (path, text) in rust_files(&src().join("render")) {
        for (line, code) in code_lines(&text) {
            for word in [
                "git2",
                "std::fs",
                "std::env",
                "std::process",
                "crate::io",
                "crate::commands",
                "crate::cli",
                "IsTerminal",
            ] {
                if code.contains(word) {
                    violations.push(format!("src/{path}:{line}: uses `{word}`"));
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

/// The module a file defines: `core/json/parse.rs` → `core::json::parse`, `core/diff/mod.rs` →
/// `core::diff`. Test files (`x/tests.rs`) belong to their parent module `x`.
fn module_of(path: &str) -> String {
    let p = path.trim_end_matches(".rs");
    let p = p.strip_suffix("/mod").unwrap_or(p);
    let p = p.strip_suffix("/tests").unwrap_or(p);
    p.replace('/', "::")
}

/// The core modules each core module imports (`crate::core::…` paths and `super::` paths),
/// resolved to the longest module that exists.
fn core_imports() -> BTreeMap<String, BTreeSet<String>> {
    let files = rust_files(&src().join("core"));
    let modules: BTreeSet<String> = files.iter().map(|(p, _)| module_of(p)).collect();
    let resolve = |path: &str| -> Option<String> {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len())
            .rev()
            .map(|n| parts[..n].join("::"))
            .find(|m| modules.contains(m))
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in &files {
        let me = module_of(path);
        let parent = me.rsplit_once("::").map_or("", |(p, _)| p).to_string();
        let edges = graph.entry(me.clone()).or_default();
        for (_, code) in code_lines(text) {
            let mut rest = code;
            while let Some(at) = rest.find("crate::core::") {
                let tail = &rest[at + "crate::".len()..];
                let end = tail
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                    .unwrap_or(tail.len());
                if let Some(m) = resolve(tail[..end].trim_end_matches(':')) {
                    edges.insert(m);
                }
                rest = &tail[end..];
            }
            // `use super::x::…` in `core::json::parse` names `core::json::x`.
            let trimmed = code.trim_start();
            if let Some(tail) = trimmed.strip_prefix("use super::") {
                if !tail.starts_with('*') && !path.ends_with("/tests.rs") {
                    let end = tail
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                        .unwrap_or(tail.len());
                    let base = if path.ends_with("/mod.rs") {
                        me.clone()
                    } else {
                        parent.clone()
                    };
                    let full = format!("{base}::{}", tail[..end].trim_end_matches(':'));
                    if let Some(m) = resolve(&full) {
                        edges.insert(m);
                    }
                }
            }
        }
        edges.remove(&me);
    }
    graph
}

/// A cycle in `graph`, as the list of modules on it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(node.to_string(), Mark::Open);
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match marks.get(next.as_str()).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let from = stack.iter().position(|s| s == next).unwrap_or(0);
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(next, graph, marks, stack) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if marks.get(node.as_str()).copied().unwrap_or(Mark::New) == Mark::New {
            if let Some(c) = visit(node, graph, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn core_modules_import_each_other_without_a_cycle() {
    let graph = core_imports();
    // The parser's own sanity: it sees the imports that exist.
    assert!(graph["core::diff"].contains("core::json"), "{graph:#?}");
    assert!(graph["core::config"].contains("core::rules"), "{graph:#?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "core modules import each other in a circle: {}",
            cycle.join(" → ")
        );
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    g.entry("d".into()).or_default().insert("a".into());
    let cycle = find_cycle(&g).expect("a → b → c → a is a cycle");
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 4);
    g.get_mut("c").expect("c").clear();
    assert_eq!(find_cycle(&g), None);
}

#[test]
fn configuration_is_a_leaf_over_json_and_the_rule_catalogue() {
    let graph = core_imports();
    let allowed: BTreeSet<&str> = [
        "core::json",
        "core::json::parse",
        "core::json::pointer",
        "core::json::canonical",
        "core::json::value",
        "core::rules",
    ]
    .into_iter()
    .collect();
    let config = &graph["core::config"];
    let extra: Vec<&String> = config
        .iter()
        .filter(|m| !allowed.contains(m.as_str()))
        .collect();
    assert!(
        extra.is_empty(),
        "core::config may read only the JSON layer and the rule catalogue, not {extra:?}"
    );
    // …and those two import nothing that could lead back to it.
    for leaf in ["core::rules", "core::json"] {
        let deps = &graph[leaf];
        assert!(
            deps.iter().all(|d| d.starts_with("core::json")),
            "{leaf} must import nothing but the JSON layer, imports {deps:?}"
        );
    }
}
