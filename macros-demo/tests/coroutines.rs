//! Coroutines left suspended when a run ends do not outlive it: a program that returns from
//! `start` with coroutines suspended in every state (never called, inside `cowait`, inside
//! `resumeco`, between calls) runs several times in this process on one reset `Runtime`, as
//! the benchmark runs programs, with the interpreter and the host's JIT. Each run prints the
//! same output, and afterwards no coroutine stack is left mapped.

use macros_demo::bcpl::{self, fiber, interp, jit, memory::Runtime, runtime::Output};

#[cfg(target_arch = "x86_64")]
type Host = bcpl::backend_x64::X64;
#[cfg(target_arch = "aarch64")]
type Host = bcpl::backend_a64::A64;

const SRC: &[u8] = b"GET \"libhdr\"
GLOBAL { cb: ug; cc: ug+1 }

LET gen(n) = VALOF
{ FOR i = 1 TO n DO cowait(i)
  RESULTIS 0
}
AND a(x) = callco(cb, x+1)
AND b(x) = resumeco(cc, x+1)
AND c(x) = cowait(x+1)

LET start() = VALOF
{ LET g = createco(gen, 100)
  LET idle = createco(gen, 100)
  LET ca = createco(a, 100)
  cb := createco(b, 100)
  cc := createco(c, 100)
  writef(\"%n \", callco(g, 5))
  writef(\"%n*n\", callco(ca, 10))
  RESULTIS 0
}
";

#[test]
fn suspended_coroutines_end_with_the_run() {
    let prog = bcpl::front_end(SRC).expect("the program compiles");
    let mut rt = Runtime::new(&prog, Vec::new()).expect("memory for the machine");
    for _ in 0..3 {
        rt.reset(&prog);
        interp::run(&prog, &mut rt).expect("the program runs");
        assert_eq!(Output::take(), b"1 13\n");
        assert_eq!(
            fiber::mapped(),
            0,
            "the interpreter's coroutines' stacks are unmapped"
        );
    }
    let jit = jit::Jit::<Host>::new(&prog, jit::Options::default()).expect("the JIT builds");
    for _ in 0..3 {
        rt.reset(&prog);
        jit.run_on(&mut rt).expect("the host's back end runs here");
        assert_eq!(Output::take(), b"1 13\n");
        assert_eq!(
            fiber::mapped(),
            0,
            "the JIT's coroutines' stacks are unmapped"
        );
    }
}
