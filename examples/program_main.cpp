// The main() of every example program: compiled once per program with GRADLAB_EXAMPLE naming it
// (see CMakeLists.txt); the program itself -- flags, story, experiment -- is examples/<name>.cpp,
// whose <name>_main() (declared in examples/<name>.hpp) is declared again here so that this file
// needs no header chosen by a macro.
#define GRADLAB_EXAMPLE_ENTRY2(name) name##_main
#define GRADLAB_EXAMPLE_ENTRY(name) GRADLAB_EXAMPLE_ENTRY2(name)

namespace gradlab::examples {
int GRADLAB_EXAMPLE_ENTRY(GRADLAB_EXAMPLE)(int argc, char** argv);
}

int main(int argc, char** argv) { return gradlab::examples::GRADLAB_EXAMPLE_ENTRY(GRADLAB_EXAMPLE)(argc, argv); }
