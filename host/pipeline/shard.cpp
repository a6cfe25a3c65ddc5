// Shard assignment, --shard parsing and name templating; see shard.hpp.
#include "host/pipeline/shard.hpp"

#include <charconv>
#include <cstdlib>

#include "host/core/errors.hpp"

namespace hashsieve::pipeline {
namespace {

constexpr uint64_t kFnvPrime = 0x100000001b3ull;

/// A decimal integer in [0, 2^32), the whole string; nullopt otherwise.
std::optional<uint64_t> parseCount(std::string_view s) {
  uint64_t v = 0;
  if (s.empty() || s.size() > 10) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > 0xFFFFFFFFull) return std::nullopt;
  return v;
}

uint64_t envNumber(const EnvLookup& env, const std::string& name) {
  const auto value = env(name);
  const auto n = value ? parseCount(*value) : std::nullopt;
  if (!n)
    throw UsageError("--shard auto: " + name + "='" + value.value_or("") + "' is not a count");
  return *n;
}

ShardSpec checked(uint64_t index, uint64_t count, const std::string& what) {
  if (count < 1 || count > kMaxShards)
    throw UsageError(what + ": the shard count must be 1.." + std::to_string(kMaxShards) +
                     ", not " + std::to_string(count));
  if (index >= count)
    throw UsageError(what + ": shard index " + std::to_string(index) + " is not below the count " +
                     std::to_string(count));
  return {static_cast<uint32_t>(index), static_cast<uint32_t>(count)};
}

ShardSpec fromSlurm(const EnvLookup& env, std::optional<uint64_t> given) {
  const std::string what = "--shard auto (Slurm job array)";
  const uint64_t id = envNumber(env, "SLURM_ARRAY_TASK_ID");
  std::optional<uint64_t> count, span;
  uint64_t min = 0;
  if (env("SLURM_ARRAY_TASK_COUNT")) count = envNumber(env, "SLURM_ARRAY_TASK_COUNT");
  if (env("SLURM_ARRAY_TASK_MIN") || env("SLURM_ARRAY_TASK_MAX")) {
    min = envNumber(env, "SLURM_ARRAY_TASK_MIN");
    const uint64_t max = envNumber(env, "SLURM_ARRAY_TASK_MAX");
    if (max < min || id < min || id > max)
      throw UsageError(what + ": SLURM_ARRAY_TASK_ID " + std::to_string(id) + " is outside " +
                       std::to_string(min) + "-" + std::to_string(max));
    span = max - min + 1;
  }
  // A stepped (--array=0-15:4) or listed array has gaps: its ids are not shard indices.
  if (count && span && *count != *span)
    throw UsageError(what + ": the array has " + std::to_string(*count) + " tasks over ids " +
                     std::to_string(min) + "-" + std::to_string(min + *span - 1) +
                     "; use a contiguous --array=0-" + std::to_string(*count - 1));
  const std::optional<uint64_t> env_count = count ? count : span;
  if (env_count && given && *env_count != *given)
    throw UsageError(what + ": --shard auto/" + std::to_string(*given) + " but the array has " +
                     std::to_string(*env_count) + " tasks");
  if (!env_count && !given)
    throw UsageError(what + ": SLURM_ARRAY_TASK_COUNT (or _MIN/_MAX) is not set; give auto/N");
  return checked(id - min, env_count ? *env_count : *given, what);
}

}  // namespace

uint64_t fnv1a64(std::string_view bytes, uint64_t seed) {
  uint64_t h = seed;
  for (const char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= kFnvPrime;
  }
  return h;
}

uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string_view shardKey(std::string_view root, std::string_view path) {
  // The walker names children ROOT + '/' + name (no extra '/' when ROOT ends in one).
  if (root.empty()) return path;
  const size_t prefix = root.back() == '/' ? root.size() : root.size() + 1;
  if (path.size() > prefix && path.compare(0, root.size(), root) == 0 &&
      (root.back() == '/' || path[root.size()] == '/'))
    return path.substr(prefix);
  return path;
}

uint32_t shardOf(std::string_view key, uint32_t count) {
  return static_cast<uint32_t>(mix64(fnv1a64(key)) % (count ? count : 1));
}

std::optional<std::string> processEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v ? std::optional<std::string>(v) : std::nullopt;
}

ShardSpec parseShard(const std::string& arg, const EnvLookup& env) {
  const std::string what = "--shard " + arg;
  const auto slash = arg.find('/');
  const std::string first = arg.substr(0, slash);
  std::optional<uint64_t> count;
  if (slash != std::string::npos) {
    count = parseCount(std::string_view(arg).substr(slash + 1));
    if (!count) throw UsageError(what + ": expected I/N, auto or auto/N");
  }
  if (first != "auto") {
    const auto index = parseCount(first);
    if (!index || !count) throw UsageError(what + ": expected I/N, auto or auto/N");
    return checked(*index, *count, what);
  }
  const bool slurm = env("SLURM_ARRAY_TASK_ID").has_value();
  const bool k8s = env("JOB_COMPLETION_INDEX").has_value();
  if (slurm && k8s)
    throw UsageError(what +
                     ": both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set; give I/N");
  if (slurm) return fromSlurm(env, count);
  if (k8s) {
    const std::string k = "--shard auto (Kubernetes Indexed Job)";
    if (!count) throw UsageError(k + ": JOB_COMPLETION_INDEX needs the count: auto/N");
    return checked(envNumber(env, "JOB_COMPLETION_INDEX"), *count, k);
  }
  throw UsageError(what +
                   ": not in a Slurm job array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job "
                   "(JOB_COMPLETION_INDEX); give I/N");
}

std::string expandShardTemplate(const std::string& text, uint32_t index) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 1 < text.size() && (text[i + 1] == 'i' || text[i + 1] == '%')) {
      out += text[i + 1] == 'i' ? std::to_string(index) : std::string("%");
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool walkKeyed(const std::vector<std::string>& roots, const WalkOptions& opts,
               const KeyedSink& sink, const PartialWalk* partial, uint64_t* walked) {
  uint64_t ordinal = 0;
  const auto done = [&](bool go, uint64_t total) {
    if (walked) *walked = total;
    return go;
  };
  if (partial && partial->planned) {
    for (const auto& [at, planned] : partial->inputs) {
      InputItem item = planned;
      if (!sink(refreshPlanned(std::move(item)), at, planned.path)) return done(false, at + 1);
    }
    return done(true, partial->walked);
  }
  for (size_t k = 0; k < roots.size(); ++k) {
    if (partial && k < partial->skippedBefore.size()) ordinal += partial->skippedBefore[k];
    const std::string& root = roots[k];
    const bool go = walkInputs({root}, opts, [&](InputItem&& item) {
      const std::string path = item.path;
      return sink(std::move(item), ordinal++, shardKey(root, path));
    });
    if (!go) return done(false, ordinal);
  }
  return done(true, ordinal + (partial ? partial->skippedAfter : 0));
}

}  // namespace hashsieve::pipeline
