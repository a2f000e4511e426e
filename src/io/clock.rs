//! The clock and the calendar date git-audit runs on: the only place that reads the time.

use crate::core::date::{date_of, is_date};

/// Today's date (UTC) as `YYYY-MM-DD`, or `GIT_AUDIT_TODAY` when set (reproducible runs).
pub fn today() -> String {
    if let Ok(t) = std::env::var("GIT_AUDIT_TODAY") {
        if is_date(&t) {
            return t;
        }
    }
    date_of(now_secs(), 0)
}

/// Seconds since the Unix epoch (0 if the clock is before it): the real clock, which judges
/// what "today" is (waiver expiry), never `SOURCE_DATE_EPOCH`.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The time written into a file git-audit generates (a regenerated registry's
/// `metadata.generated`, a changelog entry's date when git gives none): `SOURCE_DATE_EPOCH`
/// when it is set to a non-negative integer (the reproducible-builds convention), else the
/// clock. It never decides a verdict: a build environment that sets `SOURCE_DATE_EPOCH` to an
/// old commit's time cannot make an expired waiver waive.
pub fn stamp_secs() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|v| *v >= 0)
        .unwrap_or_else(now_secs)
}
