/* Benchmark: N queens, as queens.b (64-bit words, TRUE = -1). bench(10) = 724. */
static long try(long row, long n, long *cols, long *d1, long *d2) {
    long count = 0;
    if (row == n) return 1;
    for (long c = 0; c <= n - 1; c++) {
        if (cols[c] | d1[row + c] | d2[row - c + n - 1]) continue;
        cols[c] = d1[row + c] = d2[row - c + n - 1] = -1;
        count += try(row + 1, n, cols, d1, d2);
        cols[c] = d1[row + c] = d2[row - c + n - 1] = 0;
    }
    return count;
}

long bench(long n) {
    long cols[32] = {0}, d1[64] = {0}, d2[64] = {0};
    return try(0, n, cols, d1, d2);
}
