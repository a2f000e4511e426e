//! Atomic file writes: a temporary file beside the target, synced, given the target's mode,
//! then renamed over it. A failure at any point leaves the old file and no temporary behind.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replaces `path` with `bytes` atomically, keeping its permissions if it exists.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        remove_stale_temps(dir, &temp_prefix(path));
    }
    let tmp = temp_path(path);
    let result = write_then_rename(path, &tmp, bytes);
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn temp_path(path: &Path) -> PathBuf {
    path.with_file_name(format!("{}{}.tmp", temp_prefix(path), std::process::id()))
}

fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.git-audit-")
}

/// Removes the temporaries a killed `write_atomic` of `path` left behind.
pub fn remove_stale_temps_of(path: &Path) {
    if let Some(dir) = path.parent() {
        remove_stale_temps(dir, &temp_prefix(path));
    }
}

/// Removes temporaries named `<prefix><pid>.tmp` (and `<…>.tmp.lock`) in `dir` whose process
/// is gone: what a killed git-audit left behind. Best effort; never fails.
pub fn remove_stale_temps(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        let pid = rest.split('.').next().and_then(|p| p.parse::<u32>().ok());
        // Without /proc, liveness is unknown: keep the file rather than race a live writer.
        let can_tell = Path::new("/proc/self").exists();
        let alive = pid.is_some_and(|p| {
            p == std::process::id() || !can_tell || Path::new(&format!("/proc/{p}")).exists()
        });
        if !alive && (rest.ends_with(".tmp") || rest.ends_with(".tmp.lock")) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn write_then_rename(path: &Path, tmp: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    crate::io::fault::point("write-atomic-before-rename");
    if let Ok(meta) = fs::metadata(path) {
        fs::set_permissions(tmp, meta.permissions())?;
    }
    fs::rename(tmp, path)?;
    if let Some(dir) = path.parent() {
        // Make the rename durable; not every platform can open a directory, which is fine.
        if let Ok(d) = fs::File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_keeps_mode_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        fs::write(&path, b"old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o750)).unwrap();
        }
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o750
            );
        }
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.json"]);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        fs::write(&path, b"old").unwrap();
        // A stale temporary with our name makes create_new fail: nothing may change.
        fs::write(temp_path(&path), b"stale").unwrap();
        assert!(write_atomic(&path, b"new").is_err());
        assert_eq!(fs::read(&path).unwrap(), b"old");
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        // pid 0 is never a live process we could be racing with.
        let stale = path.with_file_name(".a.json.git-audit-0.tmp");
        fs::write(&stale, b"half").unwrap();
        let unrelated = dir.path().join(".a.json.other");
        fs::write(&unrelated, b"keep").unwrap();
        write_atomic(&path, b"x").unwrap();
        assert!(!stale.exists());
        assert!(unrelated.exists());
    }

    #[test]
    fn creates_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.lock");
        write_atomic(&path, b"x").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"x");
    }
}
