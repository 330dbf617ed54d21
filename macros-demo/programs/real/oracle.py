#!/usr/bin/env python3
"""Independent model of the real programs in this directory: computes each NAME.expected in
Python from what the program is specified to print (the task, and the meaning of the library
calls it makes: writef's %N, %I2, writed's right-justified fields, ...), without running the
BCPL implementation. Run from this directory: python3 oracle.py
"""

M = 1 << 64


def w(x):
    """Wrap to a signed 64-bit word."""
    x %= M
    return x - M if x >= 1 << 63 else x


def rem(a, b):
    """BCPL's REM/MOD: truncating toward zero."""
    q = abs(a) // abs(b)
    q = q if (a < 0) == (b < 0) else -q
    return a - q * b


def div(a, b):
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def d(n, width):
    """writed(n, width)."""
    return str(n).rjust(width)


out = {}


def doors():
    open_ = [False] * 101
    for p in range(1, 101):
        for n in range(p, 101, p):
            open_[n] = not open_[n]
    return "".join(f"Door {n} is open.\n" for n in range(1, 101) if open_[n])


def bottles():
    def b(n):
        return ("No more" if n == 0 else str(n)) + (" bottle" if n == 1 else " bottles")
    s = ""
    for n in range(99, 0, -1):
        s += f"{b(n)} of beer on the wall,\n{b(n)} of beer,\nTake {'it' if n == 1 else 'one'} down and pass it around,\n{b(n - 1)} of beer on the wall!\n\n"
    return s


def isprime(n):
    return n >= 2 and all(n % p for p in range(2, int(n ** 0.5) + 1))


def additive():
    found = [i for i in range(2, 501) if isprime(i) and isprime(sum(map(int, str(i))))]
    s = ""
    for k, i in enumerate(found, 1):
        s += d(i, 5)
        if k % 10 == 0:
            s += "\n"
    return s + f"\n\nFound {len(found)} additive primes < 500.\n"


def nfactors_with_mult(n):
    c, p = 0, 2
    while p * p <= n:
        while n % p == 0:
            n //= p
            c += 1
        p += 1
    return c + (1 if n > 1 else 0)


def almost():
    s = ""
    for k in range(1, 6):
        got, i = [], 2
        while len(got) < 10:
            if nfactors_with_mult(i) == k:
                got.append(i)
            i += 1
        s += f"k = {k}:" + "".join(d(x, 4) for x in got) + "\n"
    return s


def antiprimes():
    def nf(n):
        return 1 if n < 2 else sum(1 for i in range(1, n + 1) if n % i == 0)
    got, best, n = [], 0, 1
    while len(got) < 20:
        f = nf(n)
        if f > best:
            got.append(n)
            best = f
        n += 1
    return "".join(f"{x} " for x in got) + "\n"


def attractive():
    got = [i for i in range(2, 121) if isprime(nfactors_with_mult(i))]
    s = ""
    for k, i in enumerate(got, 1):
        s += d(i, 4)
        if k % 18 == 0:
            s += "\n"
    return s + "\n"


def binary():
    return "".join(f"{x:b}\n" for x in (5, 50, 9000))


def cusip():
    def valid(c):
        total = 0
        for i, ch in enumerate(c[:8], 1):
            if ch.isdigit():
                v = int(ch)
            elif ch.isupper():
                v = 10 + ord(ch) - 65
            else:
                v = {"*": 36, "@": 37, "#": 38}.get(ch, -1)
            v *= 2 - (i & 1)
            total += v // 10 + v % 10
        return (10 - total % 10) % 10 == int(c[8])
    codes = ["037833100", "17275R102", "38259P508", "594918104", "68389X106", "68389X105"]
    return "".join(f"{c}: {'' if valid(c) else 'in'}valid\n" for c in codes)


def quibble():
    def q(ws):
        if not ws:
            body = ""
        elif len(ws) == 1:
            body = f'"{ws[0]}"'
        else:
            body = ", ".join(f'"{x}"' for x in ws[:-1]) + f' and "{ws[-1]}"'
        return "{" + body + "}\n"
    return q([]) + q(["ABC"]) + q(["ABC", "DEF"]) + q(["ABC", "DEF", "G", "H"])


def dayofweek():
    import datetime
    return "".join(f"{y}\n" for y in range(2008, 2122) if datetime.date(y, 12, 25).weekday() == 6)


def departments():
    s = ""
    for p in (2, 4, 6):
        for sa in range(1, 8):
            for f in range(1, 8):
                if len({p, sa, f}) == 3 and p + sa + f == 12:
                    s += f"{p} {sa} {f}\n"
    return s


def dot():
    return f"{sum(a * b for a, b in zip((1, 3, -5), (4, -2, -1)))}\n"


def ethiopian():
    return f"{17 * 34}\n"


def fizzbuzz():
    s = ""
    for i in range(1, 101):
        s += "FizzBuzz" if i % 15 == 0 else "Fizz" if i % 3 == 0 else "Buzz" if i % 5 == 0 else str(i)
        s += "\n"
    return s


def floyd():
    def tri(rows):
        maxno = rows * (rows + 1) // 2
        s, num = "", 1
        for r in range(1, rows + 1):
            for c in range(1, r + 1):
                s += d(num, 1 + len(str(maxno - rows + c)))
                num += 1
            s += "\n"
        return s
    return tri(5) + "\n" + tri(14)


def gray():
    s = ""
    for n in range(32):
        enc = n ^ (n >> 1)
        s += f"{n:2}: {int(f'{n:b}'):5} => {int(f'{enc:b}'):5} => {int(f'{n:b}'):5} => {n:2}\n"
    return s


def fib():
    a, b = 0, 1
    s = ""
    for i in range(11):
        s += f"F_{i}\t= {a}\n"
        a, b = b, a + b
    return s


def gcd():
    import math
    return "".join(f"gcd({m}, {n}) = {math.gcd(m, n)}\n" for m, n in ((18, 12), (1071, 1029), (3528, 3780)))


def happy():
    def is_happy(n):
        seen = set()
        while n not in seen:
            seen.add(n)
            n = sum(int(c) ** 2 for c in str(n))
        return n == 1
    got, i = [], 0
    while len(got) < 8:
        if is_happy(i):
            got.append(i)
        i += 1
    return "".join(f"{x} " for x in got) + "\n"


def harshad():
    def nxt(n):
        n += 1
        while n % sum(map(int, str(n))):
            n += 1
        return n
    got, n = [], 0
    for _ in range(20):
        n = nxt(n)
        got.append(n)
    return "First 20:" + "".join(f" {x}" for x in got) + f"\nFirst above 1000: {nxt(1000)}\n"


def hofstadter():
    q = [0, 1, 1]
    for n in range(3, 1001):
        q.append(q[n - q[n - 1]] + q[n - q[n - 2]])
    return "The first 10 terms are:" + "".join(f" {x}" for x in q[1:11]) + f"\nThe 1000th term is: {q[1000]}\n"


def isbn():
    def ok(s):
        digits = [int(c) for c in s if c.isdigit()]
        return sum(x * (1 if k % 2 == 0 else 3) for k, x in enumerate(digits)) % 10 == 0
    codes = ["978-0596528126", "978-0596528120", "978-1788399081", "978-1788399083"]
    return "".join(f"{c}: {'good' if ok(c) else 'bad'}\n" for c in codes)


def jewels():
    def n(j, s):
        return sum(1 for c in s if c in j)
    return f'"aA" in "aAAbbbb": {n("aA", "aAAbbbb")}\n"z" in "ZZ": {n("z", "ZZ")}\n'


def leap():
    import calendar
    years = [1899, 1900, 1901, 1902, 1903, 1904, 1905, 1999, 2000, 2001, 2002, 2003, 2004, 2021, 2022]
    return "".join(f"{y} {'is' if calendar.isleap(y) else 'is not'} a leap year.\n" for y in years)


def looksay():
    import itertools
    s, t = "", "1"
    for _ in range(15):
        s += t + "\n"
        t = "".join(f"{len(list(g))}{k}" for k, g in itertools.groupby(t))
    return s


def lucas():
    def prime(p):
        if p == 2:
            return True
        if p < 3:
            return False
        m, x = (1 << p) - 1, 4
        for _ in range(p - 2):
            x = (x * x - 2) % m
        return x == 0
    got = [k for k in range(64) if isprime(k) and prime(k)]
    # "M%d  ": writef's %d takes its field width from the next character (here the first
    # space, a negative width), so one space follows each number.
    return "These Mersenne numbers are prime: " + "".join(f"M{k} " for k in got) + "\n"


def luhn():
    def ok(s):
        total = 0
        for k, c in enumerate(reversed(s)):
            x = int(c) * (2 if k % 2 else 1)
            total += x // 10 + x % 10
        return total % 10 == 0
    cards = ["49927398716", "49927398717", "1234567812345678", "1234567812345670"]
    return "".join(f"{c}: {'pass' if ok(c) else 'fail'}\n" for c in cards)


def magic():
    s = ""
    for n in range(1, 8, 2):
        f = lambda x, y: (x + y * 2 + 1) % n
        s += f"Magic square of order {n} with constant {(n * n + 1) // 2 * n}:\n"
        for y in range(n):
            s += "".join(d(f(n - x - 1, y) * n + f(x, y) + 1, 4) for x in range(n)) + "\n"
        s += "\n"
    return s


def mertens():
    limit = 1000
    mu = [0] * (limit + 1)
    mu[1] = 1
    for n in range(2, limit + 1):
        m, p, mob = n, 2, 1
        while p * p <= m:
            if m % p == 0:
                m //= p
                if m % p == 0:
                    mob = 0
                    break
                mob = -mob
            p += 1
        else:
            if m > 1:
                mob = -mob
        mu[n] = mob
    big = [0] * (limit + 1)
    for n in range(1, limit + 1):
        big[n] = big[n - 1] + mu[n]
    s = "The first 99 Mertens numbers are:\n"
    for y in range(0, 100, 10):
        s += "".join("   " if x + y == 0 else d(big[x + y], 3) for x in range(10)) + "\n"
    eqz = sum(1 for x in range(2, limit + 1) if big[x] == 0)
    cross = sum(1 for x in range(2, limit + 1) if big[x] == 0 and big[x - 1] != 0)
    return s + f"M(N) is zero {eqz} times.\nM(N) crosses zero {cross} times.\n"


def hofstadter_fm():
    import functools

    @functools.cache
    def ff(n):
        return 1 if n == 0 else n - mm(ff(n - 1))

    @functools.cache
    def mm(n):
        return 0 if n == 0 else n - ff(mm(n - 1))
    f = [ff(n) for n in range(16)]
    m = [mm(n) for n in range(16)]
    return "F:" + "".join(f" {x}" for x in f) + "\nM:" + "".join(f" {x}" for x in m) + "\n"


def lcm():
    import math
    return f"{12 * 18 // math.gcd(12, 18)}\n"


def loops_for():
    return "".join("*" * i + "\n" for i in range(1, 6))


def move_to_front():
    alph = "abcdefghijklmnopqrstuvwxyz"
    s = ""
    for word in ("broood", "bananaaa", "hiphophiphop"):
        table, enc = list(alph), []
        for c in word:
            i = table.index(c)
            enc.append(i)
            table.insert(0, table.pop(i))
        table, dec = list(alph), ""
        for i in enc:
            c = table[i]
            dec += c
            table.insert(0, table.pop(i))
        s += f"{word} -> " + "".join(f"{i} " for i in enc) + f"-> {dec} ({'ok' if dec == word else 'fail'})\n"
    return s


def mcnuggets():
    can = {6 * a + 9 * b + 20 * c for a in range(17) for b in range(12) for c in range(6)}
    return f"Maximum non-McNuggets number: {max(i for i in range(101) if i not in can)}.\n"


def modinv():
    s = ""
    for a, b in ((42, 2017), (40, 1), (52, -217), (-486, 217), (40, 2018)):
        m = abs(b)
        try:
            inv = pow(a % m, -1, m) if m > 1 else 0
            s += f"{a}, {b} -> {inv}\n"
        except ValueError:
            s += f"{a}, {b} -> no inverse\n"
    return s


def disarium():
    return "".join(f"{n}\n" for n in range(2501)
                   if sum(int(c) ** (k + 1) for k, c in enumerate(str(n))) == n)


def lpd():
    s = ""
    for i in range(1, 101):
        s += d(1 if i == 1 else max(j for j in range(1, i) if i % j == 0), 3)
        if i % 10 == 0:
            s += "\n"
    return s


out = {
    "least-common-multiple": lcm(),
    "loops-for": loops_for(),
    "move-to-front-algorithm": move_to_front(),
    "mcnuggets-problem": mcnuggets(),
    "modular-inverse": modinv(),
    "disarium-numbers": disarium(),
    "largest-proper-divisor-of-n": lpd(),
    "100-doors": doors(),
    "99-bottles-of-beer": bottles(),
    "additive-primes": additive(),
    "almost-prime": almost(),
    "anti-primes": antiprimes(),
    "attractive-numbers": attractive(),
    "binary-digits": binary(),
    "cusip": cusip(),
    "comma-quibbling": quibble(),
    "day-of-the-week": dayofweek(),
    "department-numbers": departments(),
    "dot-product": dot(),
    "ethiopian-multiplication": ethiopian(),
    "fizzbuzz": fizzbuzz(),
    "floyds-triangle": floyd(),
    "gray-code": gray(),
    "fibonacci-sequence": fib(),
    "greatest-common-divisor": gcd(),
    "happy-numbers": happy(),
    "harshad-or-niven-series": harshad(),
    "hofstadter-q-sequence": hofstadter(),
    "isbn13-check-digit": isbn(),
    "jewels-and-stones": jewels(),
    "leap-year": leap(),
    "look-and-say-sequence": looksay(),
    "lucas-lehmer-test": lucas(),
    "luhn-test-of-credit-card-numbers": luhn(),
    "magic-squares-of-odd-order": magic(),
    "mertens-function": mertens(),
    "mutual-recursion": hofstadter_fm(),
}

for name, text in out.items():
    with open(f"{name}.expected", "w") as f:
        f.write(text)
