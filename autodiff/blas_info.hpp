/// \file blas_info.hpp
/// \brief Which OpenBLAS kernel runs the matrix products, and what to do when it is the wrong one.
///
/// OpenBLAS ships one GEMM kernel per CPU family and picks one when it loads, from the CPU's
/// identification. OpenBLAS 0.3.21 does not know some recent Xeons and falls back to its
/// "Prescott" kernel (SSE3, 2004), which runs a large dgemm 5-7x slower than the "Haswell" (AVX2)
/// or "SkylakeX" (AVX-512) kernel the CPU could run. An AVX2 kernel on an AVX-512 CPU (chosen, for
/// example, by an `OPENBLAS_CORETYPE=Haswell` in the environment) costs less but still counts:
/// on an AVX-512 EPYC a square dgemm ran about 1.6x slower with "Haswell" than with "Cooperlake",
/// the kernel OpenBLAS picks there by itself. `openblas_get_corename()` names the kernel;
/// the environment variable `OPENBLAS_CORETYPE`, read once when the library loads, overrides it.
///
/// gradlab checks this at start-up (check_openblas_kernel(), called by the benchmarks and
/// available to any program) and prints one warning with the fix. The advice itself comes from a
/// pure function, openblas_kernel_advice(), so it can be tested on any (kernel, CPU) pair.
///
/// **Running with the right kernel.** Either set the variable yourself,
/// `OPENBLAS_CORETYPE=SkylakeX ./train ...` (or `Haswell` on an AVX2-only CPU), or set
/// `GRADLAB_OPENBLAS_FIX=1` and call use_best_openblas_kernel(argc, argv) first thing in main():
/// if the kernel is narrower than the CPU allows, it sets `OPENBLAS_CORETYPE` and re-executes the program, whose
/// first act is then to check dgemm against a naive product (verify_dgemm_against_naive()) and
/// fall back to the original kernel if they disagree.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace gradlab {

/// The vector instruction sets a CPU offers that decide which OpenBLAS kernel it can run.
struct CpuSimd {
    bool avx2 = false;     ///< AVX2 and FMA (what OpenBLAS's Haswell and Zen kernels use)
    bool avx512f = false;  ///< AVX-512 F, CD, BW, DQ, VL (what SkylakeX and Cooperlake use)
};

/// This CPU's features (cpuid, through the compiler's `__builtin_cpu_supports`).
CpuSimd detect_cpu_simd();

/// "avx512", "avx2" or "baseline", for printing next to timings.
std::string cpu_simd_level();

/// `openblas_get_corename()`, or "not OpenBLAS" when the BLAS linked in is another library.
std::string openblas_corename();

/// Sets OpenBLAS's thread count (no effect with another BLAS).
void set_openblas_threads(int threads);

/// What to do about a kernel that is worse than the CPU allows.
struct KernelAdvice {
    std::string corename;   ///< the kernel OpenBLAS picked
    std::string coretype;   ///< the value of OPENBLAS_CORETYPE to use instead: "SkylakeX" or "Haswell"
    std::string message;    ///< one paragraph for the user, naming both and the fix
};

/// Advice for a kernel `corename` on a CPU with `cpu`, or nothing when the kernel uses the
/// widest vectors the CPU has. Kernels are ranked AVX-512 (SkylakeX, Cooperlake,
/// SapphireRapids) > AVX2 (Haswell, Zen) > everything else (Prescott, Nehalem, Sandybridge, ...);
/// names compare case-insensitively. `coretype_env` is the OPENBLAS_CORETYPE in effect, if any,
/// so the message can say that a setting did not take.
std::optional<KernelAdvice> openblas_kernel_advice(std::string_view corename, const CpuSimd& cpu,
                                                   std::optional<std::string_view> coretype_env = std::nullopt);

/// Checks the running OpenBLAS kernel against this CPU and, the first time it finds one narrower
/// than the CPU allows, writes the advice to `out` (std::cerr if null). Later calls stay silent. Returns the
/// advice, if any.
std::optional<KernelAdvice> check_openblas_kernel(std::ostream* out = nullptr);

/// Largest relative difference between cblas_dgemm and a naive triple loop on a seeded
/// 67 x 45 times 45 x 31 product (odd sizes, so every kernel's edge code runs). Around 1e-16
/// when the kernel is right.
double verify_dgemm_against_naive();

/// The opt-in fix (see the file comment): with GRADLAB_OPENBLAS_FIX=1 in the environment and a
/// kernel narrower than the CPU allows, sets OPENBLAS_CORETYPE and re-executes the program
/// (/proc/self/exe with the same argv); in the re-executed program, verifies dgemm against the
/// naive product and, if it is wrong, re-executes once more without the override. Returns (does
/// nothing) in every other case.
void use_best_openblas_kernel(int argc, char** argv);

}  // namespace gradlab
