#include "blas_info.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <random>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <unistd.h>

// Declared weak, as in gradcheck.cpp: with a BLAS other than OpenBLAS these are null.
extern "C" {
char* openblas_get_corename(void) __attribute__((weak));
void openblas_set_num_threads(int) __attribute__((weak));
// The reference CBLAS prototype (enum values as in every cblas.h: RowMajor 101, NoTrans 111);
// declared here because <cblas.h> differs between BLAS packages.
void cblas_dgemm(int order, int trans_a, int trans_b, int m, int n, int k, double alpha, const double* a, int lda,
                 const double* b, int ldb, double beta, double* c, int ldc);
}

namespace gradlab {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) { return std::tolower(ch); });
    return out;
}

// 3: AVX-512 kernels, 2: AVX2 kernels, 1: everything older or generic.
int kernel_level(std::string_view corename) {
    const std::string c = lower(corename);
    for (const char* k : {"skylakex", "cooperlake", "sapphirerapids"})
        if (c == k) return 3;
    for (const char* k : {"haswell", "zen"})
        if (c == k) return 2;
    return 1;
}

int cpu_level(const CpuSimd& cpu) { return cpu.avx512f ? 3 : cpu.avx2 ? 2 : 1; }

constexpr const char* kFixEnv = "GRADLAB_OPENBLAS_FIX";
constexpr const char* kStageEnv = "GRADLAB_OPENBLAS_FIX_STAGE";  // set by the re-exec, to stop loops

[[noreturn]] void reexec(char** argv) {
    std::cerr.flush();
    ::execv("/proc/self/exe", argv);
    std::cerr << "gradlab: could not re-execute /proc/self/exe; continuing is impossible\n";
    std::_Exit(127);
}

}  // namespace

CpuSimd detect_cpu_simd() {
    CpuSimd cpu;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    cpu.avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    cpu.avx512f = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
                  __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                  __builtin_cpu_supports("avx512vl");
#endif
    return cpu;
}

std::string cpu_simd_level() {
    const CpuSimd cpu = detect_cpu_simd();
    return cpu.avx512f ? "avx512" : cpu.avx2 ? "avx2" : "baseline";
}

std::string openblas_corename() {
    if (openblas_get_corename == nullptr) return "not OpenBLAS";
    const char* name = openblas_get_corename();
    return name != nullptr ? std::string(name) : std::string("unknown");
}

void set_openblas_threads(int threads) {
    if (openblas_set_num_threads != nullptr) openblas_set_num_threads(threads);
}

std::optional<KernelAdvice> openblas_kernel_advice(std::string_view corename, const CpuSimd& cpu,
                                                   std::optional<std::string_view> coretype_env) {
    if (corename == "not OpenBLAS" || kernel_level(corename) >= cpu_level(cpu)) return std::nullopt;
    KernelAdvice a;
    a.corename = std::string(corename);
    a.coretype = cpu.avx512f ? "SkylakeX" : "Haswell";
    const char* isa = cpu.avx512f ? "AVX-512" : "AVX2";
    // The cost differs by an order of magnitude between the two cases, so the message says which.
    // Square dgemm, measured: 'Prescott' 5-7x slower than the AVX2/AVX-512 kernels (Xeon);
    // 'Haswell' about 1.6x slower than 'Cooperlake'/'SkylakeX' (AVX-512 EPYC).
    const std::string what =
        kernel_level(corename) == 1
            ? fmt::format("its generic '{}' kernel, but this CPU supports {}; large matrix products run several "
                          "times slower than they could",
                          a.corename, isa)
            : fmt::format("its AVX2 kernel '{}', but this CPU supports AVX-512; large matrix products run up to "
                          "about 1.7x slower than they could",
                          a.corename);
    a.message = fmt::format(
        "gradlab: OpenBLAS chose {}. Run with OPENBLAS_CORETYPE={} (e.g. `OPENBLAS_CORETYPE={} ./program`), or "
        "set GRADLAB_OPENBLAS_FIX=1 for programs that call use_best_openblas_kernel().",
        what, a.coretype, a.coretype);
    if (coretype_env && !coretype_env->empty()) {
        if (lower(*coretype_env) == lower(corename))
            a.message += fmt::format(" (OPENBLAS_CORETYPE={} is set: that is what chose this kernel.)", *coretype_env);
        else
            a.message += fmt::format(" (OPENBLAS_CORETYPE={} is set but did not take effect: this OpenBLAS may "
                                     "not be built with DYNAMIC_ARCH.)",
                                     *coretype_env);
    }
    return a;
}

std::optional<KernelAdvice> check_openblas_kernel(std::ostream* out) {
    static std::atomic<bool> warned{false};
    const char* env = std::getenv("OPENBLAS_CORETYPE");
    std::optional<KernelAdvice> advice =
        openblas_kernel_advice(openblas_corename(), detect_cpu_simd(),
                               env != nullptr ? std::optional<std::string_view>(env) : std::nullopt);
    if (advice && !warned.exchange(true)) fmt::print(out != nullptr ? *out : std::cerr, "{}\n", advice->message);
    return advice;
}

double verify_dgemm_against_naive() {
    constexpr int m = 67, k = 45, n = 31;
    std::mt19937_64 rng(12345);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<double> a(m * k), b(k * n), c(m * n, 0.0);
    for (double& v : a) v = u(rng);
    for (double& v : b) v = u(rng);
    cblas_dgemm(101, 111, 111, m, n, k, 1.0, a.data(), k, b.data(), n, 0.0, c.data(), n);
    double worst = 0.0;
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j) {
            double naive = 0.0, scale = 0.0;
            for (int t = 0; t < k; ++t) {
                naive += a[i * k + t] * b[t * n + j];
                scale += std::abs(a[i * k + t] * b[t * n + j]);
            }
            const double err = std::abs(c[i * n + j] - naive) / std::max(scale, 1e-300);
            worst = std::max(worst, std::isnan(err) ? INFINITY : err);
        }
    return worst;
}

void use_best_openblas_kernel(int argc, char** argv) {
    (void)argc;
    const char* stage = std::getenv(kStageEnv);
    if (stage != nullptr && std::string(stage) == "fixed") {
        // We are the re-executed program, running with the override: check it computes right.
        const double err = verify_dgemm_against_naive();
        if (err > 1e-12) {
            std::cerr << fmt::format("gradlab: with OPENBLAS_CORETYPE={} dgemm differs from a naive product "
                                     "(relative error {:.1e}); running again with OpenBLAS's own choice\n",
                                     std::getenv("OPENBLAS_CORETYPE"), err);
            ::unsetenv("OPENBLAS_CORETYPE");
            ::setenv(kStageEnv, "reverted", 1);
            reexec(argv);
        }
        std::cerr << fmt::format("gradlab: running with OpenBLAS kernel {} (verified against a naive product)\n",
                                 openblas_corename());
        return;
    }
    if (stage != nullptr) return;  // reverted: keep what OpenBLAS chose
    const char* fix = std::getenv(kFixEnv);
    if (fix == nullptr || std::string(fix) != "1") {
        check_openblas_kernel();  // warn, do not change anything
        return;
    }
    const std::optional<KernelAdvice> advice = openblas_kernel_advice(openblas_corename(), detect_cpu_simd());
    if (!advice) return;
    ::setenv("OPENBLAS_CORETYPE", advice->coretype.c_str(), 1);
    ::setenv(kStageEnv, "fixed", 1);
    reexec(argv);
}

}  // namespace gradlab
