// The `hashsieve._hashsieve` extension module; the Python package (python/hashsieve) wraps it.
#include "python/src/bindings.hpp"

NB_MODULE(_hashsieve, m) {
  using namespace hashsieve::py;
  m.doc() = "hashsieve native bindings (use the `hashsieve` package)";
  bindErrors(m);
  bindHashes(m);
  bindImages(m);
  bindFiles(m);
  bindLists(m);
}
