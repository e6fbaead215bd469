#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

#include <gradlab/autodiff/blas_info.hpp>

using gradlab::CpuSimd;
using gradlab::openblas_kernel_advice;

namespace {
const CpuSimd kAvx512{true, true};
const CpuSimd kAvx2{true, false};
const CpuSimd kOld{false, false};
}  // namespace

TEST_CASE("a generic kernel on an AVX-512 CPU gets the SkylakeX fix", "[blas_info]") {
    // The case seen on a recent Xeon: OpenBLAS 0.3.21 does not know the model and picks Prescott.
    const auto advice = openblas_kernel_advice("Prescott", kAvx512);
    REQUIRE(advice);
    CHECK(advice->coretype == "SkylakeX");
    CHECK(advice->corename == "Prescott");
    CHECK_THAT(advice->message, Catch::Contains("OPENBLAS_CORETYPE=SkylakeX") && Catch::Contains("'Prescott'") &&
                                    Catch::Contains("AVX-512"));
    // Any pre-AVX2 kernel is generic for this CPU, whatever its case.
    for (const char* name : {"Nehalem", "Sandybridge", "core2", "ATOM", "Barcelona"})
        CHECK(openblas_kernel_advice(name, kAvx512).has_value());
    CHECK_THAT(advice->message, Catch::Contains("generic") && Catch::Contains("several times slower"));
    // An AVX2 kernel on an AVX-512 CPU is also worth fixing, but it is not generic and costs far
    // less (a square dgemm about 1.6x on an AVX-512 EPYC): the message says so, not "several times".
    const auto haswell = openblas_kernel_advice("Haswell", kAvx512);
    REQUIRE(haswell);
    CHECK(haswell->coretype == "SkylakeX");
    CHECK_THAT(haswell->message, Catch::Contains("AVX2 kernel 'Haswell'") && Catch::Contains("1.7x") &&
                                     Catch::Contains("OPENBLAS_CORETYPE=SkylakeX"));
    CHECK_THAT(haswell->message, !Catch::Contains("generic") && !Catch::Contains("several times"));
}

TEST_CASE("an AVX2 CPU is advised Haswell, and an AVX2 kernel on it is fine", "[blas_info]") {
    REQUIRE(openblas_kernel_advice("Prescott", kAvx2));
    CHECK(openblas_kernel_advice("Prescott", kAvx2)->coretype == "Haswell");
    CHECK_FALSE(openblas_kernel_advice("Haswell", kAvx2));
    CHECK_FALSE(openblas_kernel_advice("Zen", kAvx2));
}

TEST_CASE("the right kernel, an old CPU, or another BLAS gets no advice", "[blas_info]") {
    for (const char* name : {"SkylakeX", "Cooperlake", "SapphireRapids", "skylakex", "COOPERLAKE"})
        CHECK_FALSE(openblas_kernel_advice(name, kAvx512));
    CHECK_FALSE(openblas_kernel_advice("Prescott", kOld));  // Prescott is the best this CPU runs
    CHECK_FALSE(openblas_kernel_advice("not OpenBLAS", kAvx512));
}

TEST_CASE("a coretype setting that did not take is named in the advice", "[blas_info]") {
    const auto advice = openblas_kernel_advice("Prescott", kAvx512, std::string_view("SkylakeX"));
    REQUIRE(advice);
    CHECK_THAT(advice->message, Catch::Contains("OPENBLAS_CORETYPE=SkylakeX is set but did not take effect"));
    // ... and one that forced the generic kernel is named as the cause.
    CHECK_THAT(openblas_kernel_advice("Prescott", kAvx512, std::string_view("prescott"))->message,
               Catch::Contains("OPENBLAS_CORETYPE=prescott is set: that is what chose this kernel"));
}

TEST_CASE("the running dgemm agrees with a naive triple loop", "[blas_info]") {
    CHECK(gradlab::verify_dgemm_against_naive() < 1e-13);
}

TEST_CASE("check_openblas_kernel warns at most once and agrees with the pure advice", "[blas_info]") {
    const char* env = std::getenv("OPENBLAS_CORETYPE");
    const auto expected = openblas_kernel_advice(gradlab::openblas_corename(), gradlab::detect_cpu_simd(),
                                                 env != nullptr ? std::optional<std::string_view>(env) : std::nullopt);
    std::ostringstream first, second;
    // The real process: run it with OPENBLAS_CORETYPE=Prescott on an AVX-512 machine to see the warning.
    const auto a = gradlab::check_openblas_kernel(&first);
    const auto b = gradlab::check_openblas_kernel(&second);
    CHECK(a.has_value() == expected.has_value());
    CHECK(b.has_value() == expected.has_value());
    CHECK(second.str().empty());
    if (expected) CHECK(first.str() == expected->message + "\n");
}
