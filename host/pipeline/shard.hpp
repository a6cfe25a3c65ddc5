// Sharding one run across many processes (Slurm job arrays, Kubernetes Indexed Jobs): which
// inputs a shard owns, `--shard I/N|auto[/N]` parsing and the `%i` templating of file names.
//
// The assignment is a pure function of each input's path relative to the root it was found
// under, so every shard decides alone (no coordinator) and adding files to the backlog never
// moves an existing file to another shard:
//   key   = the path below its root ("a/b.jpg" for ROOT/a/b.jpg); a root itself (a file named
//           on the command line or in --files-from) is keyed by the path as given
//   shard = mix64(fnv1a64(key)) mod N
// fnv1a64 is 64-bit FNV-1a (offset 0xcbf29ce484222325, prime 0x100000001b3) over the key's
// bytes; mix64 is the splitmix64 finaliser, so that the low bits taken by `mod N` depend on
// every byte of the key.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/pipeline/input_walker.hpp"

namespace hashsieve::pipeline {

/// Shard `index` of `count` (0 <= index < count).
struct ShardSpec {
  uint32_t index = 0;
  uint32_t count = 1;
  bool operator==(const ShardSpec&) const = default;
};

/// Largest accepted shard count (plans and arrays far beyond Slurm's MaxArraySize).
inline constexpr uint32_t kMaxShards = 1u << 24;

inline constexpr uint64_t kFnv1a64Offset = 0xcbf29ce484222325ull;
/// `seed` continues a digest over more bytes (fnv1a64(b, fnv1a64(a)) == fnv1a64(a + b)).
uint64_t fnv1a64(std::string_view bytes, uint64_t seed = kFnv1a64Offset);
uint64_t mix64(uint64_t x);

/// The assignment key of `path`, met while walking `root` (see the file comment).
std::string_view shardKey(std::string_view root, std::string_view path);

/// The shard (0..count-1) that owns `key`.
uint32_t shardOf(std::string_view key, uint32_t count);

/// Reads an environment variable; nullopt when unset. Injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
/// The process environment.
std::optional<std::string> processEnv(const std::string& name);

/// Parses `--shard`: "I/N"; "auto" or "auto/N" take the index (and count) from the scheduler:
/// Slurm job arrays (SLURM_ARRAY_TASK_ID, minus SLURM_ARRAY_TASK_MIN; the count from
/// SLURM_ARRAY_TASK_COUNT or MAX - MIN + 1, which must agree with each other and with /N) or
/// a Kubernetes Indexed Job (JOB_COMPLETION_INDEX; the count from /N). Throws UsageError on a
/// malformed value or a missing, stepped or inconsistent environment: never a silent full run.
ShardSpec parseShard(const std::string& arg, const EnvLookup& env = processEnv);

/// `%i` -> the shard index, `%%` -> `%`; any other character is kept.
std::string expandShardTemplate(const std::string& text, uint32_t index);

/// Receives each walked input with its ordinal in the full walk (all shards) and its key.
using KeyedSink = std::function<bool(InputItem&&, uint64_t ordinal, std::string_view key)>;

/// The run walks part of a larger walk: a shard's share of a --files-from list (files_from.hpp)
/// or one chunk of a `hashsieve plan` (walk_plan.hpp). What the merge needs of the whole.
struct PartialWalk {
  uint64_t roots = 0;                  // roots of the whole walk
  uint64_t rootsFnv = kFnv1a64Offset;  // fnv1a64 over each root followed by '\0'
  /// A list share: inputs of the whole walk left out before roots[k], and after the last root.
  std::vector<uint64_t> skippedBefore;
  uint64_t skippedAfter = 0;
  /// A plan chunk: the walked inputs themselves (re-stat'ed when read), replacing the roots,
  /// with their ordinals in a walk of `walked` inputs.
  bool planned = false;
  std::vector<std::pair<uint64_t, InputItem>> inputs;
  uint64_t walked = 0;
};

/// walkInputs over `roots`, one root at a time so that each input's key is known; with
/// `partial`, ordinals count the inputs it left out (a plan chunk replays its inputs instead,
/// each keyed by its path). `walked` receives the inputs of the whole walk. Returns false when
/// the sink stopped the walk.
bool walkKeyed(const std::vector<std::string>& roots, const WalkOptions& opts,
               const KeyedSink& sink, const PartialWalk* partial = nullptr,
               uint64_t* walked = nullptr);

}  // namespace hashsieve::pipeline
