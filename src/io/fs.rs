//! Atomic file writes: a temporary file (in the git directory when one is given, where
//! `git add` never sees it; else beside the target), synced, given the target's mode, then
//! renamed over it. A failure at any point leaves the old file and no temporary behind; what a
//! killed run left is removed by the next one.
//!
//! Every read and write of a path in the work tree goes through [`checked`]: a path with a
//! symbolic link (or a file) where a directory should be is refused, as git refuses to track
//! paths beyond a symbolic link, so nothing is ever read or written outside the repository.

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

/// Prefix of the temporaries [`write_atomic_via`] writes in the git directory.
const GIT_DIR_TEMP_PREFIX: &str = "git-audit-write-";

/// Replaces `path` with `bytes` atomically like [`write_atomic`], with the temporary file in
/// `temp_dir` (the git directory: `git add -A` never sees a leftover there). When `temp_dir`
/// is on another file system than `path` (a rename cannot cross it), falls back to a
/// temporary beside the target.
pub fn write_atomic_via(path: &Path, bytes: &[u8], temp_dir: &Path) -> io::Result<()> {
    remove_stale_temps(temp_dir, GIT_DIR_TEMP_PREFIX);
    if let Some(dir) = path.parent() {
        remove_stale_temps(dir, &temp_prefix(path));
    }
    let tmp = temp_dir.join(format!("{GIT_DIR_TEMP_PREFIX}{}.tmp", std::process::id()));
    match write_then_rename(path, &tmp, bytes) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            if e.kind() == io::ErrorKind::CrossesDevices {
                write_atomic(path, bytes)
            } else {
                Err(e)
            }
        }
    }
}

/// Why a work-tree path is refused by [`checked`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathProblem {
    /// The leading part of the path (`/`-separated) that is in the way.
    pub at: String,
    /// What it is: "a symbolic link", "not a directory", "not a plain path".
    pub what: &'static str,
}

/// `rel` (a repository path, `/`-separated) under the work tree `top`, or why it may not be
/// read or written there: a component that is empty, `.` or `..`; an existing component that
/// is a symbolic link (the last one included); a leading component that is not a directory.
/// Components that do not exist yet are fine (a write creates them).
pub fn checked(top: &Path, rel: &str) -> Result<PathBuf, PathProblem> {
    let parts: Vec<&str> = rel.split('/').collect();
    let mut full = top.to_path_buf();
    let mut exists = true;
    for (i, part) in parts.iter().enumerate() {
        let at = || parts[..=i].join("/");
        if part.is_empty() || *part == "." || *part == ".." || part.contains('\0') {
            return Err(PathProblem {
                at: rel.to_string(),
                what: "not a plain path",
            });
        }
        full.push(part);
        if !exists {
            continue;
        }
        match fs::symlink_metadata(&full) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(PathProblem {
                    at: at(),
                    what: "a symbolic link",
                })
            }
            Ok(m) if i + 1 < parts.len() && !m.is_dir() => {
                return Err(PathProblem {
                    at: at(),
                    what: "not a directory",
                })
            }
            Ok(_) => {}
            Err(_) => exists = false,
        }
    }
    Ok(full)
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
    fn paths_through_a_symbolic_link_or_a_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        fs::create_dir(top.join("real")).unwrap();
        fs::write(top.join("file"), b"x").unwrap();
        std::os::unix::fs::symlink("/tmp", top.join("link")).unwrap();
        std::os::unix::fs::symlink("real/x", top.join("last")).unwrap();
        assert_eq!(
            checked(top, "real/new/a.md").unwrap(),
            top.join("real/new/a.md")
        );
        let at = |rel: &str| checked(top, rel).unwrap_err();
        assert_eq!(at("link/a.md").what, "a symbolic link");
        assert_eq!(at("link/a.md").at, "link");
        assert_eq!(at("last").what, "a symbolic link");
        assert_eq!(at("file/a.md").what, "not a directory");
        assert_eq!(at("file/a.md").at, "file");
        assert_eq!(at("real/../x").what, "not a plain path");
        assert_eq!(at("").what, "not a plain path");
    }

    #[test]
    fn a_temporary_in_the_git_directory_is_renamed_into_place() {
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path().join(".git");
        fs::create_dir(&git).unwrap();
        // What a killed run left (pid 0 is never alive).
        fs::write(git.join("git-audit-write-0.tmp"), b"half").unwrap();
        let path = dir.path().join("a.md");
        write_atomic_via(&path, b"x", &git).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"x");
        assert_eq!(fs::read_dir(&git).unwrap().count(), 0);
    }

    #[test]
    fn creates_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.lock");
        write_atomic(&path, b"x").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"x");
    }
}
