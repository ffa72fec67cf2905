//! One run per state folder: an exclusive lock on `STATE/.lock`, held for the whole run
//! and released by the kernel when the process ends, however it ends (a `kill -9` leaves
//! no stale lock to clean up by hand).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::Path;

/// The held lock (released on drop).
#[derive(Debug)]
pub struct StateLock {
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds it; what its lock file says (pid, start, run id).
    Busy(String),
    /// The lock file cannot be opened.
    Io(std::io::Error),
}

impl StateLock {
    /// Take the lock of state folder `dir` without waiting, and write who holds it.
    pub fn acquire(dir: &Path, run_id: &str) -> Result<StateLock, LockError> {
        let path = dir.join(".lock");
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim().replace('\n', ", ");
                return Err(LockError::Busy(if holder.is_empty() {
                    "holder unknown".into()
                } else {
                    holder
                }));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(
            file,
            "pid {}\nstarted {}\nrun {run_id}\n",
            std::process::id(),
            jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ")
        );
        let _ = file.flush();
        Ok(StateLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_is_refused_and_names_the_holder() {
        let d = tempfile::tempdir().unwrap();
        let first = StateLock::acquire(d.path(), "night-1").unwrap();
        match StateLock::acquire(d.path(), "night-2") {
            Err(LockError::Busy(h)) => {
                assert!(h.contains(&format!("pid {}", std::process::id())), "{h}");
                assert!(h.contains("run night-1"), "{h}");
            }
            other => panic!("expected busy, got {other:?}"),
        }
        drop(first);
        assert!(StateLock::acquire(d.path(), "night-2").is_ok());
    }
}
