//! One instruction form in the two syntaxes the oracle compares, built from typed operands so
//! that each form also has a dynamic spelling (registers as `X(5)`, immediates as `#d(42)`).

use std::fmt::Write;

/// A vector arrangement: jitkit (dynasm) writes the element size first (`v0.b16`), LLVM the lane
/// count first (`v0.16b`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Arr {
    /// Element size letter: `b`, `h`, `s`, `d` or `q`.
    pub size: char,
    /// Number of lanes.
    pub lanes: u8,
}

pub const B8: Arr = Arr {
    size: 'b',
    lanes: 8,
};
pub const B16: Arr = Arr {
    size: 'b',
    lanes: 16,
};
pub const H4: Arr = Arr {
    size: 'h',
    lanes: 4,
};
pub const H8: Arr = Arr {
    size: 'h',
    lanes: 8,
};
pub const S2: Arr = Arr {
    size: 's',
    lanes: 2,
};
pub const S4: Arr = Arr {
    size: 's',
    lanes: 4,
};
pub const D1: Arr = Arr {
    size: 'd',
    lanes: 1,
};
pub const D2: Arr = Arr {
    size: 'd',
    lanes: 2,
};
pub const Q1: Arr = Arr {
    size: 'q',
    lanes: 1,
};

impl Arr {
    /// Element size in bytes.
    pub fn bytes(self) -> u32 {
        match self.size {
            'b' => 1,
            'h' => 2,
            's' => 4,
            'd' => 8,
            _ => 16,
        }
    }
    /// Whether the arrangement fills a 128-bit register.
    pub fn full(self) -> bool {
        self.bytes() * u32::from(self.lanes) == 16
    }
    /// The same element size with twice the element width and the same total width (`b16` →
    /// `h8`), for widening and narrowing forms.
    pub fn widened(self, full: bool) -> Arr {
        let size = match self.size {
            'b' => 'h',
            'h' => 's',
            's' => 'd',
            _ => 'q',
        };
        let lanes = if full { 16 } else { 8 } / (self.bytes() * 2);
        Arr {
            size,
            lanes: lanes.max(1) as u8,
        }
    }
    fn jit(self) -> String {
        format!("{}{}", self.size, self.lanes)
    }
    fn llvm(self) -> String {
        format!("{}{}", self.lanes, self.size)
    }
}

/// The arrangements of whole 64- and 128-bit vectors with more than one lane (no `d1`).
pub const ALL_ARR: [Arr; 7] = [B8, B16, H4, H8, S2, S4, D2];

/// An operand.
#[derive(Clone, Debug)]
pub enum Op {
    /// General register where 31 is the zero register (`x0`, `xzr`).
    X(u8),
    /// General register where 31 is the stack pointer.
    Xsp(u8),
    W(u8),
    Wsp(u8),
    /// Scalar FP/SIMD register: size letter (`b h s d q`) and number.
    Fp(char, u8),
    /// Vector register with arrangement.
    V(u8, Arr),
    /// Vector element `v1.s[2]`.
    Elem(u8, char, u8),
    /// Integer immediate.
    Imm(i64),
    /// Unsigned immediate written in hex (bitmasks).
    Hex(u64),
    /// Text that is the same in both syntaxes and has no dynamic form (`lsl #12`, `eq`, `#0.0`).
    Lit(String),
    /// Register list: first register, count, arrangement (or element size with lanes = 0),
    /// written as a dash range (`{v0.b16 - v3.b16}`) or a comma list; dynamically as
    /// `{V(0).b16 * 4}`.
    List(u8, u8, Arr, bool),
    /// Memory operand `[base, rest...]`, pre-indexed (`!`) or not.
    Mem(Vec<Op>, bool),
}

/// Which spelling to render.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Jit,
    Dynamic,
    Llvm,
}

impl Op {
    fn render(&self, s: Syntax, out: &mut String) {
        let dy = s == Syntax::Dynamic;
        match *self {
            Op::X(n) | Op::Xsp(n) | Op::W(n) | Op::Wsp(n) => {
                let (w, sp) = match self {
                    Op::X(_) => (false, false),
                    Op::Xsp(_) => (false, true),
                    Op::W(_) => (true, false),
                    _ => (true, true),
                };
                if dy {
                    let name = match (w, sp) {
                        (false, false) => "X",
                        (false, true) => "XSP",
                        (true, false) => "W",
                        (true, true) => "WSP",
                    };
                    let _ = write!(out, "{name}({n})");
                } else if n == 31 {
                    out.push_str(match (w, sp) {
                        (false, false) => "xzr",
                        (false, true) => "sp",
                        (true, false) => "wzr",
                        (true, true) => "wsp",
                    });
                } else {
                    let _ = write!(out, "{}{n}", if w { 'w' } else { 'x' });
                }
            }
            Op::Fp(c, n) => {
                if dy {
                    let _ = write!(out, "{}({n})", c.to_ascii_uppercase());
                } else {
                    let _ = write!(out, "{c}{n}");
                }
            }
            Op::V(n, a) => {
                let arr = if s == Syntax::Llvm { a.llvm() } else { a.jit() };
                if dy {
                    let _ = write!(out, "V({n}).{arr}");
                } else {
                    let _ = write!(out, "v{n}.{arr}");
                }
            }
            Op::Elem(n, c, i) => {
                if dy {
                    let _ = write!(out, "V({n}).{c}[{i}]");
                } else {
                    let _ = write!(out, "v{n}.{c}[{i}]");
                }
            }
            Op::Imm(v) => {
                if dy {
                    let _ = write!(out, "#d({v})");
                } else {
                    let _ = write!(out, "#{v}");
                }
            }
            Op::Hex(v) => {
                if dy {
                    let _ = write!(out, "#d({v:#x})");
                } else {
                    let _ = write!(out, "#{v:#x}");
                }
            }
            Op::Lit(ref t) => out.push_str(t),
            Op::List(first, count, a, dash) => {
                let reg = |n: u8, out: &mut String| {
                    let n = n % 32;
                    let arr = if a.lanes == 0 {
                        a.size.to_string()
                    } else if s == Syntax::Llvm {
                        a.llvm()
                    } else {
                        a.jit()
                    };
                    if dy {
                        let _ = write!(out, "V({n}).{arr}");
                    } else {
                        let _ = write!(out, "v{n}.{arr}");
                    }
                };
                out.push('{');
                if dy {
                    // dynasm's only list spelling with a run-time register: `{V(n).s4 * count}`.
                    reg(first, out);
                    let _ = write!(out, " * {count}");
                } else if dash && count > 1 {
                    reg(first, out);
                    out.push_str(" - ");
                    reg(first.wrapping_add(count - 1), out);
                } else {
                    for k in 0..count {
                        if k > 0 {
                            out.push_str(", ");
                        }
                        reg(first.wrapping_add(k), out);
                    }
                }
                out.push('}');
            }
            Op::Mem(ref ops, pre) => {
                out.push('[');
                for (k, op) in ops.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    op.render(s, out);
                }
                out.push(']');
                if pre {
                    out.push('!');
                }
            }
        }
    }

    /// Whether the operand is spelled differently in the dynamic syntax.
    fn has_dynamic(&self) -> bool {
        match self {
            Op::Lit(_) | Op::Elem(..) => false,
            Op::Mem(ops, _) => ops.iter().any(Op::has_dynamic),
            _ => true,
        }
    }
}

/// One form: a family name and the instruction(s) in each syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub family: &'static str,
    /// Statements in jitkit syntax, separated by ` ; `.
    pub jit: String,
    /// The same in LLVM syntax, separated by `; `.
    pub llvm: String,
    /// Whether registers and immediates are run-time values (`X(5)`, `#d(42)`).
    pub dynamic: bool,
}

/// An instruction being built: mnemonic and operands.
#[derive(Clone, Debug)]
pub struct Insn {
    pub mnemonic: String,
    pub ops: Vec<Op>,
}

impl Insn {
    pub fn render(&self, s: Syntax) -> String {
        let mut out = self.mnemonic.clone();
        for (k, op) in self.ops.iter().enumerate() {
            out.push_str(if k == 0 { " " } else { ", " });
            op.render(s, &mut out);
        }
        out
    }
    pub fn has_dynamic(&self) -> bool {
        self.ops.iter().any(Op::has_dynamic)
    }
}

/// The forms of one family, collected in order.
pub struct Family {
    pub name: &'static str,
    pub forms: Vec<Form>,
    /// Instructions that may get a dynamic twin.
    candidates: Vec<Insn>,
}

impl Family {
    pub fn new(name: &'static str) -> Family {
        Family {
            name,
            forms: Vec::new(),
            candidates: Vec::new(),
        }
    }

    /// Adds `mnemonic ops...` in both syntaxes.
    pub fn add(&mut self, mnemonic: &str, ops: Vec<Op>) {
        let insn = Insn {
            mnemonic: mnemonic.to_owned(),
            ops,
        };
        self.forms.push(Form {
            family: self.name,
            jit: insn.render(Syntax::Jit),
            llvm: insn.render(Syntax::Llvm),
            dynamic: false,
        });
        if insn.has_dynamic() {
            self.candidates.push(insn);
        }
    }

    /// Adds a form whose two spellings are given as text (labels, multi-statement forms).
    pub fn text(&mut self, jit: &str, llvm: &str) {
        self.forms.push(Form {
            family: self.name,
            jit: jit.to_owned(),
            llvm: llvm.to_owned(),
            dynamic: false,
        });
    }

    /// Adds a dynamic form given as text (run-time registers next to labels, and the like).
    pub fn dynamic_text(&mut self, jit: &str, llvm: &str) {
        self.forms.push(Form {
            family: self.name,
            jit: jit.to_owned(),
            llvm: llvm.to_owned(),
            dynamic: true,
        });
    }

    /// Adds a form with the same text in both syntaxes.
    pub fn same(&mut self, text: &str) {
        self.text(text, text);
    }

    /// Closes the family: every third candidate (at least one) also becomes a dynamic form, so
    /// that run-time encoding is exercised in every family.
    pub fn finish(mut self) -> Vec<Form> {
        let n = self.candidates.len();
        let step = if n < 3 { 1 } else { 3 };
        for insn in self.candidates.iter().step_by(step) {
            self.forms.push(Form {
                family: self.name,
                jit: insn.render(Syntax::Dynamic),
                llvm: insn.render(Syntax::Llvm),
                dynamic: true,
            });
        }
        self.forms
    }
}

/// Shorthands for building operand lists.
pub fn x(n: u8) -> Op {
    Op::X(n)
}
pub fn xsp(n: u8) -> Op {
    Op::Xsp(n)
}
pub fn w(n: u8) -> Op {
    Op::W(n)
}
pub fn wsp(n: u8) -> Op {
    Op::Wsp(n)
}
pub fn fp(c: char, n: u8) -> Op {
    Op::Fp(c, n)
}
pub fn v(n: u8, a: Arr) -> Op {
    Op::V(n, a)
}
pub fn el(n: u8, c: char, i: u8) -> Op {
    Op::Elem(n, c, i)
}
pub fn imm(v: i64) -> Op {
    Op::Imm(v)
}
pub fn hex(v: u64) -> Op {
    Op::Hex(v)
}
pub fn lit(t: impl Into<String>) -> Op {
    Op::Lit(t.into())
}
pub fn mem(ops: Vec<Op>) -> Op {
    Op::Mem(ops, false)
}
pub fn pre(ops: Vec<Op>) -> Op {
    Op::Mem(ops, true)
}
/// A general register of width `wide` (x) or not (w), 31 being the zero register.
pub fn r(wide: bool, n: u8) -> Op {
    if wide {
        x(n)
    } else {
        w(n)
    }
}
/// A general register of width `wide`, 31 being the stack pointer.
pub fn rsp(wide: bool, n: u8) -> Op {
    if wide {
        xsp(n)
    } else {
        wsp(n)
    }
}
