//! GDB's JIT interface: each commit becomes an in-memory ELF object that GDB loads.
//!
//! GDB's manual ("JIT Compilation Interface") defines the protocol: the program exports a
//! descriptor, `__jit_debug_descriptor`, heading a doubly linked list of entries (each an object
//! file in memory), and an empty function, `__jit_debug_register_code`, on which GDB sets a
//! breakpoint. To register or unregister an entry the program links or unlinks it, stores the
//! entry and the action in the descriptor and calls the function; GDB, stopped there, reads the
//! list from the process's memory. All of this happens under one lock, so GDB never sees a
//! half-linked list.
//!
//! The object for a commit is a relocatable ELF for AArch64 (built with `object`'s ELF writer)
//! holding a `.text` section of type `SHT_NOBITS` whose address is the code's address (GDB
//! reads the instructions from the process, so they are not copied) and a symbol table with one
//! `STT_FUNC` symbol per [`Symbol`](crate::Symbol) of the commit, its value the offset in
//! `.text` (symbols of a relocatable object are section-relative).
//!
//! # Unwinding
//! No CFI is emitted. A frame built by [`Assembler::prologue`](crate::Assembler::prologue) is a
//! standard AAPCS64 frame record (`stp x29, x30, [sp, #-N]!; mov x29, sp`, then any saved
//! registers stored from `sp`), and GDB's AArch64 prologue analyser recognises that sequence at
//! the symbol's start and finds the caller's `x29`/`x30` in the record, which is all the unwinder needs to continue through the caller's
//! own CFI (the `gdb` test checks that `bt` goes from a Rust function called by JIT code through
//! the JIT frame to `main`). Code that builds no frame record, or moves `x29`, is not unwound.
//!
//! This module, with its two symbols, is compiled only with the `gdb` feature. The symbols are
//! defined by jitkit, so a process can hold only one implementation of the
//! interface: linking jitkit with another library that defines them (another JIT) fails at link
//! time rather than confusing GDB.

use std::collections::HashMap;

use super::{CodeInfo, Observer};
use crate::memory::lock::Lock;

#[repr(C)]
struct JitCodeEntry {
    next_entry: *mut JitCodeEntry,
    prev_entry: *mut JitCodeEntry,
    symfile_addr: *const u8,
    symfile_size: u64,
}

/// The layout GDB reads (version 1).
#[repr(C)]
pub struct JitDescriptor {
    version: u32,
    action_flag: u32,
    relevant_entry: *mut JitCodeEntry,
    first_entry: *mut JitCodeEntry,
}

const JIT_NOACTION: u32 = 0;
const JIT_REGISTER_FN: u32 = 1;
const JIT_UNREGISTER_FN: u32 = 2;

/// GDB finds the list here, by name.
#[no_mangle]
#[used]
static mut __jit_debug_descriptor: JitDescriptor = JitDescriptor {
    version: 1,
    action_flag: JIT_NOACTION,
    relevant_entry: std::ptr::null_mut(),
    first_entry: std::ptr::null_mut(),
};

/// GDB's breakpoint: called after each change of the list.
#[no_mangle]
#[inline(never)]
pub extern "C" fn __jit_debug_register_code() {
    // SAFETY: an empty asm block; it only keeps the compiler from treating this function as
    // free of side effects and deleting the calls GDB waits for.
    unsafe { std::arch::asm!("", options(nostack, preserves_flags)) };
}

/// The entries jitkit has registered, by commit id; the lock also serialises every change to
/// the descriptor. A [`Lock`] so that the fork handlers can hold it (`fork.rs`).
pub(super) static ENTRIES: Lock<Entries> = Lock::new(Entries(None));

/// [`ENTRIES`]' map, made at the first commit.
pub(super) struct Entries(Option<HashMap<u64, Entry>>);

/// One registered commit: GDB's list node and the ELF object it points to.
type Entry = Box<(JitCodeEntry, Vec<u8>)>;

// SAFETY: the raw pointers in the entries point into the entries themselves and the
// descriptor, which are only touched with the `Gdb` lock held.
unsafe impl Send for Entries {}

/// Registers each commit with GDB and unregisters it on drop ([`ENTRIES`]).
pub(crate) struct Gdb;

impl Observer for Gdb {
    fn committed(&self, code: &CodeInfo<'_>) {
        let Some(elf) = object_file(code) else {
            eprintln!(
                "jitkit: GDB JIT interface: no ELF object for {}",
                code.name()
            );
            return;
        };
        let mut entries = ENTRIES.lock();
        let mut entry = Box::new((
            JitCodeEntry {
                next_entry: std::ptr::null_mut(),
                prev_entry: std::ptr::null_mut(),
                symfile_addr: elf.as_ptr(),
                symfile_size: elf.len() as u64,
            },
            elf,
        ));
        let ptr: *mut JitCodeEntry = &mut entry.0;
        // SAFETY: the lock serialises all access to the descriptor and the list; `ptr` stays
        // valid while it is linked (the box is kept in `entries` until it is unlinked).
        unsafe {
            let desc = std::ptr::addr_of_mut!(__jit_debug_descriptor);
            let first = (*desc).first_entry;
            (*ptr).next_entry = first;
            if !first.is_null() {
                (*first).prev_entry = ptr;
            }
            (*desc).first_entry = ptr;
            (*desc).relevant_entry = ptr;
            (*desc).action_flag = JIT_REGISTER_FN;
            __jit_debug_register_code();
            (*desc).action_flag = JIT_NOACTION;
        }
        entries
            .0
            .get_or_insert_with(HashMap::new)
            .insert(code.id(), entry);
    }

    fn released(&self, code: &CodeInfo<'_>) {
        let mut entries = ENTRIES.lock();
        let Some(mut entry) = entries.0.as_mut().and_then(|e| e.remove(&code.id())) else {
            return;
        };
        let ptr: *mut JitCodeEntry = &mut entry.0;
        // SAFETY: as in `committed`; `ptr` is linked, and is unlinked before the box is freed.
        unsafe {
            let desc = std::ptr::addr_of_mut!(__jit_debug_descriptor);
            let (prev, next) = ((*ptr).prev_entry, (*ptr).next_entry);
            if prev.is_null() {
                (*desc).first_entry = next;
            } else {
                (*prev).next_entry = next;
            }
            if !next.is_null() {
                (*next).prev_entry = prev;
            }
            (*desc).relevant_entry = ptr;
            (*desc).action_flag = JIT_UNREGISTER_FN;
            __jit_debug_register_code();
            (*desc).action_flag = JIT_NOACTION;
            (*desc).relevant_entry = std::ptr::null_mut();
        }
    }
}

/// The ELF object GDB loads for `code`.
fn object_file(code: &CodeInfo<'_>) -> Option<Vec<u8>> {
    use object::elf;
    use object::write::elf::{FileHeader, SectionHeader, Sym, Writer};
    use object::Endianness;

    let mut out = Vec::new();
    let mut w = Writer::new(Endianness::Little, true, &mut out);
    w.reserve_file_header();
    let text_name = w.add_section_name(b".text");
    let text = w.reserve_section_index();
    w.reserve_null_symbol_index();
    let names: Vec<_> = code
        .symbols()
        .iter()
        .map(|s| {
            w.reserve_symbol_index(Some(text));
            w.add_string(s.name().as_bytes())
        })
        .collect();
    w.reserve_symtab_section_index();
    w.reserve_symtab();
    w.reserve_strtab_section_index();
    w.reserve_strtab().ok()?;
    w.reserve_shstrtab_section_index();
    w.reserve_shstrtab().ok()?;
    w.reserve_section_headers();

    w.write_file_header(&FileHeader {
        os_abi: elf::ELFOSABI_NONE,
        abi_version: 0,
        e_type: elf::ET_REL,
        e_machine: elf::Machine(code.isa().elf_machine()),
        e_entry: 0,
        e_flags: Default::default(),
    })
    .ok()?;
    w.write_null_symbol();
    for (s, name) in code.symbols().iter().zip(&names) {
        w.write_symbol(&Sym {
            section: Some(text.0),
            st_name: w.string_offset(Some(*name)),
            st_info: elf::SymbolInfo::new(elf::STB_GLOBAL, elf::STT_FUNC),
            st_other: elf::STV_DEFAULT.into(),
            st_shndx: Default::default(),
            // In a relocatable object a symbol's value is its offset in its section.
            st_value: (s.start() - code.start()) as u64,
            st_size: s.len() as u64,
        });
    }
    w.write_strtab();
    w.write_shstrtab();
    w.write_null_section_header();
    w.write_section_header(&SectionHeader {
        sh_name: w.section_name_offset(Some(text_name)),
        sh_type: elf::SHT_NOBITS,
        sh_flags: elf::SHF_ALLOC | elf::SHF_EXECINSTR,
        sh_addr: code.start() as u64,
        sh_offset: 0,
        sh_size: code.code().len() as u64,
        sh_link: 0,
        sh_info: 0,
        sh_addralign: 4,
        sh_entsize: 0,
    });
    w.write_symtab_section_header(1);
    w.write_strtab_section_header();
    w.write_shstrtab_section_header();
    Some(out)
}
