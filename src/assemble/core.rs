//! What every jitkit assembler shares, whatever the instruction set: dynasmrt's
//! position-independent byte vector, named entry points, named dynamic labels, references to
//! absolute addresses (linked at commit, see `crate::link`), and the first error, kept for
//! `finish`.

use dynasmrt::relocations::{Relocation, RelocationKind};
use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};

use crate::{Error, LabelError};

/// The state behind [`Assembler`](crate::Assembler) and [`x64::Assembler`](crate::x64::Assembler).
#[derive(Debug)]
pub(crate) struct Core<R: Relocation> {
    pub(crate) ops: VecAssembler<R>,
    entries: Vec<(String, usize)>,
    /// Names of dynamic labels made with `new_named_label`, by id.
    label_names: Vec<(usize, String)>,
    /// The first error, reported by `finish` (an earlier failed statement that left the code
    /// incomplete).
    error: Option<Error>,
    /// References to absolute addresses, left for the commit to link.
    pending: Vec<Pending>,
}

/// A PC-relative reference to an absolute address (dynasm's `extern` target), whose field
/// dynasm left zero: the field is `size` bytes at `location - field_offset`, the distance is
/// counted from `location - ref_offset`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pending {
    pub(crate) location: usize,
    pub(crate) field_offset: u8,
    pub(crate) ref_offset: u8,
    pub(crate) size: usize,
    pub(crate) target: usize,
}

impl<R: Relocation> Core<R> {
    /// An empty assembler with room for `bytes` of code.
    #[inline]
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        // `new` + `reserve_ops` rather than `new_with_capacity`, whose label tables are built
        // out of line and moved: that cost more than assembling 16 instructions.
        let mut ops = VecAssembler::new(0);
        ops.reserve_ops(bytes);
        Core {
            ops,
            entries: Vec::new(),
            label_names: Vec::new(),
            error: None,
            pending: Vec::new(),
        }
    }

    pub(crate) fn new_named_label(&mut self, name: String) -> DynamicLabel {
        let label = self.ops.new_dynamic_label();
        self.label_names.push((label.get_id(), name));
        label
    }

    pub(crate) fn label_offset(&self, label: DynamicLabel) -> Option<usize> {
        self.ops.labels().resolve_dynamic(label).ok().map(|o| o.0)
    }

    /// Names the current offset; [`Error::DuplicateEntry`] if the name is taken.
    pub(crate) fn entry_point(&mut self, name: String) -> Result<(), Error> {
        let second = self.ops.offset().0;
        if let Some(&(_, first)) = self.entries.iter().find(|(n, _)| *n == name) {
            return Err(Error::DuplicateEntry {
                name,
                first,
                second,
            });
        }
        self.entries.push((name, second));
        Ok(())
    }

    pub(crate) fn take_entries(&mut self) -> Vec<(String, usize)> {
        std::mem::take(&mut self.entries)
    }

    /// Records a reference to the absolute address `target` from the field just emitted. An
    /// absolute field is written now (it does not depend on where the code goes); a relative
    /// one is left for the commit.
    pub(crate) fn value_relocation(
        &mut self,
        target: usize,
        field_offset: u8,
        ref_offset: u8,
        kind: R,
    ) {
        if matches!(kind.kind(), RelocationKind::Absolute) {
            self.ops
                .value_relocation(target, field_offset, ref_offset, kind);
            return;
        }
        let location = self.ops.offset().0;
        self.pending.push(Pending {
            location,
            field_offset,
            ref_offset,
            size: kind.size(),
            target,
        });
    }

    /// The references left for the commit.
    pub(crate) fn take_pending(&mut self) -> Vec<Pending> {
        std::mem::take(&mut self.pending)
    }

    /// `Err` naming the first reference to an absolute address, for outputs that cannot carry
    /// them (`a64!`'s bare instructions).
    pub(crate) fn refuse_pending(&self) -> Result<(), Error> {
        match self.pending.first() {
            Some(p) => Err(Error::Label(LabelError::Absolute(p.target))),
            None => Ok(()),
        }
    }

    /// Keeps the first error for `finish`.
    pub(crate) fn keep_error(&mut self, e: Error) {
        self.error.get_or_insert(e);
    }

    pub(crate) fn has_error(&self) -> bool {
        self.error.is_some()
    }

    /// The error kept since a moment when there was none (`clean`), for `emit` to return while
    /// `finish` keeps it too.
    pub(crate) fn error_since(&self, clean: bool) -> Result<(), Error> {
        match &self.error {
            Some(e) if clean => Err(e.front_end_copy()),
            _ => Ok(()),
        }
    }

    /// The code with labels resolved, or the first error, with dynamic labels named.
    pub(crate) fn take_bytes(&mut self) -> Result<Vec<u8>, Error> {
        if let Some(e) = self.error.take() {
            return Err(self.name_dynamic_labels(e));
        }
        self.ops
            .take()
            .map_err(|e| self.name_dynamic_labels(e.into()))
    }

    /// How errors name a dynamic label: by the name it was made with, else by its number.
    pub(crate) fn label_name(&self, id: DynamicLabel) -> String {
        let id = id.get_id();
        self.label_names
            .iter()
            .find(|(i, _)| *i == id)
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    }

    /// Replaces `=>N` (dynasm's name for dynamic label N) by the label's name, if it has one.
    fn name_dynamic_labels(&self, e: Error) -> Error {
        let Error::Label(mut label) = e else {
            return e;
        };
        if let LabelError::Undefined(s)
        | LabelError::Duplicate(s)
        | LabelError::OutOfRange(s)
        | LabelError::PageRelative(s) = &mut label
        {
            if let Some((head, id)) = s.rsplit_once("=>") {
                if let Ok(i) = id.parse::<usize>() {
                    if let Some((_, name)) = self.label_names.iter().find(|(n, _)| *n == i) {
                        *s = format!("{head}=>{name}");
                    }
                }
            }
        }
        Error::Label(label)
    }
}

/// Implements `Extend<u8>`, dynasmrt's `DynasmApi` and `DynasmLabelApi` for an assembler type
/// `$ty` whose `core` field is a [`Core`] of relocation type `$reloc`, forwarding to dynasmrt.
/// `$check` sees every label reference (`&mut $ty`, the relocation kind, the label's name)
/// before it is recorded. A reference to an absolute address cannot be encoded before the code
/// is placed: it is recorded for the commit to link.
macro_rules! dynasm_target {
    ($ty:ty, $reloc:ty, $check:expr) => {
        impl Extend<u8> for $ty {
            fn extend<T: IntoIterator<Item = u8>>(&mut self, iter: T) {
                self.core.ops.extend(iter)
            }
        }

        impl<'a> Extend<&'a u8> for $ty {
            fn extend<T: IntoIterator<Item = &'a u8>>(&mut self, iter: T) {
                self.core.ops.extend(iter)
            }
        }

        impl ::dynasmrt::DynasmApi for $ty {
            fn offset(&self) -> ::dynasmrt::AssemblyOffset {
                self.core.ops.offset()
            }
            fn push(&mut self, byte: u8) {
                self.core.ops.push(byte)
            }
            fn align(&mut self, alignment: usize, with: u8) {
                self.core.ops.align(alignment, with)
            }
        }

        impl ::dynasmrt::DynasmLabelApi for $ty {
            type Relocation = $reloc;

            fn local_label(&mut self, name: &'static str) {
                self.core.ops.local_label(name)
            }
            fn global_label(&mut self, name: &'static str) {
                self.core.ops.global_label(name)
            }
            fn dynamic_label(&mut self, id: ::dynasmrt::DynamicLabel) {
                self.core.ops.dynamic_label(id)
            }
            fn forward_relocation(
                &mut self,
                name: &'static str,
                target: isize,
                field: u8,
                reference: u8,
                kind: Self::Relocation,
            ) {
                ($check)(self, &kind, &|| format!("label >{name}"));
                self.core
                    .ops
                    .forward_relocation(name, target, field, reference, kind)
            }
            fn backward_relocation(
                &mut self,
                name: &'static str,
                target: isize,
                field: u8,
                reference: u8,
                kind: Self::Relocation,
            ) {
                ($check)(self, &kind, &|| format!("label <{name}"));
                self.core
                    .ops
                    .backward_relocation(name, target, field, reference, kind)
            }
            fn global_relocation(
                &mut self,
                name: &'static str,
                target: isize,
                field: u8,
                reference: u8,
                kind: Self::Relocation,
            ) {
                ($check)(self, &kind, &|| format!("label ->{name}"));
                self.core
                    .ops
                    .global_relocation(name, target, field, reference, kind)
            }
            fn dynamic_relocation(
                &mut self,
                id: ::dynasmrt::DynamicLabel,
                target: isize,
                field: u8,
                reference: u8,
                kind: Self::Relocation,
            ) {
                let name = self.core.label_name(id);
                ($check)(self, &kind, &|| format!("label =>{name}"));
                self.core
                    .ops
                    .dynamic_relocation(id, target, field, reference, kind)
            }
            /// Code is position-independent until commit, so a PC-relative reference to an
            /// absolute address is recorded for the commit to link (see `crate::link`).
            fn value_relocation(
                &mut self,
                value: usize,
                field: u8,
                reference: u8,
                kind: Self::Relocation,
            ) {
                self.core.value_relocation(value, field, reference, kind);
            }
        }
    };
}

pub(crate) use dynasm_target;

/// The constructors, labels, entry points and `emit` of an assembler type `$ty` whose `core`
/// field is a [`Core`]. `$code` names what `finish` returns (for the docs), `$default_len`
/// describes the default capacity.
macro_rules! assembler_basics {
    ($ty:ident, $code:literal, $default_len:literal) => {
        impl Default for $ty {
            fn default() -> Self {
                Self::new()
            }
        }

        impl $ty {
            #[doc = concat!("An empty assembler with room for ", $default_len, " before it reallocates.")]
            #[inline]
            pub fn new() -> Self {
                Self::with_capacity(256)
            }

            /// An empty assembler with room for `bytes` of code before it reallocates.
            #[inline]
            pub fn with_capacity(bytes: usize) -> Self {
                $ty {
                    core: $crate::assemble::core::Core::with_capacity(bytes),
                }
            }

            /// A fresh dynamic label, to be defined with `=>label` and referenced with `=>label`.
            pub fn new_dynamic_label(&mut self) -> ::dynasmrt::DynamicLabel {
                self.core.ops.new_dynamic_label()
            }

            /// A fresh dynamic label that errors name as `=>name` (a plain dynamic label is
            /// named by its number, `=>3`).
            pub fn new_named_label(&mut self, name: impl Into<String>) -> ::dynasmrt::DynamicLabel {
                self.core.new_named_label(name.into())
            }

            /// The byte offset of `label`, once it is defined.
            pub fn label_offset(&self, label: ::dynasmrt::DynamicLabel) -> Option<usize> {
                self.core.label_offset(label)
            }

            #[doc = concat!("Names the current offset as an entry point of the ", $code, " `finish` returns.")]
            ///
            /// Errors: [`Error::DuplicateEntry`](crate::Error::DuplicateEntry) if `name` is already
            /// an entry point.
            pub fn entry_point(&mut self, name: impl Into<String>) -> Result<(), $crate::Error> {
                self.core.entry_point(name.into())
            }

            /// Runs `f`, typically a [`dynasm!`](crate::dynasm) block on the assembler, and
            /// returns the first error it caused: a register or immediate out of range (naming
            /// the statement as written and what its field accepts), or a label reference that
            /// cannot be encoded.
            ///
            /// After such an error the statement that failed is missing, so the assembler is
            /// spent: `finish` returns the same error. Panics in `f` other than an encoder's
            /// range check propagate unchanged. A `dynasm!` from the `dynasm` crate itself
            /// (rather than jitkit's) is caught too, but its statement can only be named by its
            /// byte offset.
            pub fn emit<F: FnOnce(&mut Self)>(&mut self, f: F) -> Result<(), $crate::Error> {
                let clean = !self.core.has_error();
                if let Err(value) = $crate::assemble::guard::guarded(|| f(self)) {
                    let offset = ::dynasmrt::DynasmApi::offset(&self.core.ops).0;
                    self.core.keep_error($crate::assemble::guard::immediate_error(
                        value, None, offset,
                    ));
                }
                self.core.error_since(clean)
            }
        }
    };
}

pub(crate) use assembler_basics;
