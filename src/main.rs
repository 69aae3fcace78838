mod cli;

fn main() -> std::process::ExitCode {
    // The only place the clock is read: everything else takes `today` as a parameter.
    cli::run(chrono::Local::now().date_naive())
}
