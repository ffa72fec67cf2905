//! The `callscore` command: a thin layer over the library (see `src/cli/`).

/// mimalloc instead of the system allocator: scoring makes many small, short-lived
/// allocations per call (turn texts, evidence, the record), and glibc malloc spent about a
/// tenth of a run's time on them (perf, one thread).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    callscore::cli::main()
}
