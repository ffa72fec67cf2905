//! Item rows on their way from the thread reading `calls.jsonl` to the `COPY` that
//! sends them: chunks kept in memory up to a bound, beyond it appended to an anonymous
//! temporary file, so the reading thread never waits for the database.
//!
//! Why: when a run is loaded again, the database first deletes the rows the run held
//! before (see `pg::load_run`); that takes as long as reading the file. With a bounded
//! channel the reader would stop after a few chunks and the two would run one after
//! the other; here they overlap, and the `COPY` then takes the rows read meanwhile.
//!
//! Chunks are whole rows (the writer side cuts only at row ends), and the order in
//! which they reach the table does not matter, so the reader takes chunks in memory
//! first and spilled ones after. Memory stays under the bound whatever the database
//! does; the file holds at most the run's item rows, and is emptied whenever the
//! reader catches up.

use std::collections::VecDeque;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

struct State {
    mem: VecDeque<Vec<u8>>,
    mem_bytes: usize,
    /// Spilled chunks, each an 8-byte little-endian length and its bytes.
    file: Option<File>,
    /// End of the spilled bytes.
    written: u64,
    /// Where the next spilled chunk to take starts.
    taken: u64,
    /// The writer is done (finished or dropped).
    closed: bool,
    /// The reader is gone: nothing written will be taken.
    abandoned: bool,
}

struct Shared {
    state: Mutex<State>,
    ready: Condvar,
    limit: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere leaves the queue itself consistent (every change is made
        // in one step under the lock).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A pipe holding up to `limit` bytes of chunks in memory, the rest in a file.
pub fn pipe(limit: usize) -> (Sender, Receiver) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            mem: VecDeque::new(),
            mem_bytes: 0,
            file: None,
            written: 0,
            taken: 0,
            closed: false,
            abandoned: false,
        }),
        ready: Condvar::new(),
        limit,
    });
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared },
    )
}

/// The writing end; dropping it ends the stream.
pub struct Sender {
    shared: Arc<Shared>,
}

impl Sender {
    /// Queue `chunk`; never waits for the reader. Fails when the reader is gone (the
    /// `COPY` stopped) or the spill file cannot be written.
    pub fn send(&self, chunk: Vec<u8>) -> io::Result<()> {
        let mut st = self.shared.lock();
        if st.abandoned {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the COPY was stopped",
            ));
        }
        if st.mem.is_empty() || st.mem_bytes + chunk.len() <= self.shared.limit {
            st.mem_bytes += chunk.len();
            st.mem.push_back(chunk);
        } else {
            if st.file.is_none() {
                st.file = Some(tempfile::tempfile()?);
            }
            let at = st.written;
            if let Some(f) = &st.file {
                f.write_all_at(&(chunk.len() as u64).to_le_bytes(), at)?;
                f.write_all_at(&chunk, at + 8)?;
            }
            st.written = at + 8 + chunk.len() as u64;
        }
        drop(st);
        self.shared.ready.notify_one();
        Ok(())
    }

    /// Bytes spilled to the file so far and not yet taken (for tests).
    pub fn spilled(&self) -> u64 {
        let st = self.shared.lock();
        st.written - st.taken
    }
}

impl Drop for Sender {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.ready.notify_one();
    }
}

/// The reading end: an iterator of chunks, ending when the sender is dropped and
/// everything was taken. Dropping it makes further sends fail.
pub struct Receiver {
    shared: Arc<Shared>,
}

impl Iterator for Receiver {
    type Item = io::Result<Vec<u8>>;

    fn next(&mut self) -> Option<io::Result<Vec<u8>>> {
        let mut st = self.shared.lock();
        loop {
            if let Some(c) = st.mem.pop_front() {
                st.mem_bytes -= c.len();
                return Some(Ok(c));
            }
            if st.taken < st.written {
                return Some(take_spilled(&mut st));
            }
            if st.closed {
                return None;
            }
            st = self
                .shared
                .ready
                .wait(st)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// The next spilled chunk; the file is emptied once everything in it was taken.
fn take_spilled(st: &mut State) -> io::Result<Vec<u8>> {
    let Some(f) = &st.file else {
        return Err(io::Error::other("spilled rows without a spill file"));
    };
    let mut len = [0u8; 8];
    f.read_exact_at(&mut len, st.taken)?;
    let n = usize::try_from(u64::from_le_bytes(len)).map_err(io::Error::other)?;
    let mut chunk = vec![0u8; n];
    f.read_exact_at(&mut chunk, st.taken + 8)?;
    st.taken += 8 + n as u64;
    if st.taken == st.written {
        f.set_len(0)?;
        st.taken = 0;
        st.written = 0;
    }
    Ok(chunk)
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let mut st = self.shared.lock();
        st.abandoned = true;
        st.mem.clear();
        st.mem_bytes = 0;
        st.file = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(i: u8, len: usize) -> Vec<u8> {
        vec![i; len]
    }

    #[test]
    fn every_chunk_arrives_once_in_memory_or_through_the_file() {
        let (tx, rx) = pipe(100);
        for i in 0..10u8 {
            tx.send(chunk(i, 40)).unwrap();
        }
        // 40 + 40 fit in 100 bytes; the other eight went to the file.
        assert_eq!(tx.spilled(), 8 * (8 + 40));
        drop(tx);
        let mut got: Vec<Vec<u8>> = rx.map(Result::unwrap).collect();
        got.sort();
        let want: Vec<Vec<u8>> = (0..10u8).map(|i| chunk(i, 40)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn memory_first_then_the_file_and_the_file_is_emptied_when_caught_up() {
        let (tx, mut rx) = pipe(50);
        tx.send(chunk(1, 30)).unwrap();
        tx.send(chunk(2, 30)).unwrap(); // over the bound: spilled
        tx.send(chunk(3, 10)).unwrap(); // fits beside chunk 1
        assert_eq!(rx.next().unwrap().unwrap(), chunk(1, 30));
        assert_eq!(rx.next().unwrap().unwrap(), chunk(3, 10));
        assert_eq!(tx.spilled(), 38);
        assert_eq!(rx.next().unwrap().unwrap(), chunk(2, 30));
        assert_eq!(tx.spilled(), 0);
        // After the file was emptied, new spills start again at its beginning.
        tx.send(chunk(4, 60)).unwrap(); // memory is empty: always taken in memory
        tx.send(chunk(5, 60)).unwrap();
        assert_eq!(tx.spilled(), 68);
        assert_eq!(rx.next().unwrap().unwrap(), chunk(4, 60));
        assert_eq!(rx.next().unwrap().unwrap(), chunk(5, 60));
        drop(tx);
        assert!(rx.next().is_none());
    }

    #[test]
    fn the_reader_waits_for_a_slow_writer_and_ends_when_it_is_dropped() {
        let (tx, rx) = pipe(1 << 20);
        let h = std::thread::spawn(move || {
            for i in 0..50u8 {
                tx.send(chunk(i, 1000)).unwrap();
                if i % 10 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            }
        });
        let n = rx.map(Result::unwrap).count();
        h.join().unwrap();
        assert_eq!(n, 50);
    }

    #[test]
    fn a_reader_that_is_gone_makes_the_writer_fail() {
        let (tx, rx) = pipe(10);
        tx.send(chunk(1, 5)).unwrap();
        drop(rx);
        let e = tx.send(chunk(2, 5)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn a_writer_never_waits_for_the_reader() {
        // Nothing reads while 64 MiB are written through a 1 MiB bound.
        let (tx, rx) = pipe(1 << 20);
        for i in 0..64u8 {
            tx.send(chunk(i, 1 << 20)).unwrap();
        }
        assert_eq!(tx.spilled(), 63 * ((1 << 20) + 8));
        drop(tx);
        let total: usize = rx.map(|c| c.unwrap().len()).sum();
        assert_eq!(total, 64 << 20);
    }
}
