#!/usr/bin/env python3
"""Describes the machine that built the docs, for the Results and Pitfalls pages: CPU, cores,
OS, compiler, and which BLAS the example programs load with the kernel OpenBLAS picked for this
CPU (openblas_get_corename(), read from the very library the programs load).

usage: describe_machine.py <example program> <compiler description> <output file>
"""
import ctypes
import os
import platform
import re
import subprocess
import sys


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def os_name():
    try:
        with open("/etc/os-release") as f:
            m = re.search(r'^PRETTY_NAME="?([^"\n]*)', f.read(), re.M)
            if m:
                return m.group(1)
    except OSError:
        pass
    return platform.platform()


def blas_of(program):
    """The BLAS/LAPACK shared objects the program loads, as ldd resolves them."""
    out = subprocess.run(["ldd", program], capture_output=True, text=True).stdout
    libs = []
    for line in out.splitlines():
        m = re.match(r"\s*(\S*(?:blas|lapack)\S*)\s*=>\s*(\S+)", line)
        if m:
            libs.append((m.group(1), os.path.realpath(m.group(2))))
    return libs


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    program, compiler = sys.argv[1], sys.argv[2]
    sys.stdout = open(sys.argv[3], "w", encoding="utf-8")
    print(f"CPU:       {cpu_model()}, {os.cpu_count()} logical cores")
    print(f"OS:        {os_name()}, {platform.machine()}")
    print(f"compiler:  {compiler}")
    libs = blas_of(program)
    for name, path in libs:
        print(f"BLAS:      {name} -> {path}")
    for _, path in libs:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
        except (OSError, AttributeError):
            continue
        print(f"OpenBLAS:  kernel {lib.openblas_get_corename().decode()} "
              f"(openblas_get_corename), config {lib.openblas_get_config().decode().strip()}")
        env = os.environ.get("OPENBLAS_CORETYPE")
        print(f"           OPENBLAS_CORETYPE={env}" if env else "           OPENBLAS_CORETYPE not set")
        break
    else:
        print("OpenBLAS:  not the BLAS these programs load")
    return 0


if __name__ == "__main__":
    sys.exit(main())
