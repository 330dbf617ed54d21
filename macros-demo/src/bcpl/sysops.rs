//! The operations of Cintcode's `sys` by their `libhdr.h` numbers: those this library
//! provides, named once here for [`super::library`], which carries them out (and lists them
//! among `libhdr`'s manifests), and for [`super::memory::Fault::NoSys`], which names them
//! when a program calls one it does not provide.

/// `Sys_flt`: the operation number of floating point (see [`super::float`]).
pub const SYS_FLT: i64 = 63;
// The other operations provided.
pub const SYS_QUIT: i64 = 0;
pub const SYS_SARDCH: i64 = 10;
pub const SYS_SAWRCH: i64 = 11;
pub const SYS_GETVEC: i64 = 21;
pub const SYS_FREEVEC: i64 = 22;
pub const SYS_MULDIV: i64 = 26;
pub const SYS_INTFLAG: i64 = 28;
pub const SYS_CPUTIME: i64 = 30;
pub const SYS_GETPID: i64 = 51;
pub const SYS_PLATFORM: i64 = 54;
pub const SYS_DELAY: i64 = 57;
pub const SYS_POLLSARDCH: i64 = 64;
pub const SYS_MEMMOVEWORDS: i64 = 73;
pub const SYS_MEMMOVEBYTES: i64 = 74;
/// The devices this system has none of: sound, SDL graphics, OpenGL and the old graphics
/// window. Each answers every request with 0, as Cintcode built without them does
/// (`sysc/cintmain.c`'s `Sys_sound` without `SOUND` and its dummy `sysGraphics`; `sdlfn.c`
/// and `glfn.c` without `SDLavail`/`GLavail`), which their libraries read as "not
/// available" (`sdl_avail` gives FALSE, `mkscreen` fails).
pub const SYS_SOUND: i64 = 58;
pub const SYS_SDL: i64 = 66;
pub const SYS_GL: i64 = 67;
pub const SYS_GRAPHICS: i64 = 34;
/// `Sys_buttons`, the GP2X handheld's buttons: -3 off that machine, as in `cintmain.c`.
pub const SYS_BUTTONS: i64 = 56;

/// The operations provided, by their `libhdr` names.
pub const PROVIDED: &[(&str, i64)] = &[
    ("Sys_quit", SYS_QUIT),
    ("Sys_sardch", SYS_SARDCH),
    ("Sys_sawrch", SYS_SAWRCH),
    ("Sys_getvec", SYS_GETVEC),
    ("Sys_freevec", SYS_FREEVEC),
    ("Sys_muldiv", SYS_MULDIV),
    ("Sys_intflag", SYS_INTFLAG),
    ("Sys_cputime", SYS_CPUTIME),
    ("Sys_getpid", SYS_GETPID),
    ("Sys_delay", SYS_DELAY),
    ("Sys_pollsardch", SYS_POLLSARDCH),
    ("Sys_platform", SYS_PLATFORM),
    ("Sys_memmovewords", SYS_MEMMOVEWORDS),
    ("Sys_memmovebytes", SYS_MEMMOVEBYTES),
    ("Sys_flt", SYS_FLT),
    ("Sys_sound", SYS_SOUND),
    ("Sys_sdl", SYS_SDL),
    ("Sys_gl", SYS_GL),
    ("Sys_graphics", SYS_GRAPHICS),
    ("Sys_buttons", SYS_BUTTONS),
];

/// The names of [`PROVIDED`] as a sentence's list: `Sys_quit, ... and Sys_flt`.
pub fn provided_names() -> String {
    let names: Vec<&str> = PROVIDED.iter().map(|&(n, _)| n).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// Whether Cintcode's `sys` has an operation numbered `op`: the `Sys_` manifests of its
/// `libhdr.h`, and 35 to 37 and 135, which its `dosys` (`sysc/cintmain.c`) handles without
/// names. A program calling another number gets Cintcode's "Bad sys number" line and `op`
/// back, as there; one calling an operation Cintcode has and this library does not is
/// stopped with [`super::memory::Fault::NoSys`].
pub fn is_cintcode_sys(op: i64) -> bool {
    matches!(op, -1..=7 | 10..=19 | 21..=26 | 28..=44 | 46..=74 | 135)
}
