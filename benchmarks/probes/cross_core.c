// What moving data between this machine's two cores costs, and what it does to a training
// step's update. Not part of the product (which is .NET only): a probe of the machine, in C so
// that nothing but the memory system is measured. Pins one thread to CPU 0 and one to CPU 1.
//
//   gcc -O2 -mavx512f -pthread benchmarks/probes/cross_core.c -o /tmp/cross_core && /tmp/cross_core
//
// 1. The round trip of one cache line written in turn by each core.
// 2. Reading 128 KiB just written by the same core, and just written by the other core.
// 3. θ′ = θ − lr·g for a 256 × 784 column-major W (wide's first layer, 200,704 weights), each core
//    updating one half, in the order a step touches the arrays (θ and θ′ swap every step, as the
//    fused step's two parameter sets do), in three patterns of who reads what:
//    - contiguous: each core reads and writes only its own contiguous half, in the forward pass too
//      (what the fused step's row-major weights give it since c5bd892);
//    - the fused step's before that: the forward pass split by units (each core read its rows of
//      every column of a column-major θ), the update by contiguous halves (columns);
//    - rows: everything split by units, so each core's share is every column's half (1 KiB runs).
// 4. Writing 128 KiB over lines only this core holds, over lines the other core has just read
//    (each such line's other copy must be invalidated first), and the latter with non-temporal
//    stores (which send the lines to memory, so the writer's own next read of them misses too).
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { Units = 256, Inputs = 784, Reps = 500 };
static const size_t Weights = (size_t)Units * Inputs;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static double *alloc_zeroed(size_t n)
{
    double *p = aligned_alloc(64, n * sizeof(double));
    memset(p, 0, n * sizeof(double));
    return p;
}

// --- 1. round trip -------------------------------------------------------------------------
static _Atomic long line __attribute__((aligned(64)));
enum { Bounces = 200000 };

static void *bounce(void *unused)
{
    (void)unused;
    pin(1);
    for (long i = 0; i < Bounces; i++) {
        while (atomic_load_explicit(&line, memory_order_acquire) != 2 * i + 1) {}
        atomic_store_explicit(&line, 2 * i + 2, memory_order_release);
    }
    return NULL;
}

static void round_trip(void)
{
    pthread_t other;
    pthread_create(&other, NULL, bounce, NULL);
    pin(0);
    double start = now();
    for (long i = 0; i < Bounces; i++) {
        atomic_store_explicit(&line, 2 * i + 1, memory_order_release);
        while (atomic_load_explicit(&line, memory_order_acquire) != 2 * i + 2) {}
    }
    double seconds = now() - start;
    pthread_join(other, NULL);
    printf("cache line round trip between the cores: %.0f ns\n", seconds / Bounces * 1e9);
}

// --- 2. read after whose write -------------------------------------------------------------
enum { ReadDoubles = 128 * 1024 / 8 };
static double *shared;
static _Atomic int turn;

static void touch_every_line(double *p, size_t n)
{
    for (size_t i = 0; i < n; i += 8) p[i] += 1;
}

static double read_all(const double *p, size_t n)
{
    __m512d a = _mm512_setzero_pd(), b = a, c = a, d = a;
    for (size_t i = 0; i < n; i += 32) {
        a = _mm512_add_pd(a, _mm512_load_pd(p + i));
        b = _mm512_add_pd(b, _mm512_load_pd(p + i + 8));
        c = _mm512_add_pd(c, _mm512_load_pd(p + i + 16));
        d = _mm512_add_pd(d, _mm512_load_pd(p + i + 24));
    }
    return _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(a, b), _mm512_add_pd(c, d)));
}

// The other core's side of sections 2 and 4: on each of its turns, act on the shared buffer, then hand the turn back.
struct OtherCore { void (*act)(void); int turns; };

static void *other_core(void *arg)
{
    const struct OtherCore *o = arg;
    pin(1);
    for (int r = 0; r < o->turns; r++) {
        while (atomic_load(&turn) != 1) {}
        o->act();
        atomic_store(&turn, 0);
    }
    return NULL;
}

static void touch_shared(void) { touch_every_line(shared, ReadDoubles); }

static void read_after_write(void)
{
    shared = alloc_zeroed(ReadDoubles);
    pin(0);
    double own = 0, others = 0, sink = 0;
    for (int r = 0; r < Reps; r++) {
        touch_every_line(shared, ReadDoubles);
        double start = now();
        sink += read_all(shared, ReadDoubles);
        own += now() - start;
    }
    pthread_t other;
    struct OtherCore writer = { touch_shared, Reps };
    pthread_create(&other, NULL, other_core, &writer);
    for (int r = 0; r < Reps; r++) {
        atomic_store(&turn, 1);
        while (atomic_load(&turn) != 0) {}
        double start = now();
        sink += read_all(shared, ReadDoubles);
        others += now() - start;
    }
    pthread_join(other, NULL);
    double bytes = ReadDoubles * 8.0;
    printf("reading 128 KiB: after its own write %.1f GB/s, after the other core's write %.1f GB/s%s\n",
           bytes / (own / Reps) / 1e9, bytes / (others / Reps) / 1e9, sink == 1 ? " " : "");
    free(shared);
}

// --- 3. the update in three sharing patterns ------------------------------------------------
enum Pattern { Contiguous, FusedStep, Rows };
static const char *pattern_names[] = { "contiguous halves", "forward by units, update by columns", "rows (1 KiB runs)" };
static enum Pattern pattern;
static double *theta_a, *theta_b, *gradient;
static _Atomic int arrived;
static double update_seconds[2];
static volatile double forward_sink;

static void barrier(int *round)
{
    int target = 2 * ++*round;
    atomic_fetch_add(&arrived, 1);
    while (atomic_load(&arrived) < target) {}
}

// Calls f(from, count) for each run of this core's share of W.
#define FOR_SHARE(core, by_rows, body)                                                            \
    do {                                                                                          \
        if (by_rows) {                                                                            \
            for (size_t j = 0; j < Inputs; j++) {                                                 \
                size_t from = j * Units + (size_t)(core) * (Units / 2), count = Units / 2;         \
                body;                                                                             \
            }                                                                                     \
        } else {                                                                                  \
            size_t from = (size_t)(core) * (Weights / 2), count = Weights / 2;                     \
            body;                                                                                 \
        }                                                                                         \
    } while (0)

static void *step(void *arg)
{
    int core = (int)(long)arg, round = 0;
    pin(core);
    int forward_by_rows = pattern != Contiguous, rest_by_rows = pattern == Rows;
    __m512d rate = _mm512_set1_pd(-0.01);
    double seconds = 0;
    for (int r = 0; r < Reps; r++) {
        double *theta = r & 1 ? theta_b : theta_a, *next = r & 1 ? theta_a : theta_b;
        double sum = 0;
        FOR_SHARE(core, forward_by_rows, for (size_t i = from; i < from + count; i += 8) sum += theta[i]);
        forward_sink += sum;
        barrier(&round);
        FOR_SHARE(core, rest_by_rows, for (size_t i = from; i < from + count; i += 8) gradient[i] = 1e-9);
        barrier(&round);
        double start = now();
        FOR_SHARE(core, rest_by_rows, for (size_t i = from; i < from + count; i += 8)
            _mm512_storeu_pd(next + i, _mm512_fmadd_pd(rate, _mm512_loadu_pd(gradient + i), _mm512_loadu_pd(theta + i))));
        seconds += now() - start;
        barrier(&round);
    }
    update_seconds[core] = seconds / Reps;
    return NULL;
}

static void update(enum Pattern p)
{
    pattern = p;
    atomic_store(&arrived, 0);
    theta_a = alloc_zeroed(Weights);
    theta_b = alloc_zeroed(Weights);
    gradient = alloc_zeroed(Weights);
    pthread_t threads[2];
    for (long core = 0; core < 2; core++) pthread_create(&threads[core], NULL, step, (void *)core);
    for (int core = 0; core < 2; core++) pthread_join(threads[core], NULL);
    printf("update of %zu weights on two cores, %s: %.1f and %.1f us per half\n",
           Weights, pattern_names[p], update_seconds[0] * 1e6, update_seconds[1] * 1e6);
    free(theta_a);
    free(theta_b);
    free(gradient);
}

// --- 4. write after whose read --------------------------------------------------------------
static volatile double read_sink;
static void read_shared(void) { read_sink += read_all(shared, ReadDoubles); }

static void write_all(double *p, size_t n, double value, int non_temporal)
{
    __m512d v = _mm512_set1_pd(value);
    if (non_temporal) {
        for (size_t i = 0; i < n; i += 8) _mm512_stream_pd(p + i, v);
        _mm_sfence();
    } else {
        for (size_t i = 0; i < n; i += 8) _mm512_store_pd(p + i, v);
    }
}

static void write_after_read(void)
{
    shared = alloc_zeroed(ReadDoubles);
    pin(0);
    double own = 0, after[2] = { 0, 0 }, reread = 0, sink = 0;
    for (int r = 0; r < Reps; r++) {
        write_all(shared, ReadDoubles, r, 0);
        double start = now();
        write_all(shared, ReadDoubles, r + 1, 0);
        own += now() - start;
    }
    pthread_t other;
    struct OtherCore reader = { read_shared, 2 * Reps };
    pthread_create(&other, NULL, other_core, &reader);
    for (int non_temporal = 0; non_temporal < 2; non_temporal++) {
        for (int r = 0; r < Reps; r++) {
            atomic_store(&turn, 1);
            while (atomic_load(&turn) != 0) {}
            double start = now();
            write_all(shared, ReadDoubles, r, non_temporal);
            after[non_temporal] += now() - start;
            if (non_temporal) {
                start = now();
                sink += read_all(shared, ReadDoubles);
                reread += now() - start;
            }
        }
    }
    pthread_join(other, NULL);
    printf("writing 128 KiB: over its own lines %.1f us, over lines the other core read %.1f us, "
           "the same with non-temporal stores %.1f us (then reading it back %.1f us)%s\n",
           own / Reps * 1e6, after[0] / Reps * 1e6, after[1] / Reps * 1e6, reread / Reps * 1e6, sink == 1 ? " " : "");
    free(shared);
}

int main(void)
{
    round_trip();
    read_after_write();
    update(Contiguous);
    update(FusedStep);
    update(Rows);
    write_after_read();
    return 0;
}
