// Benchmark: recursive Fibonacci (calls, a comparison, additions). fib(25) = 75025.
GET "libhdr"

LET fib(n) = n < 2 -> n, fib(n - 1) + fib(n - 2)

LET start() BE $( writen(fib(25)); newline() $)
