// A run-ending failure that is not the input's fault (output or journal not writable): the CLI
// maps it to exit status 3. Per-file problems are InputError and never end the run.
#pragma once

#include <stdexcept>

namespace hashsieve::pipeline {

class FatalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace hashsieve::pipeline
