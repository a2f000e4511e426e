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

/// Seconds since the Unix epoch (0 if the clock is before it), or `SOURCE_DATE_EPOCH` when it
/// is set to a non-negative integer (reproducible builds' convention: a regenerated registry's
/// `metadata.generated` and a changelog entry's fallback date then stop depending on the clock).
pub fn now_secs() -> i64 {
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|v| *v >= 0)
    {
        return epoch;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
