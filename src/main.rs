//! The `callscore` command: a thin layer over the library (see `src/cli/`).

fn main() -> std::process::ExitCode {
    callscore::cli::main()
}
