//! Typed, owning handles to committed functions.
//!
//! [`ExecPtr::as_fn`](crate::ExecPtr::as_fn) hands out a function pointer that outlives nothing:
//! it is only valid while its [`CodeBuffer`] lives, and the compiler cannot see that. [`JitFn`]
//! keeps the two together: it owns the buffer, so the pointer it returns is valid as long as the
//! `JitFn` is, and it can be stored in a struct next to whatever else the program keeps.
//!
//! Both are limited to function-pointer types with the C calling convention ([`FnPtr`], a
//! sealed trait), so `as_fn::<usize>()` or `JitFn<usize>` does not compile:
//!
//! ```compile_fail
//! let buf = jitkit::CodeBuffer::new();
//! let _ = unsafe { jitkit::JitFn::<usize>::new(buf) };
//! ```
//!
//! ```compile_fail
//! let buf = jitkit::CodeBuffer::new();
//! let code = jitkit::a64!(; ret).unwrap();
//! let entry = buf.commit(&code).unwrap();
//! let _ = unsafe { entry.as_fn::<usize>() };
//! ```

use std::fmt;

use crate::{CodeBuffer, Error};

mod sealed {
    pub trait Sealed {}
}

/// Function-pointer types with the C calling convention (`extern "C" fn(..) -> R` and
/// `extern "C-unwind" fn(..) -> R`, safe or `unsafe`, with up to 8 arguments): the types
/// committed code can be called as. Sealed: it cannot be implemented outside jitkit.
pub trait FnPtr: sealed::Sealed + Copy + Send + Sync + 'static {}

macro_rules! fn_ptr {
    ($($arg:ident),*) => {
        fn_ptr!(@abi "C" $($arg),*);
        fn_ptr!(@abi "C-unwind" $($arg),*);
    };
    (@abi $abi:literal $($arg:ident),*) => {
        impl<R: 'static, $($arg: 'static),*> sealed::Sealed for extern $abi fn($($arg),*) -> R {}
        impl<R: 'static, $($arg: 'static),*> FnPtr for extern $abi fn($($arg),*) -> R {}
        impl<R: 'static, $($arg: 'static),*> sealed::Sealed for unsafe extern $abi fn($($arg),*) -> R {}
        impl<R: 'static, $($arg: 'static),*> FnPtr for unsafe extern $abi fn($($arg),*) -> R {}
    };
}

fn_ptr!();
fn_ptr!(A);
fn_ptr!(A, B);
fn_ptr!(A, B, C);
fn_ptr!(A, B, C, D);
fn_ptr!(A, B, C, D, E);
fn_ptr!(A, B, C, D, E, F);
fn_ptr!(A, B, C, D, E, F, G);
fn_ptr!(A, B, C, D, E, F, G, H);

/// A committed function and the buffer that keeps it alive.
///
/// ```
/// use jitkit::{a64, CodeBuffer, JitFn};
///
/// struct Kernel {
///     name: &'static str,
///     add_one: JitFn<extern "C" fn(u64) -> u64>,
/// }
///
/// let buf = CodeBuffer::new();
/// buf.commit(&a64!(; add x0, x0, #1 ; ret)?)?;
/// // SAFETY: the code takes and returns one u64 as AAPCS64 says.
/// let kernel = Kernel { name: "add_one", add_one: unsafe { JitFn::new(buf) }? };
/// # #[cfg(target_arch = "aarch64")]
/// assert_eq!((kernel.add_one.get())(41), 42);
/// # let _ = kernel.name;
/// # Ok::<(), jitkit::Error>(())
/// ```
///
/// `JitFn` is `Send` and `Sync`: the code may be called from any thread. The pointer from
/// [`get`](Self::get) must not be called after the `JitFn` is dropped.
pub struct JitFn<F: FnPtr> {
    buf: CodeBuffer,
    f: F,
}

impl<F: FnPtr> JitFn<F> {
    /// Takes ownership of a committed buffer whose code starts with a function of type `F`.
    ///
    /// Errors: [`Error::NotCommitted`] if the buffer holds no code.
    ///
    /// # Safety
    /// The code at the start of the buffer is a function with the signature and calling
    /// convention of `F` (AAPCS64 on AArch64), and runs on this CPU.
    pub unsafe fn new(buf: CodeBuffer) -> Result<Self, Error> {
        let entry = buf.entry().ok_or(Error::NotCommitted)?;
        // SAFETY: the caller guarantees that the code is a function of type `F`; the pointer is
        // valid while `buf` lives, which `JitFn` ties to itself.
        let f = unsafe { entry.as_fn::<F>() };
        Ok(JitFn { buf, f })
    }

    /// The function pointer, valid while `self` lives.
    pub fn get(&self) -> F {
        self.f
    }

    /// The buffer that holds the code.
    pub fn buffer(&self) -> &CodeBuffer {
        &self.buf
    }
}

impl<F: FnPtr> fmt::Debug for JitFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JitFn").field("buf", &self.buf).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send_sync<T: Send + Sync>() {}

    #[test]
    fn jit_fn_is_send_and_sync() {
        send_sync::<JitFn<extern "C" fn(u64) -> u64>>();
        send_sync::<JitFn<unsafe extern "C-unwind" fn(*const u8, usize)>>();
    }

    #[test]
    fn an_empty_buffer_is_an_error() {
        // SAFETY: never called: the buffer is empty, which is the error under test.
        let r = unsafe { JitFn::<extern "C" fn() -> u64>::new(CodeBuffer::new()) };
        assert!(matches!(r, Err(Error::NotCommitted)));
    }
}
