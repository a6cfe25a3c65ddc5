// The CUDA-free hashing interface: frames in, PDQ (+ dihedral) and pHash out. CPU and CUDA
// backends implement it; the CPU backend is the oracle.
#pragma once

#include <array>
#include <memory>
#include <span>
#include <string>

#include "host/core/hash_types.hpp"
#include "host/core/image.hpp"
#include "host/core/pdq_math.hpp"

namespace hashsieve {

/// The reference's order of the eight dihedral variants.
enum class Dihedral : int { Orig, Rot90, Rot180, Rot270, FlipX, FlipY, FlipPlus1, FlipMinus1 };
inline constexpr int kDihedralCount = 8;
inline constexpr std::array<const char*, kDihedralCount> kDihedralNames = {
    "orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm"};

struct HashRequest {
  bool pdq = true;
  bool dihedral = false;  // fill FrameHash::pdqDihedral (orig included)
  bool phash = true;
  pdq::LumaMode pdqLuma = pdq::LumaMode::Reference;  // Float64: pdqhash/HMA-compatible rounding
};

struct FrameHash {
  Hash256 pdq;
  int pdqQuality = 0;  // 0..100
  std::array<Hash256, kDihedralCount> pdqDihedral{};
  Hash64 phash;
  std::string note;  // e.g. a backend fallback, empty normally
};

class Hasher {
 public:
  virtual ~Hasher() = default;
  /// "cpu", "cuda", ...
  virtual std::string name() const = 0;
  /// Hashes frames[i] into out[i]; out.size() == frames.size(). Not thread-safe: one per worker.
  virtual void hash(std::span<const ImageView> frames, const HashRequest& req,
                    std::span<FrameHash> out) = 0;
};

std::unique_ptr<Hasher> makeCpuHasher();

}  // namespace hashsieve
