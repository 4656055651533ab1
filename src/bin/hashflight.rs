//! The `hashflight` binary; everything lives in the library.

fn main() -> std::process::ExitCode {
    hashflight::cli::main()
}
