#!/usr/bin/env python3
"""Writes tests/x64/forms.rs: the x86-64 forms of the llvm-mc oracle (tests/x64_oracle.rs).

Each form is written in dynasm's x64 syntax and in LLVM's Intel syntax. A form whose registers
can be dynamic also gets a dynamic variant (`Rq(n)` for `r..`, `Rx(n)` for `xmm..`, ...), which
the test compares by meaning (llvm-mc's disassembly), since dynasm encodes a dynamic base
register conservatively (always with a SIB byte and a displacement).

Run: python3 tests/x64/generate.py > tests/x64/forms.rs
"""

Q = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
     "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
D = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] + [f"r{i}d" for i in range(8, 16)]
W = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"] + [f"r{i}w" for i in range(8, 16)]
B = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"] + [f"r{i}b" for i in range(8, 16)]
FAM = {"q": ("Rq", Q), "d": ("Rd", D), "w": ("Rw", W), "b": ("Rb", B)}
HINT = {"q": "QWORD", "d": "DWORD", "w": "WORD", "b": "BYTE"}
PICK = [0, 1, 4, 5, 7, 8, 12, 13, 15]

forms = []  # (dynasm, llvm, dynamic_variant_or_None)


def reg(size, i, dynamic):
    fam, names = FAM[size]
    return f"{fam}({i})" if dynamic else names[i]


def add(dyn_text, llvm_text, dynamic=None):
    forms.append((dyn_text, llvm_text, dynamic))


def mem(base, index=None, scale=1, disp=0):
    """(dynasm, llvm, dynamic dynasm) for a memory operand on 64-bit registers."""
    def build(b, x):
        s = b
        if x is not None:
            s += f" + {x}*{scale}" if scale != 1 else f" + {x}"
        if disp > 0:
            s += f" + {disp}"
        elif disp < 0:
            s += f" - {-disp}"
        return s
    llvm_parts = Q[base]
    if index is not None:
        llvm_parts += f" + {scale}*{Q[index]}"
    if disp > 0:
        llvm_parts += f" + {disp}"
    elif disp < 0:
        llvm_parts += f" - {-disp}"
    static = build(Q[base], None if index is None else Q[index])
    dynamic = build(f"Rq({base})", None if index is None else f"Rq({index})")
    return static, llvm_parts, dynamic


ADDRS = [mem(0), mem(4), mem(5), mem(12), mem(13), mem(0, disp=8), mem(5, disp=-128),
         mem(13, disp=127), mem(1, disp=0x1000), mem(0, 3), mem(0, 3, 8, 16),
         mem(12, 13, 4, -8), mem(4, 15, 2, 0x12345), mem(13, 5)]

# Two-operand ALU, every width, register forms.
for op in ["add", "sub", "and", "or", "xor", "cmp", "adc", "sbb", "test", "mov"]:
    for size in "qdwb":
        for a, b in [(0, 1), (3, 8), (15, 4), (7, 12), (5, 13)]:
            if size == "b" and (a in (4, 5, 6, 7) or b in (4, 5, 6, 7)):
                pass
            t = f"{op} {reg(size, a, False)}, {reg(size, b, False)}"
            d = f"{op} {reg(size, a, True)}, {reg(size, b, True)}"
            add(t, t, d)

# ALU with immediates at the edges of imm8 and imm32.
for op in ["add", "sub", "and", "or", "xor", "cmp", "adc", "sbb"]:
    for size, imms in [("q", [1, 127, 128, -128, -129, 0x7fffffff, -0x80000000]),
                       ("d", [1, 127, 128, -1, 0x7fffffff]),
                       ("w", [1, 127, 0x7fff]), ("b", [1, 0x7f, -1])]:
        for i in [0, 9]:
            for v in imms:
                t = f"{op} {reg(size, i, False)}, {v}"
                add(t, t, f"{op} {reg(size, i, True)}, {v}")
for size, imms in [("q", [1, 0x7fffffff]), ("d", [1, 0x7fffffff]), ("w", [1]), ("b", [1])]:
    for v in imms:
        t = f"test {reg(size, 2, False)}, {v}"
        add(t, t, f"test {reg(size, 2, True)}, {v}")

# Register <-> memory, every addressing shape.
for op in ["mov", "add", "sub", "cmp", "and", "or", "xor"]:
    for s, l, d in ADDRS:
        add(f"{op} rax, QWORD [{s}]", f"{op} rax, qword ptr [{l}]", f"{op} Rq(0), QWORD [{d}]")
        add(f"{op} QWORD [{s}], r9", f"{op} qword ptr [{l}], r9", f"{op} QWORD [{d}], Rq(9)")
for s, l, d in ADDRS:
    add(f"mov ecx, DWORD [{s}]", f"mov ecx, dword ptr [{l}]", f"mov Rd(1), DWORD [{d}]")
    add(f"mov WORD [{s}], dx", f"mov word ptr [{l}], dx", f"mov WORD [{d}], Rw(2)")
    add(f"mov BYTE [{s}], sil", f"mov byte ptr [{l}], sil", f"mov BYTE [{d}], Rb(6)")
    add(f"lea r10, [{s}]", f"lea r10, [{l}]", f"lea Rq(10), [{d}]")
    add(f"mov QWORD [{s}], 100", f"mov qword ptr [{l}], 100", f"mov QWORD [{d}], 100")
    add(f"inc QWORD [{s}]", f"inc qword ptr [{l}]", f"inc QWORD [{d}]")
    add(f"movsd xmm3, QWORD [{s}]", f"movsd xmm3, qword ptr [{l}]", f"movsd Rx(3), QWORD [{d}]")

# Moves of immediates.
for i in PICK:
    for v in [0, 1, 0x7fffffff, 0xffffffff, 0x123456789, -1, -0x80000000]:
        if v < 0 or v > 0xffffffff:
            add(f"mov {Q[i]}, QWORD {v}", f"movabs {Q[i]}, {v}", f"mov Rq({i}), QWORD {v}")
        w = v & 0xffffffff
        w = w - (1 << 32) if w >= 1 << 31 else w  # dynasm's imm32 is an i32
        add(f"mov {D[i]}, {w}", f"mov {D[i]}, {w}", f"mov Rd({i}), {w}")

# One-operand arithmetic and shifts.
for op in ["inc", "dec", "neg", "not", "mul", "imul", "div", "idiv"]:
    for size in "qdb":
        for i in [0, 6, 11, 15]:
            t = f"{op} {reg(size, i, False)}"
            add(t, t, f"{op} {reg(size, i, True)}")
for op in ["shl", "shr", "sar", "rol", "ror"]:
    for size in "qd":
        for i in [0, 9]:
            for amount in ["1", "5", "31", "cl"]:
                t = f"{op} {reg(size, i, False)}, {amount}"
                add(t, t, f"{op} {reg(size, i, True)}, {amount}")
for a, b in [(0, 1), (9, 14), (2, 13)]:
    for size in "qd":
        t = f"imul {reg(size, a, False)}, {reg(size, b, False)}"
        add(t, t, f"imul {reg(size, a, True)}, {reg(size, b, True)}")
        for v in [3, 1000]:
            t = f"imul {reg(size, a, False)}, {reg(size, b, False)}, {v}"
            add(t, t, f"imul {reg(size, a, True)}, {reg(size, b, True)}, {v}")

# Extensions, bit operations, conditional moves and sets.
for a, b in [(0, 1), (8, 6), (15, 12)]:
    add(f"movzx {Q[a]}, {B[b]}", f"movzx {Q[a]}, {B[b]}", f"movzx Rq({a}), Rb({b})")
    add(f"movzx {D[a]}, {W[b]}", f"movzx {D[a]}, {W[b]}", f"movzx Rd({a}), Rw({b})")
    add(f"movsx {Q[a]}, {W[b]}", f"movsx {Q[a]}, {W[b]}", f"movsx Rq({a}), Rw({b})")
    add(f"movsxd {Q[a]}, {D[b]}", f"movsxd {Q[a]}, {D[b]}", f"movsxd Rq({a}), Rd({b})")
    for op in ["bsf", "bsr", "popcnt", "lzcnt", "tzcnt", "bt", "bts", "xchg"]:
        add(f"{op} {Q[a]}, {Q[b]}", f"{op} {Q[a]}, {Q[b]}", f"{op} Rq({a}), Rq({b})")
    for cc in ["e", "ne", "l", "ge", "b", "ae", "s", "o"]:
        add(f"cmov{cc} {Q[a]}, {Q[b]}", f"cmov{cc} {Q[a]}, {Q[b]}", f"cmov{cc} Rq({a}), Rq({b})")
        add(f"set{cc} {B[b]}", f"set{cc} {B[b]}", f"set{cc} Rb({b})")
    add(f"bswap {Q[a]}", f"bswap {Q[a]}", f"bswap Rq({a})")

# Stack, calls, returns, system.
for i in range(16):
    add(f"push {Q[i]}", f"push {Q[i]}", f"push Rq({i})")
    add(f"pop {Q[i]}", f"pop {Q[i]}", f"pop Rq({i})")
    add(f"call {Q[i]}", f"call {Q[i]}", f"call Rq({i})")
    add(f"jmp {Q[i]}", f"jmp {Q[i]}", f"jmp Rq({i})")
for t in ["ret", "nop", "int3", "cqo", "cdq", "ud2", "mfence", "lfence", "sfence", "pause",
          "leave", "cpuid", "rdtsc", "hlt"]:
    add(t, t)
add("push 1", "push 1")
add("push 0x1000", "push 0x1000")
add("ret 16", "ret 16")

# Branches to labels, at the distances dynasm encodes (rel32 unless BYTE is asked for).
add("jmp >l ; nop ; l:", "jmp 1f; nop; 1:")
add("call >l ; nop ; l:", "call 1f; nop; 1:")
for cc in ["e", "ne", "l", "g", "b", "a", "s", "ns"]:
    add(f"j{cc} >l ; nop ; l:", f"j{cc} 1f; nop; 1:")

# SSE and AVX.
for a, b in [(0, 1), (7, 8), (15, 3)]:
    for op in ["addsd", "subsd", "mulsd", "divsd", "sqrtsd", "addss", "mulss", "minsd", "maxsd",
               "ucomisd", "comisd", "addpd", "addps", "mulps", "xorps", "andpd", "orps",
               "movaps", "movups", "movapd", "movdqa", "movdqu", "pxor", "pand", "por",
               "paddd", "paddq", "psubd", "pmulld", "pcmpeqd", "punpcklqdq", "unpcklps"]:
        add(f"{op} xmm{a}, xmm{b}", f"{op} xmm{a}, xmm{b}", f"{op} Rx({a}), Rx({b})")
    add(f"pshufd xmm{a}, xmm{b}, 27", f"pshufd xmm{a}, xmm{b}, 27", f"pshufd Rx({a}), Rx({b}), 27")
    add(f"cvtsi2sd xmm{a}, {Q[b]}", f"cvtsi2sd xmm{a}, {Q[b]}", f"cvtsi2sd Rx({a}), Rq({b})")
    add(f"cvttsd2si {Q[a]}, xmm{b}", f"cvttsd2si {Q[a]}, xmm{b}", f"cvttsd2si Rq({a}), Rx({b})")
    add(f"movq xmm{a}, {Q[b]}", f"movq xmm{a}, {Q[b]}", f"movq Rx({a}), Rq({b})")
    add(f"movq {Q[a]}, xmm{b}", f"movq {Q[a]}, xmm{b}", f"movq Rq({a}), Rx({b})")
    add(f"movd xmm{a}, {D[b]}", f"movd xmm{a}, {D[b]}", f"movd Rx({a}), Rd({b})")
    for op in ["vaddps", "vmulpd", "vxorps", "vandps", "vsubpd"]:
        add(f"{op} ymm{a}, ymm{b}, ymm{a}", f"{op} ymm{a}, ymm{b}, ymm{a}",
            f"{op} Ry({a}), Ry({b}), Ry({a})")
        add(f"{op} xmm{a}, xmm{b}, xmm{a}", f"{op} xmm{a}, xmm{b}, xmm{a}",
            f"{op} Rx({a}), Rx({b}), Rx({a})")


def rust(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


print("// Generated by tests/x64/generate.py: do not edit. The x86-64 oracle's forms.")
print("// [; dynasm statements] => \"LLVM Intel syntax\", dynamic: [; dynamic variant]")
print("forms![")
for dyn_text, llvm_text, dynamic in forms:
    stmts = " ".join(f"; {s.strip()}" for s in dyn_text.split(";"))
    line = f"    [{stmts}] => \"{rust(llvm_text)}\""
    if dynamic:
        dstmts = " ".join(f"; {s.strip()}" for s in dynamic.split(";"))
        line += f", dynamic: [{dstmts}]"
    print(line + ",")
print("]")
