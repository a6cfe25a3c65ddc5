// Where `hashsieve bench` finds its Python helpers (bench/*.py) and an interpreter that has
// pdqhash, faiss-cpu and matplotlib.
#pragma once

#include <string>

namespace hashsieve::bench {

/// $HASHSIEVE_BENCH_DIR/<name>, else <source tree>/bench/<name>.
std::string helperScript(const std::string& name);

/// `given` when not empty, else $HASHSIEVE_PYTHON, else <source tree>/.venv/bin/python when it
/// exists, else "python3".
std::string helperPython(const std::string& given);

}  // namespace hashsieve::bench
