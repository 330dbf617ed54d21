/* Benchmark: recursive Fibonacci, as fib.b. bench(25) = 75025. */
static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

long bench(long n) { return fib(n); }
