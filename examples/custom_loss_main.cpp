// custom_loss: write your own loss twice -- composed from tape ops and as a custom op -- and let
// the gradient checker judge both. Exits with 1 if a check fails.
#include "programs.hpp"

int main(int argc, char** argv) {
    using namespace gradlab::examples;
    gradlab::cli::Parser cli("custom_loss",
                             "A smooth SVM loss written by hand twice (see examples/custom_loss.cpp), "
                             "each gradient-checked.");
    if (auto code = cli.parse(argc, argv)) return *code;
    return run_program_main("custom_loss", [&] { return run_custom_loss({}).all_passed ? 0 : 1; });
}
