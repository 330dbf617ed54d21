/* Benchmark: nested counting loops, as loops.b. bench(1000) = 127677904. */
long bench(long n) {
    long s = 0;
    for (long i = 1; i <= n; i++)
        for (long j = 1; j <= n; j++) {
            s += ((i * j) ^ (i + j)) & 255;
            if ((j & 3) == 0) s -= 1;
        }
    return s;
}
