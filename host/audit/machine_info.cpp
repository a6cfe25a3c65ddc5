// Machine and build description from /proc, uname and the build stamp.
#include "host/audit/machine_info.hpp"

#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "host/audit/build_stamp.hpp"
#include "host/backend/gpu_status.hpp"

namespace hashsieve::audit {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string readFile(const char* path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

CpuInfo parseCpuInfo(const std::string& text) {
  CpuInfo info;
  std::set<std::pair<std::string, std::string>> cores;
  std::string physicalId, flags;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    if (key == "processor") {
      ++info.logicalCpus;
    } else if (key == "model name" && info.model.empty()) {
      info.model = value;
    } else if (key == "physical id") {
      physicalId = value;
    } else if (key == "core id") {
      cores.emplace(physicalId, value);
    } else if (key == "flags" && flags.empty()) {
      flags = " " + value + " ";
    }
  }
  info.physicalCores = cores.empty() ? info.logicalCpus : static_cast<int>(cores.size());
  for (const char* f : {"sse4_2", "avx2", "fma", "avx512f", "avx512_vpopcntdq", "avx512bw"}) {
    if (flags.find(std::string(" ") + f + " ") == std::string::npos) continue;
    if (!info.flagsOfNote.empty()) info.flagsOfNote += ' ';
    info.flagsOfNote += f;
  }
  return info;
}

MachineInfo describeMachine() {
  MachineInfo m;
  m.cpu = parseCpuInfo(readFile("/proc/cpuinfo"));
  std::istringstream mem(readFile("/proc/meminfo"));
  for (std::string key; mem >> key;) {
    if (key == "MemTotal:") {
      int64_t kib = 0;
      mem >> kib;
      m.memTotalBytes = kib * 1024;
      break;
    }
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  m.onlineCpus = sched_getaffinity(0, sizeof set, &set) == 0
                     ? CPU_COUNT(&set)
                     : static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  utsname u{};
  if (uname(&u) == 0) {
    m.kernel = std::string(u.sysname) + " " + u.release;
  }
  m.buildType = buildType();
  m.commit = buildCommit();
  m.compiler = buildCompiler();
  const GpuStatus gpu = gpuStatus();
  m.cudaBuilt = gpu.built;
  m.cudaDevice = gpu.usable();
  m.gpu = gpu.usable() || !gpu.built ? gpu.description : gpu.description + "\n" + gpu.reason;
  return m;
}

}  // namespace hashsieve::audit
