//! The forms the x86-64 oracle and its listing module use: those of `forms.rs` (generated
//! by `generate.py`), each assembled by `x64!`.

use jitkit::{x64, Error};

/// One form: its dynasm text, LLVM's Intel-syntax text, `x64!`'s code, and its dynamic-register
/// variant if it has one.
pub struct Form {
    pub dynasm: &'static str,
    pub llvm: &'static str,
    pub code: Result<x64::Code, Error>,
    pub dynamic: Option<(&'static str, Result<x64::Code, Error>)>,
}

macro_rules! forms {
    ($( [ $($asm:tt)* ] => $llvm:literal $(, dynamic: [ $($dyn:tt)* ])? ),* $(,)?) => {
        vec![ $( Form {
            dynasm: stringify!($($asm)*),
            llvm: $llvm,
            code: jitkit::x64!($($asm)*),
            dynamic: forms!(@dyn $([ $($dyn)* ])?),
        } ),* ]
    };
    (@dyn [ $($dyn:tt)* ]) => { Some((stringify!($($dyn)*), jitkit::x64!($($dyn)*))) };
    (@dyn) => { None };
}

/// Every form. The generated `vec![..]` of 1,394 forms is built on the stack in a debug build,
/// in one frame larger than a test thread's 2 MiB: it gets a thread with a stack of its own.
pub fn table() -> Vec<Form> {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| include!("forms.rs"))
        .expect("a thread for the table")
        .join()
        .expect("the table is built")
}
