#!/usr/bin/env python3
"""Independent model of the example programs: computes each NAME.expected (and, for the
programs that stop with a runtime error, NAME.stderr) in Python, without running the BCPL
implementation. Run from this directory: python3 oracle.py
"""
import sys

sys.setrecursionlimit(1_000_000)
M = 1 << 64


def w(x):
    """Wrap to a signed 64-bit word."""
    x %= M
    return x - M if x >= 1 << 63 else x


def div(a, b):
    q = abs(a) // abs(b)
    return w(q if (a < 0) == (b < 0) else -q)


def mod(a, b):
    return w(a - div(a, b) * b)


def shl(a, n):
    return 0 if not 0 <= n < 64 else w((a % M) << n)


def shr(a, n):
    return 0 if not 0 <= n < 64 else w((a % M) >> n)


T, F = -1, 0
out = {}


def fib_b():
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)
    a, b = 0, 1
    for _ in range(90):
        a, b = b, w(a + b)
    return "".join(f"{fib(i)} " for i in range(21)) + "\n" + f"fib(90) = {a}\n"


def sieve_b():
    n = 10000
    f = [True] * (n + 1)
    f[0] = f[1] = False
    for i in range(2, n + 1):
        if f[i]:
            for j in range(i * i, n + 1, i):
                f[j] = False
    return "".join(f"{i} " for i in range(100) if f[i]) + "\n" + \
        f"primes below 10000: {sum(f)}\n"


def gcd_b():
    from math import gcd
    s = ""
    for a, b in [(12, 18), (1071, 462), (17, 5), (1000000, 999999),
                 (2 * 3 * 5 * 7 * 11 * 13, 7 * 11 * 13 * 17)]:
        g = gcd(a, b)
        s += f"gcd({a}, {b}) = {g} = {g}, lcm = {a // g * b}\n"
    return s


def collatz_b():
    def steps(n):
        c = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            c += 1
        return c
    path, n = [], 6
    while True:
        path.append(n)
        if n == 1:
            break
        n = n // 2 if n % 2 == 0 else 3 * n + 1
    best, bestn = 0, 0
    for i in range(1, 10000):
        s = steps(i)
        if s > best:
            best, bestn = s, i
    return "path from 6:" + "".join(f" {p}" for p in path) + "\n" + \
        f"steps(27) = {steps(27)}\n" + f"longest below 10000: {bestn} with {best} steps\n"


def ackermann_b():
    def ack(m, n):
        # closed forms for m <= 3, checked against the definition for small values
        if m == 0: return n + 1
        if m == 1: return n + 2
        if m == 2: return 2 * n + 3
        return 2 ** (n + 3) - 3
    def ack_def(m, n):
        if m == 0: return n + 1
        if n == 0: return ack_def(m - 1, 1)
        return ack_def(m - 1, ack_def(m, n - 1))
    for m in range(4):
        for n in range(5):
            assert ack(m, n) == ack_def(m, n)
    s = ""
    for m in range(4):
        s += " ".join(str(ack(m, n)) for n in range(5)) + "\n"
    return s + f"ack(3, 6) = {ack(3, 6)}\n"


def hanoi_b():
    s = []
    def show(n, fr, to, via):
        if n == 0: return
        show(n - 1, fr, via, to)
        s.append(f"disc {n} from {fr} to {to}\n")
        show(n - 1, via, to, fr)
    show(3, "A", "C", "B")
    return "".join(s) + ",".join(str(2 ** n - 1) for n in range(1, 13)) + "\n"


def queens_b():
    def count(n):
        def go(row, cols, d1, d2):
            if row == n: return 1
            c = 0
            for col in range(n):
                if col in cols or row + col in d1 or row - col in d2: continue
                c += go(row + 1, cols | {col}, d1 | {row + col}, d2 | {row - col})
            return c
        return go(0, set(), set(), set())
    return "".join(f"{n} queens: {count(n)}\n" for n in range(1, 10))


def bubble_b():
    seed, v = 12345, []
    for _ in range(20):
        seed = mod(w(seed * 1103515245 + 12345), 2147483648)
        v.append(mod(seed, 1000))
    line = lambda xs: " ".join(map(str, xs)) + "\n"
    return line(v) + line(sorted(v))


def strings_b():
    s = "a string in a variable"
    return ("plain\n" "tab:\tafter tab\n" "star: * quote: \" apostrophe: ' space: .\n"
            + s + "\n" + "Hello, world!\n" "Hello, BCPL!\n" "empty strings print nothing\n"
            + f"length of s: {len(s)}\n" + "line one\nline two\n")


def loops_b():
    s = ""
    for a in range(1, 6):
        for b in range(1, 6):
            if b <= a: continue
            if b == 4: break
            if (a + b) % 2 == 0: continue
            s += f"{a}:{b} "
    s += "\n"
    i = 0
    while i < 10:
        i += 3; s += f"{i} "
    s += "\n"
    while i != 0:
        i = i - 4 if i - 4 > 0 else 0; s += f"{i} "
    s += "\n"
    while True:
        i += 1; s += f"{i} "
        if not i < 5: break
    s += "\n"
    while True:
        i *= 2; s += f"{i} "
        if i > 100: break
    s += "\n"
    i = 0
    while True:
        i += 1
        if i % 3 == 0: continue
        if i > 10: break
        s += f"{i} "
    s += "\n" + "once\n"
    for k in range(1, 4):
        n = 0
        while True:
            n += k
            if n > 10: break
        s += f"{n} "
    return s + "\n"


def bcpl_for(a, b, step=1):
    i = a
    while (i <= b) if step > 0 else (i >= b):
        yield i
        i += step


def for_by_b():
    line = lambda xs: "".join(f"{x} " for x in xs) + "\n"
    s = line(bcpl_for(10, 1, -1)) + line(bcpl_for(0, 20, 7)) + line(bcpl_for(20, -20, -15))
    s += "just 3\n"
    n, xs = 5, []
    for i in bcpl_for(1, 5):
        n += 1; xs.append(i)
    s += line(xs) + f"n is now {n}\n" + line(bcpl_for(100, 0, -25))
    return s


def mutual_b():
    s = ""
    for i in range(11):
        s += f"{i}" + (" even" if i % 2 == 0 else " odd") + (" (odd)\n" if i % 2 else " (even)\n")
    def F(n): return 1 if n == 0 else n - Mh(F(n - 1))
    def Mh(n): return 0 if n == 0 else n - F(Mh(n - 1))
    s += "hofstadter F: " + "".join(f"{F(i)} " for i in range(16)) + "\n"
    s += "hofstadter M: " + "".join(f"{Mh(i)} " for i in range(16)) + "\n"
    return s


def valof_b():
    def fsa(n):
        for i in range(n + 1):
            if i * i > n: return i
        return -1
    def classify(n):
        if n < 0: return -1
        if n == 0: return 0
        return len(str(n))
    s = f"{fsa(50)}\n{fsa(99)}\n"
    s += f"{classify(-5)} {classify(0)} {classify(7)} {classify(123456)}\n"
    s += "early(1) runs to the end\n" "early(5) returns early\n"
    return s + f"{1 + 40 + 1}\n"


def conditional_b():
    sign = lambda x: -1 if x < 0 else 0 if x == 0 else 1
    clamp = lambda x, lo, hi: lo if x < lo else hi if x > hi else x
    s = "".join(f"{sign(i * 7)} " for i in range(-2, 3)) + "\n"
    s += f"{max(3, 9)} {max(-3, -9)} {abs(-42)} {abs(42)}\n"
    s += "".join(f"{clamp(i, 0, 10)} " for i in bcpl_for(-5, 15, 5)) + "\n"
    return s + "true\n" "second\n"


def bits_b():
    def hexw(n): return "%016X" % (n % M)
    vals = [shl(1, 4), shl(1, 63), shr(-1, 4), shr(-1, 63), 0xF0F0 & 0xFF00, 0xF0F0 | 0x0F0F,
            ~0, ~0xFF, shl(1, 64), shr(-1, 64)]
    s = "".join(hexw(v) + "\n" for v in vals)
    pc = lambda n: bin(n % M).count("1")
    s += f"{pc(-1)} {pc(0x123456789ABCDEF)} {1 << 10} {1024 >> 3} {5 & 3} {5 | 3} {~5}\n"
    return s


def chars_b():
    s = "ABCDEFGHIJKLMNOPQRSTUVWXYZ\n" + "ZYXWVUTSRQPONMLKJIHGFEDCBA\n"
    s += f"{ord('A')} {ord('0')} 10 32 42 39\n" + "x\ty\n" + "0123456789\n"
    return s


def deep_b():
    n = 100000
    return f"{n}\n{n * (n + 1) // 2}\n{n}\n"


def division_b():
    s = ""
    for a, b in [(7, 2), (-7, 2), (7, -2), (-7, -2), (6, 3), (-6, 3), (0, 5), (1, 7), (-1, 7),
                 (123456789, 1000), (-(1 << 63), -1), (-(1 << 63), 10)]:
        s += f"{a} / {b} = {div(a, b)}, {a} MOD {b} = {mod(a, b)}\n"
    return s + "identity holds\n"


def hex_b():
    s = f"{0x10} {0xff} {0xABCDEF} {w(0x7FFFFFFFFFFFFFFF)} {w(0xFFFFFFFFFFFFFFFF)} {w(0x8000000000000000)}\n"
    s += f"{0o17} {0o777} {0b1010} {0b11110000}\n"
    return s + f"{0x100 + 0x10 * 2 - 1}\n"


def vectors_b():
    v = [3 * i for i in range(10)]
    s = f"{sum(v)}\n{v[4]} {v[4]} {v[0]}\n"
    v[2] = 100; v[3] = v[2] + 1
    s += f"{v[2]} {v[3]}\n"
    a = [i + 1 for i in range(9)]; b = [9 - i for i in range(9)]
    c = [sum(a[3 * i + k] * b[3 * k + j] for k in range(3)) for i in range(3) for j in range(3)]
    s += "".join(f"{c[i]}" + ("\n" if i % 3 == 2 else " ") for i in range(9))
    return s + "0 0 \n"


def relations_b():
    s = f"{T} {F} {T} {F} {T} {F}\n{T} {F} {F} {T}\n"
    s += f"{T} {F} {F} {T}\n"
    s += f"{T} {F} {T}\n"
    s += f"{T} {T}\n"  # ~ takes the whole relation: ~(1 = 2)
    s += "".join(f"{d} " for d in range(4) if d != 0 and 12 % d == 0) + "\n"
    return s + f"{6 & 3} {6 | 3} {T & 7}\n"


def manyargs_b():
    weigh = lambda *a: sum((i + 1) * x for i, x in enumerate(a))
    s = f"{weigh(*[1] * 11)}\n{weigh(*range(1, 12))}\n{weigh(*reversed(range(1, 12)))}\n"
    nine = lambda *a: a[8] * 100 + a[0]
    return s + f"{nine(1, 2, 3, 4, 5, 6, 7, 8, nine(9, 0, 0, 0, 0, 0, 0, 0, 2))}\n"


def pascal_b():
    from math import comb
    return "".join(" ".join(str(comb(n, i)) for i in range(n + 1)) + "\n" for n in range(13))


def factorial_b():
    s, f = "", 1
    for n in range(26):
        f = 1 if n <= 1 else w(f * n)
        s += f"{n}! = {f}\n"
    return s


def order_b():
    # A variable that is an operand is read when its operator is applied, after the operands
    # to its right (Cintcode's order): a + VALOF(a := 10; 5) with a = 1 is 10 + 5; likewise
    # 10 - 5; a is then 10. The stored value a is read after the subscript's VALOF sets a to
    # 7. a = 2 < VALOF(a := 0; 1) compares 0 < 1.
    return f"{10 + 5}\n{10 - 5}\n10\n7 7\n{T}\n"


def syntax_b():
    s = "2" + "1\n"            # inner x = 2, then the outer x = 1
    s += "56" + "1\n"          # FOR x = 5 TO 6 shadows, then the outer x again
    s += f"{20 * 2 + 1}\n"     # a + at the end of a line continues the expression
    text = "/* not a comment */ // nor this\n"
    s += text + "nonzero " + text   # g(-1) returns at once; g(0); g(3)
    s += "right\n" + "3\n" + "0\n"
    s += f"{5} {7} {3}\n"      # - - 5, ~~7, +3
    s += f"{2 + 3 * 4 - (10 // 3) % 2}\n"   # * / MOD bind tighter than + -, left to right
    s += f"{1 << (2 + 1)} {(1 + 1) << 2}\n"  # shifts bind looser than + -
    s += "10\n" + f"{0x10 + ord('0')}\n" + "42\n"
    return s


def finish_b():
    return "6\n5\n4\n3\n"


def divzero_b():
    return "4\n6\n12\n", "divzero.b:2: runtime error: division by zero\n"


def modzero_b():
    # walk(3, 10): d reaches 7 -> 100 MOD 7 = 2; walk(5, 5): d reaches 0.
    return f"{100 % 7}\n", "modzero.b:3: runtime error: division by zero\n"


for name, fn in list(globals().items()):
    if name.endswith("_b") and callable(fn):
        r = fn()
        stdout, stderr = r if isinstance(r, tuple) else (r, None)
        base = name[:-2]
        with open(f"{base}.expected", "w") as f:
            f.write(stdout)
        if stderr is not None:
            with open(f"{base}.stderr", "w") as f:
                f.write(stderr)
        print(f"{base}: {len(stdout)} bytes" + (" + stderr" if stderr else ""))
