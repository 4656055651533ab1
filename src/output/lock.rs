//! Locks on the directories hashflight writes: one process at a time
//! writes a run (a scenario and seed under one `--out`) or a sweep
//! directory. A second process refuses at once (within a tenth of a
//! second, if the holder has yet to write it) with the holder's PID
//! instead of computing the same runs twice or stranding a finished run.
//!
//! The lock is an advisory `flock` on a hidden file beside what it guards
//! (`.seed-<seed>.lock`, a sweep's `.lock`), taken with the standard
//! library's `File::try_lock` and released when the process ends, however
//! it ends: a kill -9 leaves no stale lock, only the empty file, which the
//! next process takes. A process that ends normally removes the file while
//! it still holds the lock; a process that locked a file just removed this
//! way sees that the path no longer names its file and starts again, so two
//! processes never both hold the lock of one path. While a lock is held
//! nobody else writes its target, so the hidden partial directories left
//! there by a process that was killed are stale and are removed
//! ([`Lock::clear_stale`]).

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// A held lock (released on drop).
#[derive(Debug)]
pub struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    /// Takes the lock file `path` (creating it), or fails at once with an
    /// error naming `what` is locked and the PID that holds it.
    pub(crate) fn acquire(path: &Path, what: &str) -> io::Result<Self> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        // A lock on a file its holder removed meanwhile guards nothing:
        // try again on the file the path names now.
        for _ in 0..100 {
            if let Some(lock) = Self::try_once(path, what)? {
                return Ok(lock);
            }
        }
        Err(io::Error::other(format!(
            "could not take the lock {}: it is removed and created again without end",
            path.display()
        )))
    }

    fn try_once(path: &Path, what: &str) -> io::Result<Option<Self>> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                // The holder writes its PID just after it takes the lock,
                // so a process that comes between the two finds the file
                // empty: it looks again for a moment before it reports a
                // holder without one.
                let mut holder = String::new();
                for _ in 0..20 {
                    holder.clear();
                    file.seek(io::SeekFrom::Start(0))?;
                    let _ = file.read_to_string(&mut holder);
                    if !holder.trim().is_empty() {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                let holder = holder.trim();
                let by = if holder.is_empty() {
                    "another hashflight process".to_string()
                } else {
                    format!("another hashflight process (pid {holder})")
                };
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "{by} is writing {what}: wait for it to finish, or write elsewhere with --out (lock: {})",
                        path.display()
                    ),
                ));
            }
            Err(TryLockError::Error(e)) => return Err(e),
        }
        if !same_file(&file, path) {
            return Ok(None);
        }
        file.set_len(0)?;
        file.seek(io::SeekFrom::Start(0))?;
        writeln!(file, "{}", std::process::id())?;
        file.flush()?;
        Ok(Some(Self {
            file,
            path: path.to_path_buf(),
        }))
    }

    /// Removes the entries of `dir` whose names start with one of
    /// `prefixes` (hidden partial directories and files of a process that
    /// died), and returns how many. Only call it with the lock of `dir`'s
    /// writes held.
    pub(crate) fn clear_stale(&self, dir: &Path, prefixes: &[&str]) -> io::Result<usize> {
        let mut removed = 0;
        let Ok(entries) = fs::read_dir(dir) else {
            return Ok(0);
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(name) = name.to_str() else { continue };
            if !prefixes.iter().any(|p| name.starts_with(p)) {
                continue;
            }
            let path = e.path();
            let gone = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
            gone?;
            removed += 1;
        }
        Ok(removed)
    }
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether `path` still names the open `file` (elsewhere: it exists).
#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for Lock {
    /// Removes the lock file while still holding it, then releases it.
    fn drop(&mut self) {
        if cfg!(unix) {
            let _ = fs::remove_file(&self.path);
        }
        let _ = self.file.unlock();
    }
}
