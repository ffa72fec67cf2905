//! Publishing a run's output folder all at once.
//!
//! A run never writes into `--out DIR` itself. It writes every output file into a
//! staging folder beside it, `<parent>/.<name>.callscore-<run_id>`, and publishes the
//! whole set with one atomic step:
//! - DIR does not exist yet: `rename(staging, DIR)`;
//! - DIR exists: `renameat2(staging, DIR, RENAME_EXCHANGE)` swaps the two folders in one
//!   system call (Linux), then the previous outputs, now at the staging path, are removed.
//!
//! A reader (or a `kill -9`) therefore sees the complete previous outputs or the complete
//! new ones, never a mix of two runs. Where the exchange is not supported (another OS, a
//! file system without it) the fallback is two renames (DIR aside, staging in): a kill
//! between them leaves no DIR at all and the previous outputs aside, which the next run
//! cleans up — never a mix.
//!
//! Ownership and stale files: while a run is alive it holds an exclusive lock on
//! `<parent>/.<name>.callscore-<run_id>.lock`. The next run for the same DIR tries to lock
//! every such file; a lock it gets belonged to a run that died (killed, power loss), so
//! that run's staging folder and lock file are removed. Runs of other DIRs are not
//! touched, and a live run's files never are (its lock is held). Temporary files that
//! older versions wrote inside DIR (`.calls.jsonl.tmp-<pid>`) are removed when no process
//! with that pid is alive.
//!
//! Because the whole folder is swapped, DIR must hold only callscore's outputs: a DIR with
//! other files is refused before anything is written (they would otherwise move out of
//! sight with the previous run).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// The files a run may publish in its output folder. A folder holding anything else is
/// not treated as an output folder (see [`Staging::create`]).
pub const OUTPUT_FILES: &[&str] = &[
    "calls.jsonl",
    "calls.csv",
    "errors.jsonl",
    "summary.json",
    "manifest.json",
    "aggregates.json",
    "calls.parquet",
    "items.parquet",
];

/// A run's staging folder, the lock that marks it alive, and where it will be published.
#[derive(Debug)]
pub struct Staging {
    /// Where the outputs are written during the run.
    pub dir: PathBuf,
    /// The folder the outputs are published as.
    pub dest: PathBuf,
    lock_path: PathBuf,
    /// Held for the life of the run (the lock is released when the file is closed).
    _lock: File,
}

/// Why the output folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// DIR holds files callscore did not write.
    #[error(
        "{dir} holds files callscore did not write ({examples}); a run replaces the whole folder, so choose an empty or new --out folder, or move those files"
    )]
    Foreign {
        /// The folder.
        dir: PathBuf,
        /// Up to three names.
        examples: String,
    },
    /// DIR exists and is not a folder.
    #[error("{0} exists and is not a folder; choose another --out")]
    NotADir(PathBuf),
    /// A file system error.
    #[error("{path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> PublishError + '_ {
    move |source| PublishError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Staging {
    /// Check `dest` can be an output folder, remove what dead runs left behind, and create
    /// the staging folder of run `run_id`, locked for the life of this value.
    pub fn create(dest: &Path, run_id: &str) -> Result<Staging, PublishError> {
        let (parent, name) = split(dest);
        std::fs::create_dir_all(&parent).map_err(io_at(&parent))?;
        match std::fs::metadata(dest) {
            Ok(m) if !m.is_dir() => return Err(PublishError::NotADir(dest.to_path_buf())),
            Ok(_) => check_owned(dest)?,
            Err(_) => {}
        }
        remove_stale(&parent, &name);
        let prefix = staging_prefix(&name);
        let dir = parent.join(format!("{prefix}{run_id}"));
        let lock_path = parent.join(format!("{prefix}{run_id}.lock"));
        let lock = File::create(&lock_path).map_err(io_at(&lock_path))?;
        lock.lock().map_err(io_at(&lock_path))?;
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io_at(&dir))?;
        }
        std::fs::create_dir(&dir).map_err(io_at(&dir))?;
        Ok(Staging {
            dir,
            dest: dest.to_path_buf(),
            lock_path,
            _lock: lock,
        })
    }

    /// The path of output file `name` in the staging folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Make the staged outputs the contents of the destination, in one step. Call only
    /// after every staged file is written and synced.
    pub fn publish(self) -> Result<(), PublishError> {
        replace_dir(&self.dir, &self.dest).map_err(io_at(&self.dest))?;
        let _ = std::fs::remove_file(&self.lock_path);
        Ok(())
    }

    /// Give up: remove the staging folder; the destination is left as it was.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

/// `.<name>.callscore-`: the prefix of every staging folder and lock file of DIR `name`.
fn staging_prefix(name: &str) -> String {
    format!(".{name}.callscore-")
}

/// The parent folder (`.` for a bare name) and the final component of `dest`.
fn split(dest: &Path) -> (PathBuf, String) {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (parent, name)
}

/// Refuse an existing DIR that holds anything but callscore outputs (or temporary files
/// of older versions, which are removed when their process is gone).
fn check_owned(dest: &Path) -> Result<(), PublishError> {
    let entries = std::fs::read_dir(dest).map_err(io_at(dest))?;
    let mut foreign = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if OUTPUT_FILES.contains(&name.as_str()) {
            continue;
        }
        if let Some(pid) = legacy_temp_pid(&name) {
            if !process_alive(pid) {
                let _ = std::fs::remove_file(e.path());
            }
            continue;
        }
        foreign.push(name);
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let mut examples = foreign
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if foreign.len() > 3 {
        examples.push_str(&format!(" and {} more", foreign.len() - 3));
    }
    Err(PublishError::Foreign {
        dir: dest.to_path_buf(),
        examples,
    })
}

/// The pid in `.calls.jsonl.tmp-<pid>`, the temporary names of versions that wrote
/// inside the output folder.
fn legacy_temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let (file, pid) = rest.rsplit_once(".tmp-")?;
    if !OUTPUT_FILES.contains(&file) {
        return None;
    }
    pid.parse().ok()
}

/// True when a process with this pid exists (on Linux; elsewhere assume it does, so
/// nothing of a live run is ever removed).
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Remove the staging folders (and `.old` folders) of runs of DIR `name` that died: their
/// lock file can be locked.
fn remove_stale(parent: &Path, name: &str) {
    let prefix = staging_prefix(name);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(run) = file.strip_prefix(&prefix) else {
            continue;
        };
        let Some(run) = run.strip_suffix(".lock") else {
            continue;
        };
        let lock_path = e.path();
        let Ok(f) = File::options().write(true).open(&lock_path) else {
            continue;
        };
        if f.try_lock().is_err() {
            continue; // a live run
        }
        let staging = parent.join(format!("{prefix}{run}"));
        let _ = std::fs::remove_dir_all(&staging);
        let _ = std::fs::remove_dir_all(format!("{}.old", staging.display()));
        let _ = std::fs::remove_file(&lock_path);
    }
    // Staging folders whose lock file is gone (killed while cleaning up after publishing).
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            if file.starts_with(&prefix)
                && !file.ends_with(".lock")
                && e.path().is_dir()
                && !parent
                    .join(format!("{}.lock", file.trim_end_matches(".old")))
                    .exists()
            {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// Swap two folders atomically.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "atomic folder exchange needs Linux",
    ))
}

/// Make `new` (a complete, synced folder) the contents of `dest` in one step: an atomic
/// exchange when `dest` exists (the previous contents, then at `new`, are removed), a
/// rename when it does not. Without an atomic exchange (another OS or file system), two
/// renames: a kill between them leaves `dest` missing and the previous contents aside at
/// `<new>.old`, never a mix.
pub(crate) fn replace_dir(new: &Path, dest: &Path) -> io::Result<()> {
    sync_dir(new);
    let swapped = if dest.exists() {
        match exchange(new, dest) {
            Ok(()) => true,
            Err(_) => {
                let aside = PathBuf::from(format!("{}.old", new.display()));
                std::fs::rename(dest, &aside)?;
                std::fs::rename(new, dest)?;
                let _ = std::fs::remove_dir_all(&aside);
                false
            }
        }
    } else {
        std::fs::rename(new, dest)?;
        false
    };
    if let Some(parent) = dest.parent() {
        sync_dir(if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        });
    }
    if swapped {
        // `new` now holds the previous contents.
        let _ = std::fs::remove_dir_all(new);
    }
    Ok(())
}

/// Make a folder's entries durable (best effort: not every platform can open a folder).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(p: &Path, s: &str) {
        std::fs::write(p, s).unwrap();
    }

    #[test]
    fn first_publish_creates_the_folder() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("out");
        let s = Staging::create(&dest, "r1").unwrap();
        write(&s.file("calls.jsonl"), "new");
        s.publish().unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("calls.jsonl")).unwrap(),
            "new"
        );
        let left: Vec<_> = std::fs::read_dir(t.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "only out/ is left: {left:?}");
    }

    #[test]
    fn publish_replaces_every_file_at_once() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("out");
        std::fs::create_dir(&dest).unwrap();
        write(&dest.join("calls.jsonl"), "old");
        write(&dest.join("summary.json"), "old");
        let s = Staging::create(&dest, "r2").unwrap();
        write(&s.file("calls.jsonl"), "new");
        // Until publish, the destination is untouched.
        assert_eq!(
            std::fs::read_to_string(dest.join("calls.jsonl")).unwrap(),
            "old"
        );
        s.publish().unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("calls.jsonl")).unwrap(),
            "new"
        );
        assert!(
            !dest.join("summary.json").exists(),
            "a file of the previous run must not survive next to the new ones"
        );
        let left: Vec<_> = std::fs::read_dir(t.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "staging and lock removed: {left:?}");
    }

    #[test]
    fn foreign_files_are_refused_before_anything_is_written() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("out");
        std::fs::create_dir(&dest).unwrap();
        write(&dest.join("notes.txt"), "mine");
        let err = Staging::create(&dest, "r3").unwrap_err();
        assert!(err.to_string().contains("notes.txt"), "{err}");
        assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);
    }

    #[test]
    fn stale_staging_of_a_dead_run_is_removed_but_a_live_one_is_kept() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("out");
        // A dead run: staging folder and an unlocked lock file.
        let dead = t.path().join(".out.callscore-dead");
        std::fs::create_dir(&dead).unwrap();
        write(&dead.join("calls.jsonl"), "x".repeat(1000).as_str());
        write(&t.path().join(".out.callscore-dead.lock"), "");
        // A live run of the same folder holds its lock.
        let live = Staging::create(&dest, "live").unwrap();
        assert!(!dead.exists(), "dead run's staging must be removed");
        assert!(!t.path().join(".out.callscore-dead.lock").exists());
        let other = Staging::create(&dest, "second").unwrap();
        assert!(live.dir.exists(), "a live run's staging is never removed");
        other.abandon();
        live.abandon();
        // Another folder's staging is not ours.
        let foreign = t.path().join(".other.callscore-x");
        std::fs::create_dir(&foreign).unwrap();
        write(&t.path().join(".other.callscore-x.lock"), "");
        Staging::create(&dest, "third").unwrap().abandon();
        assert!(foreign.exists());
    }

    #[test]
    fn legacy_temp_files_of_dead_processes_are_removed() {
        let t = tempfile::tempdir().unwrap();
        let dest = t.path().join("out");
        std::fs::create_dir(&dest).unwrap();
        // pid 4194304+ cannot exist on Linux (pid_max limit).
        let stale = dest.join(".calls.jsonl.tmp-4294967");
        write(&stale, "partial");
        let mine = dest.join(format!(".calls.csv.tmp-{}", std::process::id()));
        write(&mine, "live");
        Staging::create(&dest, "r4").unwrap().abandon();
        assert!(!stale.exists());
        assert!(mine.exists(), "a live process's temp file is kept");
        assert_eq!(legacy_temp_pid(".summary.json.tmp-12"), Some(12));
        assert_eq!(legacy_temp_pid(".notes.txt.tmp-12"), None);
    }
}
