/* Benchmark: the sieve of Eratosthenes, as sieve.b, over malloc'd 64-bit words.
   bench(1000000) = 78498. */
#include <stdlib.h>

long bench(long n) {
    long *v = malloc((n + 1) * sizeof(long));
    long count = 0;
    if (!v) return -1;
    for (long i = 0; i <= n; i++) v[i] = -1;
    v[0] = v[1] = 0;
    for (long i = 2; i <= n; i++)
        if (v[i])
            for (long j = i * i; j <= n; j += i) v[j] = 0;
    for (long i = 0; i <= n; i++)
        if (v[i]) count++;
    free(v);
    return count;
}
