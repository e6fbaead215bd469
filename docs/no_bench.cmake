file(WRITE "${OUT}" "(the benchmarks were not built: GRADLAB_BUILD_BENCH=OFF)\n")
