//! Which instruction set a piece of code is in.
//!
//! The memory layer never needs to know (it copies bytes); listings, profilers and debuggers
//! do, to decode the bytes and to label them (`e_machine` in the ELF objects GDB loads and in
//! perf's jitdump header).

/// An instruction set jitkit assembles, commits and lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Isa {
    /// AArch64's A64: 4-byte little-endian words ([`Instruction`](crate::Instruction)).
    A64,
    /// x86-64: 1 to 15 bytes an instruction ([`x64::Code`](crate::x64::Code)).
    X64,
}

impl Isa {
    /// The instruction set of the machine this program runs on, if jitkit has it.
    pub const fn host() -> Option<Isa> {
        if cfg!(target_arch = "aarch64") {
            Some(Isa::A64)
        } else if cfg!(target_arch = "x86_64") {
            Some(Isa::X64)
        } else {
            None
        }
    }

    /// Whether code in this instruction set can run here: the host's instruction set.
    pub const fn runs_here(self) -> bool {
        matches!(
            (self, Isa::host()),
            (Isa::A64, Some(Isa::A64)) | (Isa::X64, Some(Isa::X64))
        )
    }

    /// The ELF `e_machine` value: `EM_AARCH64` (183, ELF for the Arm 64-bit Architecture §5.1)
    /// or `EM_X86_64` (62, System V ABI AMD64 supplement §4.1.1).
    pub const fn elf_machine(self) -> u16 {
        match self {
            Isa::A64 => 183,
            Isa::X64 => 62,
        }
    }

    /// The name LLVM tools use for it (`llvm-mc -triple=<name>`).
    pub const fn llvm_name(self) -> &'static str {
        match self {
            Isa::A64 => "aarch64",
            Isa::X64 => "x86_64",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Isa;

    #[test]
    fn the_host_runs_its_own_instruction_set_only() {
        match Isa::host() {
            Some(h) => {
                assert!(h.runs_here());
                let other = if h == Isa::A64 { Isa::X64 } else { Isa::A64 };
                assert!(!other.runs_here());
            }
            None => assert!(!Isa::A64.runs_here() && !Isa::X64.runs_here()),
        }
        assert_eq!(Isa::host() == Some(Isa::X64), cfg!(target_arch = "x86_64"));
    }
}
