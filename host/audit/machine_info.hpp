// What a result was measured on: CPU, memory, GPU (when the CUDA backend is built), build type
// and commit, so figures from different machines and builds are never mixed up.
#pragma once

#include <cstdint>
#include <string>

namespace hashsieve::audit {

struct CpuInfo {
  std::string model;        // "model name" of the first processor
  int logicalCpus = 0;      // "processor" entries
  int physicalCores = 0;    // distinct (physical id, core id) pairs; = logicalCpus when absent
  std::string flagsOfNote;  // the SIMD flags that change our speed (avx2, avx512f, ...)
};

struct MachineInfo {
  CpuInfo cpu;
  int64_t memTotalBytes = 0;
  int onlineCpus = 0;  // what this process may use (sched affinity)
  std::string kernel;  // uname -sr
  std::string buildType;
  std::string commit;  // short hash; "+dirty" when the tree had local changes at build time
  std::string compiler;
  bool cudaBuilt = false;
  bool cudaDevice = false;
  std::string gpu;  // the CUDA devices, and why CUDA is not used when it is not
};

/// Parses the text of /proc/cpuinfo.
CpuInfo parseCpuInfo(const std::string& text);

/// Reads /proc and the build stamp; never throws (unknown fields stay empty).
MachineInfo describeMachine();

}  // namespace hashsieve::audit
