//! GDB's JIT interface, checked with GDB itself: a program whose JIT function `gdb_jit_fn`
//! (built with jitkit's `prologue`) calls a Rust function runs under GDB with `JITKIT_GDB=1`;
//! GDB breaks in the Rust function and `bt` must name `gdb_jit_fn` and reach `main`.
//!
//! This file is its own program (`harness = false`): started with `JITKIT_GDB_TARGET=1` it is
//! the program under GDB, otherwise the driver. On an x86-64 host the AArch64 pass runs it
//! under qemu, and the driver attaches `gdb-multiarch` to `qemu-aarch64 -g PORT` running this
//! same binary; on an AArch64 host plain `gdb` runs it. The host pass (no AArch64 code can run)
//! reports the test as skipped.

use std::process::{Command, Stdio};

mod common;

/// Where GDB breaks: a Rust function the JIT code calls.
#[no_mangle]
#[inline(never)]
pub extern "C" fn jitkit_gdb_test_callback(x: u64) -> u64 {
    std::hint::black_box(x) + 1
}

/// Where GDB breaks a second time, after the JIT function's buffer is dropped: `addr` was its
/// address, which GDB must no longer name.
#[no_mangle]
#[inline(never)]
pub extern "C" fn jitkit_gdb_test_dropped(addr: usize) -> usize {
    std::hint::black_box(addr)
}

/// The program under GDB: commits `gdb_jit_fn`, calls it, drops it.
fn target() {
    use jitkit::aarch64::CalleeSaved;
    use jitkit::{Assembler, CodeBuffer};
    let mut asm = Assembler::new();
    // Saved registers between the frame record and the locals: GDB unwinds through them.
    let frame = asm
        .prologue(16, &[CalleeSaved::X19, CalleeSaved::X20, CalleeSaved::D8])
        .unwrap();
    asm.call_abs(jitkit_gdb_test_callback as extern "C" fn(u64) -> u64 as usize);
    jitkit::dynasm!(asm ; .arch aarch64 ; add x0, x0, #1);
    asm.epilogue(frame);
    let code = asm.finish().unwrap();
    let buf = CodeBuffer::new().named("gdb_jit_fn");
    let entry = buf.commit(&code).unwrap();
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: the code follows AAPCS64 (prologue/epilogue) and takes and returns a u64;
        // `buf` outlives the call.
        let f: extern "C" fn(u64) -> u64 = unsafe { entry.as_fn() };
        println!("gdb_jit_fn(40) = {}", f(40));
    }
    let addr = entry.as_ptr() as usize;
    drop(buf);
    jitkit_gdb_test_dropped(addr);
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Runs the target under GDB and returns GDB's output.
fn gdb_session() -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let exe = exe.to_string_lossy().into_owned();
    let commands = [
        "set pagination off",
        "set confirm off",
        "break jitkit_gdb_test_callback",
        "continue",
        "bt",
        "break jitkit_gdb_test_dropped",
        "continue",
        "info symbol addr",
        "kill",
    ];
    let runner = common::runner();
    let mut gdb_args: Vec<String> = vec!["-batch".into(), "-nx".into()];
    let mut qemu = None;
    let gdb = if runner.is_empty() {
        gdb_args.extend(["-ex".into(), format!("file {exe}")]);
        gdb_args.extend(["-ex".into(), "set environment JITKIT_GDB_TARGET=1".into()]);
        gdb_args.extend(["-ex".into(), "set environment JITKIT_GDB=1".into()]);
        gdb_args.extend(["-ex".into(), "break jitkit_gdb_test_callback".into()]);
        gdb_args.extend(["-ex".into(), "run".into()]);
        gdb_args.extend(["-ex".into(), "bt".into()]);
        "gdb"
    } else {
        // runner is `qemu-aarch64 -L SYSROOT`: start it with a gdb stub that waits for GDB.
        let port = free_port();
        let sysroot = runner
            .iter()
            .position(|a| a == "-L")
            .and_then(|i| runner.get(i + 1))
            .cloned();
        let child = Command::new(&runner[0])
            .args(&runner[1..])
            .args(["-g", &port.to_string(), &exe])
            .env("JITKIT_GDB_TARGET", "1")
            .env("JITKIT_GDB", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {runner:?}: {e}"))?;
        qemu = Some(child);
        if let Some(s) = sysroot {
            gdb_args.extend(["-ex".into(), format!("set sysroot {s}")]);
        }
        gdb_args.extend(["-ex".into(), format!("file {exe}")]);
        gdb_args.extend(["-ex".into(), format!("target remote 127.0.0.1:{port}")]);
        "gdb-multiarch"
    };
    // Natively, `run` replaced the first commands up to `bt`.
    for c in &commands[if runner.is_empty() { 5 } else { 0 }..] {
        gdb_args.extend(["-ex".into(), (*c).to_owned()]);
    }
    let out = Command::new(gdb)
        .args(&gdb_args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start {gdb} (cargo xtask setup installs it): {e}"));
    if let Some(mut q) = qemu {
        let _ = q.kill();
        let _ = q.wait();
    }
    let out = out?;
    Ok(format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

fn main() {
    if std::env::var_os("JITKIT_GDB_TARGET").is_some() {
        target();
        return;
    }
    if !cfg!(target_arch = "aarch64") {
        println!(
            "gdb: skipped on {}: runs in the AArch64 pass",
            std::env::consts::ARCH
        );
        println!("0 passed, 0 failed, 1 skipped");
        return;
    }
    println!("running 1 test: a gdb backtrace through a JIT frame names it and reaches main");
    let result = gdb_session().and_then(|out| {
        let frames: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
        let ok = frames
            .first()
            .is_some_and(|f| f.contains("jitkit_gdb_test_callback"))
            && frames.get(1).is_some_and(|f| f.contains("gdb_jit_fn"))
            && frames.iter().any(|f| f.contains(" main "));
        let forgotten = out.contains("No symbol matches addr");
        if ok && forgotten {
            println!("{}", frames.join("\n"));
            Ok(())
        } else {
            Err(format!(
                "expected a backtrace callback -> gdb_jit_fn -> ... -> main, and no symbol at \
                 the dropped function's address:\n{out}"
            ))
        }
    });
    match result {
        Ok(()) => println!("test gdb_backtrace_names_the_jit_frame ... ok\n1 passed, 0 failed"),
        Err(e) => {
            println!("test gdb_backtrace_names_the_jit_frame ... FAILED\n{e}\n0 passed, 1 failed");
            std::process::exit(1);
        }
    }
}
