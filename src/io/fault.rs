//! Fault injection for crash-safety and race tests: `GIT_AUDIT_FAULT=<point>` aborts the process
//! at that point, as a kill would, without unwinding or cleanup; `GIT_AUDIT_PAUSE=<point>:<file>`
//! stops there (after creating `<file>.reached`) until `<file>` exists, so a test can run
//! another process at that exact moment. Unset, they cost two environment lookups on write paths
//! only.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Aborts the process if `GIT_AUDIT_FAULT` names this point; pauses if `GIT_AUDIT_PAUSE` does.
pub fn point(name: &str) {
    if std::env::var_os("GIT_AUDIT_FAULT").is_some_and(|v| v == name) {
        std::process::abort();
    }
    let Some(pause) = std::env::var_os("GIT_AUDIT_PAUSE") else {
        return;
    };
    let pause = pause.to_string_lossy().into_owned();
    let Some(file) = pause
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix(':'))
    else {
        return;
    };
    let release = PathBuf::from(file);
    let mut reached = release.clone().into_os_string();
    reached.push(".reached");
    let _ = std::fs::write(&reached, b"");
    // Bounded: a test that never releases does not hang forever.
    let start = Instant::now();
    while !release.exists() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
}
