//! `macros-demo`: jitkit as a user meets it.
//!
//! ```text
//! macros-demo                 the default showcase (what `cargo xtask demo` runs)
//! macros-demo tour [DEMO...]  the tour of the toolkit, or only the named demos
//! macros-demo bcpl FILE.b     compile and run a BCPL program (see `macros-demo bcpl --help`)
//! macros-demo help            usage
//! ```
//!
//! Each subcommand is a module with `fn main(args: &[String]) -> ExitCode`; adding one is a
//! `mod` line and a match arm in [`main`].

use macros_demo::bcpl;
mod tour;

use std::process::ExitCode;

const USAGE: &str = "\
usage: macros-demo [COMMAND] [ARGS...]

commands:
  (none)             the showcase, what `cargo xtask demo` runs
  tour [DEMO...]     jitkit's tour; DEMO is one of: seed, loops, registers, callback, errors
  bcpl [OPTIONS] FILE.b
                     compile a BCPL program function by function for the host (x86-64 or
                     AArch64; --target picks) and run it
                     (`macros-demo bcpl --help` lists the options)
  help               this text";

fn main() -> ExitCode {
    macros_demo::console::ignore_file_size_signal();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (Some(command.as_str()), rest),
        None => (None, &[][..]),
    };
    match command {
        None => showcase(),
        Some("tour") => tour::main(rest),
        Some("bcpl") => bcpl::main(rest),
        Some("help" | "-h" | "--help") => {
            macros_demo::outln!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            macros_demo::errln!("macros-demo: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// What runs without a command, and so what `cargo xtask demo` shows: the tour, then a BCPL
/// program compiled function by function.
fn showcase() -> ExitCode {
    let tour = tour::main(&[]);
    if tour != ExitCode::SUCCESS {
        return tour;
    }
    macros_demo::outln!();
    bcpl::driver::showcase()
}
