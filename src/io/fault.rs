//! Fault injection for crash-safety tests: `GIT_AUDIT_FAULT=<point>` aborts the process at that
//! point, as a kill would, without unwinding or cleanup. Unset, it costs one environment lookup
//! on write paths only.

/// Aborts the process if `GIT_AUDIT_FAULT` names this point.
pub fn point(name: &str) {
    if std::env::var_os("GIT_AUDIT_FAULT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}
