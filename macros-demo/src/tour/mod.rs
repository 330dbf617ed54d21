//! The tour: one small demo per thing a user of jitkit does first.
//!
//! Every demo assembles its functions, commits them and prints each listing as it lies in
//! executable memory. On AArch64 it then calls them and checks every result against the same
//! computation in Rust; elsewhere (an x86-64 host) it stops short of calling, because that code
//! can only run on an AArch64 CPU: `cargo xtask demo` runs the tour under qemu-aarch64 there.
//! A demo whose result or error differs from what it expects fails the tour.

mod callback;
mod errors;
mod loops;
mod registers;
mod seed;
mod show;

use std::process::ExitCode;

/// What a demo returns: `Err` describes the first thing that did not come out as expected.
pub type Outcome = Result<(), Box<dyn std::error::Error>>;

/// One stop of the tour.
struct Demo {
    name: &'static str,
    about: &'static str,
    run: fn() -> Outcome,
}

/// The demos, in the order the tour shows them.
const DEMOS: [Demo; 5] = [
    Demo {
        name: "seed",
        about: "the seed's example: MOV X0, #0; RET from raw words",
        run: seed::run,
    },
    Demo {
        name: "loops",
        about: "loops with dynamic and local labels in a64!",
        run: loops::run,
    },
    Demo {
        name: "registers",
        about: "a code generator: dynamic registers X(r), dynamic immediates #expr, entry points",
        run: registers::run,
    },
    Demo {
        name: "callback",
        about: "JIT code calling back into a Rust extern \"C\" fn via Assembler::call_abs",
        run: callback::run,
    },
    Demo {
        name: "errors",
        about: "errors as values: bad immediates, undefined labels, a second commit",
        run: errors::run,
    },
];

/// `macros-demo tour [DEMO...]`: runs the named demos, or all of them.
pub fn main(args: &[String]) -> ExitCode {
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            macros_demo::errln!("macros-demo: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the demos named in `names` (all for none) and reports which failed.
fn run(names: &[String]) -> Result<(), String> {
    if let Some(unknown) = names
        .iter()
        .find(|n| !DEMOS.iter().any(|d| d.name == n.as_str()))
    {
        let known: Vec<&str> = DEMOS.iter().map(|d| d.name).collect();
        return Err(format!(
            "no demo called `{unknown}`; the demos are: {}",
            known.join(", ")
        ));
    }
    macros_demo::outln!(
        "jitkit tour: AArch64 machine code written inline in Rust, committed once, called."
    );
    if !show::can_execute() {
        macros_demo::outln!(
            "This host is {}: every function is assembled, committed and listed, but calling \
             AArch64 code needs an AArch64 CPU. Run `cargo xtask demo` to see the calls (it uses \
             qemu-aarch64 here).",
            std::env::consts::ARCH
        );
    }
    let mut failed = Vec::new();
    for demo in DEMOS {
        if !names.is_empty() && !names.iter().any(|n| n == demo.name) {
            continue;
        }
        macros_demo::outln!("\n=== {}: {}", demo.name, demo.about);
        if let Err(e) = (demo.run)() {
            macros_demo::outln!("FAILED: {e}");
            failed.push(demo.name);
        }
    }
    if failed.is_empty() {
        macros_demo::outln!("\ntour finished: every demo behaved as expected.");
        Ok(())
    } else {
        Err(format!("these demos failed: {}", failed.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    //! The tour doubles as a test: every demo checks its own results (on AArch64) and listings.

    use super::*;

    #[test]
    fn every_demo_behaves_as_it_says() {
        for demo in DEMOS {
            if let Err(e) = (demo.run)() {
                panic!("demo `{}` failed: {e}", demo.name);
            }
        }
    }

    #[test]
    fn an_unknown_demo_name_is_refused() {
        let err = run(&["nope".to_owned()]).unwrap_err();
        assert!(err.contains("no demo called `nope`"), "{err}");
    }
}
