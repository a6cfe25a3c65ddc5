// Synthetic frames and planted hash sets for the benchmark.
#include "host/selfbench/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <unordered_set>

#include "host/core/errors.hpp"

namespace hashsieve::bench {
namespace {

struct NamedSize {
  const char* name;
  int width, height;
};
// The usual 16:9 names (480p as 854x480, the width 16:9 gives).
constexpr NamedSize kNamedSizes[] = {{"480p", 854, 480},    {"720p", 1280, 720},
                                     {"1080p", 1920, 1080}, {"1440p", 2560, 1440},
                                     {"2160p", 3840, 2160}, {"4k", 3840, 2160}};

double unit(uint64_t& rng) { return static_cast<double>(splitmix64(rng) >> 11) * 0x1.0p-53; }

}  // namespace

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

FrameSpec parseFrameSpec(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos)
    throw UsageError("--synthetic wants SIZE:COUNT, got '" + text + "'");
  const std::string size = text.substr(0, colon);
  FrameSpec spec;
  spec.text = text;
  try {
    size_t used = 0;
    spec.count = std::stoll(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || spec.count <= 0) throw std::invalid_argument("count");
  } catch (const std::exception&) {
    throw UsageError("--synthetic: bad frame count in '" + text + "'");
  }
  for (const NamedSize& n : kNamedSizes) {
    if (size == n.name) {
      spec.width = n.width;
      spec.height = n.height;
      return spec;
    }
  }
  const auto x = size.find('x');
  try {
    if (x == std::string::npos) throw std::invalid_argument("size");
    spec.width = std::stoi(size.substr(0, x));
    spec.height = std::stoi(size.substr(x + 1));
  } catch (const std::exception&) {
    throw UsageError("--synthetic: unknown size '" + size +
                     "' (480p, 720p, 1080p, 1440p, 4k, WxH)");
  }
  if (spec.width <= 0 || spec.height <= 0 || spec.width > 16384 || spec.height > 16384) {
    throw UsageError("--synthetic: size out of range in '" + text + "'");
  }
  return spec;
}

Image makeSyntheticFrame(int width, int height, uint64_t seed) {
  Image img(width, height, PixelFormat::Rgb8);
  uint64_t rng = seed * 0x2545f4914f6cdd1dULL + 1;
  // Separable low-frequency pattern per channel: sum of a few random cosines along x and y.
  constexpr int kWaves = 3;
  std::vector<float> colTerm(static_cast<size_t>(width) * 3),
      rowTerm(static_cast<size_t>(height) * 3);
  for (int c = 0; c < 3; ++c) {
    for (int w = 0; w < kWaves; ++w) {
      const double fx = 0.5 + 4.0 * unit(rng), fy = 0.5 + 4.0 * unit(rng);
      const double px = 2 * std::numbers::pi * unit(rng), py = 2 * std::numbers::pi * unit(rng);
      const double amp = 20.0 + 20.0 * unit(rng);
      for (int x = 0; x < width; ++x)
        colTerm[x * 3 + c] +=
            static_cast<float>(amp * std::cos(fx * 2 * std::numbers::pi * x / width + px));
      for (int y = 0; y < height; ++y)
        rowTerm[y * 3 + c] +=
            static_cast<float>(amp * std::cos(fy * 2 * std::numbers::pi * y / height + py));
    }
  }
  for (int y = 0; y < height; ++y) {
    uint8_t* row = img.row(y);
    for (int x = 0; x < width; ++x) {
      const uint64_t noise = splitmix64(rng);
      for (int c = 0; c < 3; ++c) {
        const float v = 128.0f + colTerm[x * 3 + c] + rowTerm[y * 3 + c] +
                        static_cast<float>((noise >> (c * 8)) & 15) - 8.0f;
        row[x * 3 + c] = static_cast<uint8_t>(std::clamp(v, 0.0f, 255.0f));
      }
    }
  }
  return img;
}

std::vector<Image> makeFramePool(const FrameSpec& spec) {
  const int n = static_cast<int>(std::min<int64_t>(spec.count, kSyntheticPoolFrames));
  std::vector<Image> pool;
  pool.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) pool.push_back(makeSyntheticFrame(spec.width, spec.height, i));
  return pool;
}

Hash256 flipBits(const Hash256& h, int d, uint64_t& rng) {
  Hash256 out = h;
  std::unordered_set<int> used;
  while (static_cast<int>(used.size()) < d) {
    const int bit = static_cast<int>(splitmix64(rng) % Hash256::kBits);
    if (!used.insert(bit).second) continue;
    out.w[bit >> 6] ^= uint64_t{1} << (bit & 63);
  }
  return out;
}

PlantedHashSet makePlantedHashSet(int64_t listSize, int64_t queries, int variants, int threshold,
                                  int maxPlanted, uint64_t seed) {
  PlantedHashSet s;
  s.variants = variants;
  s.threshold = threshold;
  uint64_t rng = seed ^ 0x5eed5eed5eed5eedULL;
  auto randomHash = [&rng] {
    Hash256 h;
    for (uint64_t& w : h.w) w = splitmix64(rng);
    return h;
  };
  s.list.resize(static_cast<size_t>(listSize));
  for (Hash256& h : s.list) h = randomHash();
  s.queries.resize(static_cast<size_t>(queries * variants));
  for (Hash256& h : s.queries) h = randomHash();
  std::unordered_set<int64_t> taken;
  for (int64_t q = 0; q < queries; ++q) {
    const int want = std::min(static_cast<int>(q % (maxPlanted + 1)), threshold + 1);
    const int base = static_cast<int>(splitmix64(rng) % static_cast<uint64_t>(threshold + 1));
    for (int j = 0; j < want && static_cast<int64_t>(taken.size()) < listSize; ++j) {
      int64_t pos;
      do {
        pos = static_cast<int64_t>(splitmix64(rng) % static_cast<uint64_t>(listSize));
      } while (!taken.insert(pos).second);
      const int v = static_cast<int>((q + j) % variants);
      const int d = (base + j) % (threshold + 1);  // distinct per query: no duplicate entries
      s.list[static_cast<size_t>(pos)] =
          flipBits(s.queries[static_cast<size_t>(q * variants + v)], d, rng);
      ++s.expectedAll;
      if (v == 0) ++s.expectedOrig;
    }
  }
  return s;
}

}  // namespace hashsieve::bench
