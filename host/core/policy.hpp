// Matching and quality policy numbers, named once: every default threshold and quality bound
// the CLI, the lists, the scan and the benchmark use. Plain constants, so nvcc can read them too.
#pragma once

namespace hashsieve::policy {

/// PDQ match distance, inclusive (distance <= 31): the reference's and ThreatExchange's
/// recommended threshold out of 256 bits.
inline constexpr int kPdqMatchThreshold = 31;
/// pHash (imagehash variant, 64 bits) match distance, inclusive: imagehash's customary 10.
inline constexpr int kPhashMatchThreshold = 10;
/// PDQ quality runs 0..kPdqMaxQuality (the reference clamps to 100).
inline constexpr int kPdqMaxQuality = 100;
/// PDQ hashes of quality below this are not matched (the reference's and vPDQ's floor).
inline constexpr int kPdqMinQuality = 50;
/// More matches than this for one query hash get a "degenerate query" warning.
inline constexpr int kDegenerateMatches = 100;
/// Video frames hashed per second of media time by default (vPDQ's default).
inline constexpr double kVideoFps = 1.0;

}  // namespace hashsieve::policy
