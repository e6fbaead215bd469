"""What the peers share: the timing loop, the OpenBLAS kernel name, the JSON they print.

Each peer prints one JSON object on stdout: {"peer", "threads", "openblas_corename", "results":
[{"name", "real_ms", "cpu_ms", ...}]}, with medians over the repetitions. real_ms is wall time;
cpu_ms is the whole process's CPU time (all threads), like Google Benchmark's
MeasureProcessCPUTime, so the two columns mean the same on both sides of bench/compare.
"""
import ctypes
import json
import statistics
import sys
import time


def openblas_corename():
    """openblas_get_corename() of the OpenBLAS this process loaded (via numpy or torch), if any."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
            fn = lib.openblas_get_corename
            fn.restype = ctypes.c_char_p
            return fn().decode()
        except (OSError, AttributeError):
            continue
    return "not OpenBLAS"


def time_it(fn, repetitions, min_time=0.5):
    """Medians of wall and process-CPU milliseconds per call of fn, over `repetitions` runs of
    as many calls as fill min_time seconds (one warm-up call first)."""
    fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-6)
    calls = max(1, int(min_time / once))
    real, cpu = [], []
    for _ in range(repetitions):
        r0, c0 = time.perf_counter(), time.process_time()
        for _ in range(calls):
            fn()
        real.append((time.perf_counter() - r0) * 1e3 / calls)
        cpu.append((time.process_time() - c0) * 1e3 / calls)
    return statistics.median(real), statistics.median(cpu)


def report(peer, threads, results):
    json.dump({"peer": peer, "threads": threads, "openblas_corename": openblas_corename(),
               "results": results}, sys.stdout)
    sys.stdout.write("\n")
