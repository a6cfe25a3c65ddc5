// JSON and table forms of a benchmark report.
#include "host/selfbench/report.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <ostream>

namespace hashsieve::bench {
namespace {

using nlohmann::json;

json summaryJson(const Summary& s) {
  return json{{"median", s.median}, {"min", s.min}, {"max", s.max}, {"runs", s.runs}};
}

json machineJson(const audit::MachineInfo& m) {
  return json{{"cpu_model", m.cpu.model},
              {"logical_cpus", m.cpu.logicalCpus},
              {"physical_cores", m.cpu.physicalCores},
              {"cpus_usable", m.onlineCpus},
              {"cpu_flags_of_note", m.cpu.flagsOfNote},
              {"mem_total_bytes", m.memTotalBytes},
              {"kernel", m.kernel},
              {"build_type", m.buildType},
              {"commit", m.commit},
              {"compiler", m.compiler},
              {"cuda_built", m.cudaBuilt},
              {"cuda_device", m.cudaDevice},
              {"gpu", m.gpu}};
}

// Engineering notation with 3 significant digits: 1.23k, 45.6M, 7.89G.
std::string si(double v) {
  static const char* kPrefix[] = {"", "k", "M", "G", "T"};
  int p = 0;
  while (v >= 1000.0 && p < 4) {
    v /= 1000.0;
    ++p;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf,
                v >= 100  ? "%.0f%s"
                : v >= 10 ? "%.1f%s"
                          : "%.2f%s",
                v, kPrefix[p]);
  return buf;
}

/// The "call" column: frames per hash call, or for match the queries per call ("1000q"): a
/// match call takes every query at once.
std::string perCallCell(const WorkloadResult& r) {
  return std::to_string(r.batchSize) + (r.workload == "match" ? "q" : "");
}

std::string rateCell(const json& rates, const char* key) {
  if (!rates.contains(key) || rates[key].is_null()) return "-";
  return si(rates[key]["median"].get<double>());
}

}  // namespace

json ratesJson(const WorkloadResult& r) {
  json rates = json::object();
  auto put = [&](const char* key, double work, bool applies) {
    rates[key] = applies && r.ok() ? summaryJson(rateOf(r.seconds, work)) : json(nullptr);
  };
  const bool fileWork = r.workload == "decode" || r.workload == "hash" || r.workload == "scan";
  put("files_per_s", static_cast<double>(r.counts.files), fileWork);
  put("mp_per_s", r.counts.pixels / 1e6, r.counts.pixels > 0);
  put("frames_per_s", static_cast<double>(r.counts.frames), r.counts.frames > 0);
  put("comparisons_per_s", r.counts.comparisons, r.counts.comparisons > 0);
  put("bytes_per_s", static_cast<double>(r.counts.bytes), fileWork && r.counts.bytes > 0);
  return rates;
}

json toJson(const Report& report) {
  json results = json::array();
  for (const WorkloadResult& r : report.results) {
    json stages = json::object();
    for (const auto& [name, share] : r.stageShares) stages[name] = share;
    results.push_back(
        json{{"workload", r.workload},
             {"backend", r.backend},
             {"variant", r.variant},
             {"status", r.status},
             {"threads", r.threads},
             {"batch_size", r.batchSize},
             {"seconds", r.ok() ? summaryJson(r.seconds) : json(nullptr)},
             {"cpu_seconds", r.ok() ? summaryJson(r.cpuSeconds) : json(nullptr)},
             {"counts", json{{"files", r.counts.files},
                             {"failed_files", r.counts.failedFiles},
                             {"frames", r.counts.frames},
                             {"pixels", r.counts.pixels},
                             {"bytes", r.counts.bytes},
                             {"comparisons", r.counts.comparisons},
                             {"matches", r.counts.matches}}},
             {"rates", ratesJson(r)},
             {"peak_rss_bytes", r.peakRssBytes},
             {"gpu_mem_bytes", r.gpuMemBytes >= 0 ? json(r.gpuMemBytes) : json(nullptr)},
             {"stage_shares", stages},
             {"check", r.check},
             {"timer", r.timer},
             {"note", r.note},
             {"peer_baseline", r.peerBaseline}});
  }
  json peers = json::array();
  for (const PeerResult& p : report.peers) {
    const bool ok = p.status == "ok";
    peers.push_back(json{{"peer", p.peer},
                         {"input", p.input},
                         {"status", p.status},
                         {"threads", p.threads},
                         {"seconds", ok ? summaryJson(p.seconds) : json(nullptr)},
                         {"work", p.work},
                         {"unit", p.unit},
                         {"rate", ok ? summaryJson(p.rate) : json(nullptr)},
                         {"hashsieve_rate", ok ? json(p.hashsieveRate) : json(nullptr)},
                         {"hashsieve_config", p.hashsieveConfig},
                         {"ratio_hashsieve_over_peer", ok ? json(p.ratio) : json(nullptr)},
                         {"check", p.check},
                         {"note", p.note}});
  }
  return json{
      {"schema", kReportSchema},
      {"command", report.command},
      {"date_utc", report.dateUtc},
      {"machine", machineJson(report.machine)},
      {"method", json{{"warmup", report.method.warmup},
                      {"repeat", report.method.repeat},
                      {"statistic", "median of the timed runs; min and max beside it"},
                      {"checked", "every run's output is checked before its time is kept"}}},
      {"inputs", report.inputs},
      {"skipped_devices", report.skippedDevices},
      {"load_average", json{{"start", report.loadStart}, {"end", report.loadEnd}}},
      {"results", results},
      {"peers", peers}};
}

void printTable(const Report& report, std::ostream& out) {
  const audit::MachineInfo& m = report.machine;
  out << "machine: " << m.cpu.model << ", " << m.cpu.physicalCores << " cores / "
      << m.cpu.logicalCpus << " threads (" << m.onlineCpus << " usable), "
      << si(static_cast<double>(m.memTotalBytes)) << "B RAM\n";
  std::string gpu = m.gpu;
  std::replace(gpu.begin(), gpu.end(), '\n', ';');
  out << "gpu: " << gpu << "\n"
      << "build: " << m.buildType << ", commit " << m.commit << ", " << m.compiler << "\n"
      << "method: " << report.method.warmup << " warm-up + " << report.method.repeat
      << " timed runs, median [min-max]; each run's output checked\n";
  if (report.loadStart.size() == 3 && report.loadEnd.size() == 3) {
    char load[128];
    std::snprintf(load, sizeof load, "load average: %.2f at start, %.2f at end (1 min)\n",
                  report.loadStart[0], report.loadEnd[0]);
    out << load;
  }
  if (!report.skippedDevices.empty()) {
    out << "skipped devices:";
    for (const std::string& d : report.skippedDevices) out << " " << d;
    out << "\n";
  }
  out << "per call: frames per hash call (kernel, CUDA hash), or queries per match call (q)\n\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-7s %-7s %-10s %3s %5s  %-22s %4s %8s %8s %8s %8s %8s  %s\n",
                "work", "backend", "variant", "thr", "call", "seconds median[min-max]", "cpu",
                "files/s", "MP/s", "frames/s", "cmp/s", "peakRSS", "stages");
  out << line;
  for (const WorkloadResult& r : report.results) {
    if (!r.ok()) {
      std::snprintf(line, sizeof line, "%-7s %-7s %-10s %3d %5s  %s\n", r.workload.c_str(),
                    r.backend.c_str(), r.variant.c_str(), r.threads, perCallCell(r).c_str(),
                    r.status.c_str());
      out << line;
      continue;
    }
    const json rates = ratesJson(r);
    char secs[64];
    std::snprintf(secs, sizeof secs, "%.3g [%.3g-%.3g]", r.seconds.median, r.seconds.min,
                  r.seconds.max);
    std::string stages;
    for (const auto& [name, share] : r.stageShares) {
      char s[48];
      std::snprintf(s, sizeof s, "%s%s %.0f%%", stages.empty() ? "" : ", ", name.c_str(),
                    share * 100.0);
      stages += s;
    }
    // CPU seconds per wall second: how many cores the run really had (at most its threads).
    const double cores = r.seconds.median > 0 ? r.cpuSeconds.median / r.seconds.median : 0.0;
    std::snprintf(
        line, sizeof line, "%-7s %-7s %-10s %3d %5s  %-22s %4.1f %8s %8s %8s %8s %7sB  %s\n",
        r.workload.c_str(), r.backend.c_str(), r.variant.c_str(), r.threads, perCallCell(r).c_str(),
        secs, cores, rateCell(rates, "files_per_s").c_str(), rateCell(rates, "mp_per_s").c_str(),
        rateCell(rates, "frames_per_s").c_str(), rateCell(rates, "comparisons_per_s").c_str(),
        si(static_cast<double>(r.peakRssBytes)).c_str(), stages.c_str());
    out << line;
  }
  if (report.peers.empty()) return;
  out << "\npeers (same input, same run):\n";
  for (const PeerResult& p : report.peers) {
    if (p.status != "ok") {
      out << "  " << p.peer << " on " << p.input << ": " << p.status << "\n";
      continue;
    }
    std::snprintf(line, sizeof line,
                  "  %-34s on %-6s %2d thr: %s %s [%s-%s]; hashsieve %s %s (%s): ratio %.2fx\n",
                  p.peer.c_str(), p.input.c_str(), p.threads, si(p.rate.median).c_str(),
                  p.unit.c_str(), si(p.rate.min).c_str(), si(p.rate.max).c_str(),
                  si(p.hashsieveRate).c_str(), p.unit.c_str(), p.hashsieveConfig.c_str(), p.ratio);
    out << line;
  }
}

std::string utcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace hashsieve::bench
