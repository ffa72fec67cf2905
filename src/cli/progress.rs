//! What `run` shows on stderr while it works: a progress bar on a terminal (inputs done,
//! MB/s, elapsed; total and ETA when the total is known) and the first errors, each one
//! line; the rest are in errors.jsonl.

use crate::input::InputCount;
use crate::input::ReadError;
use crate::run::{RunObserver, Summary};
use crate::sink::RunStamp;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// The CLI's [`RunObserver`].
pub(crate) struct Console {
    bar: ProgressBar,
    total_files: u64,
    errors_shown: usize,
    max_errors: usize,
}

impl Console {
    /// A console for a run; `progress` asks for a bar (shown only when stderr is a
    /// terminal; its length is set when the run has counted its inputs).
    pub(crate) fn new(progress: bool, max_errors: usize) -> Console {
        use std::io::IsTerminal;
        let bar = if !progress || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            ProgressBar::new_spinner()
        };
        Console {
            bar,
            total_files: 0,
            errors_shown: 0,
            max_errors,
        }
    }

    /// Remove the bar before the final lines are printed.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl RunObserver for Console {
    fn wants_input_sizes(&self) -> bool {
        // Only the bar uses them (its length and ETA).
        !self.bar.is_hidden()
    }

    fn started(&mut self, stamp: &RunStamp, total: &InputCount) {
        if self.bar.is_hidden() {
            return;
        }
        self.total_files = total.files;
        // Stdin's size is unknown: a spinner with the rate instead of a bar with an ETA.
        let template = if total.stdin {
            "{spinner} {msg} {binary_bytes_per_sec} {elapsed}"
        } else {
            self.bar.set_length(total.bytes);
            "{bar:30} {percent:>3}% {msg} {binary_bytes_per_sec} eta {eta}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.bar.set_style(style);
        }
        self.bar.set_message(format!("run {}", stamp.run_id));
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }

    fn progress(&mut self, counts: &Summary) {
        self.bar.set_position(counts.bytes_read);
        let files = counts.files_done;
        self.bar.set_message(if self.total_files > 0 {
            format!(
                "{files}/{} files, {} calls",
                self.total_files, counts.calls_scored
            )
        } else {
            format!("{files} files, {} calls", counts.calls_scored)
        });
    }

    fn input_error(&mut self, e: &ReadError) {
        if self.errors_shown < self.max_errors {
            self.bar.suspend(|| eprintln!("callscore: {e}"));
        } else if self.errors_shown == self.max_errors {
            self.bar.suspend(|| {
                eprintln!("callscore: more errors follow; all are listed in errors.jsonl")
            });
        }
        self.errors_shown += 1;
    }

    fn warning(&mut self, message: &str) {
        self.bar
            .suspend(|| eprintln!("callscore: warning: {message}"));
    }
}
