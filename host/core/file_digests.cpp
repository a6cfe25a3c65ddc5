// The three digests: the stitched one-pass code (digests_stitched.hpp) where the CPU has the SHA
// extensions, else OpenSSL's libcrypto (audited, and SHA-NI/AVX2 accelerated per digest).
#include "host/core/file_digests.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#include "host/core/digests_stitched.hpp"

namespace hashsieve {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::string hexOf(const unsigned char* p, unsigned n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (unsigned i = 0; i < n; ++i) {
    s[2 * i] = kDigits[p[i] >> 4];
    s[2 * i + 1] = kDigits[p[i] & 0xf];
  }
  return s;
}

// The three algorithms, fetched once: EVP_md5() and friends make OpenSSL 3 look the
// implementation up again on every init, a fixed cost per file that small files feel.
const EVP_MD* const* digestAlgorithms() {
  static const EVP_MD* const mds[3] = {EVP_MD_fetch(nullptr, "MD5", nullptr),
                                       EVP_MD_fetch(nullptr, "SHA1", nullptr),
                                       EVP_MD_fetch(nullptr, "SHA256", nullptr)};
  return mds;
}

// Each update goes to the three digests in slices this size, so the bytes the second and third
// read are still in L1 (the three passes over a 1 MiB read otherwise go to L2/L3 three times).
constexpr size_t kSliceBytes = 16 * 1024;

}  // namespace

struct MultiDigest::State {
  bool stitched = false;
  std::array<MdCtx, 3> ctx;  // OpenSSL engine
  // Stitched engine: the chaining state, the bytes of an unfinished block, the stream length.
  detail::StitchedDigestState sum{};
  std::array<uint8_t, 64> tail{};
  size_t tailBytes = 0;
  uint64_t total = 0;
};

MultiDigest::MultiDigest(Engine engine) : state_(std::make_unique<State>()) {
  if (engine == Engine::kFastest && detail::stitchedDigestsAvailable()) {
    state_->stitched = true;
    detail::stitchedInit(state_->sum);
    return;
  }
  const EVP_MD* const* mds = digestAlgorithms();
  for (int i = 0; i < 3; ++i) {
    state_->ctx[i].reset(EVP_MD_CTX_new());
    if (!mds[i] || !state_->ctx[i] || EVP_DigestInit_ex(state_->ctx[i].get(), mds[i], nullptr) != 1)
      throw std::runtime_error("OpenSSL digest init failed");
  }
}

MultiDigest::~MultiDigest() = default;

void MultiDigest::update(std::span<const uint8_t> bytes) {
  State& s = *state_;
  if (s.stitched) {
    s.total += bytes.size();
    if (s.tailBytes > 0 && !bytes.empty()) {
      const size_t n = std::min(bytes.size(), s.tail.size() - s.tailBytes);
      std::memcpy(s.tail.data() + s.tailBytes, bytes.data(), n);
      s.tailBytes += n;
      bytes = bytes.subspan(n);
      if (s.tailBytes < s.tail.size()) return;
      detail::stitchedBlocks(s.sum, s.tail.data(), 1);
      s.tailBytes = 0;
    }
    const size_t blocks = bytes.size() / s.tail.size();
    detail::stitchedBlocks(s.sum, bytes.data(), blocks);
    bytes = bytes.subspan(blocks * s.tail.size());
    if (!bytes.empty()) std::memcpy(s.tail.data(), bytes.data(), bytes.size());
    s.tailBytes = bytes.size();
    return;
  }
  for (size_t off = 0; off < bytes.size(); off += kSliceBytes) {
    const size_t n = std::min(kSliceBytes, bytes.size() - off);
    for (auto& c : state_->ctx)
      if (EVP_DigestUpdate(c.get(), bytes.data() + off, n) != 1)
        throw std::runtime_error("OpenSSL digest update failed");
  }
}

FileDigests MultiDigest::finish() {
  State& s = *state_;
  if (s.stitched) {
    uint8_t md5[16], sha1[20], sha256[32];
    detail::stitchedFinish(s.sum, s.tail.data(), s.tailBytes, s.total, md5, sha1, sha256);
    return FileDigests{hexOf(md5, 16), hexOf(sha1, 20), hexOf(sha256, 32)};
  }
  std::string out[3];
  for (int i = 0; i < 3; ++i) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_DigestFinal_ex(state_->ctx[i].get(), md, &len) != 1)
      throw std::runtime_error("OpenSSL digest final failed");
    out[i] = hexOf(md, len);
  }
  return FileDigests{out[0], out[1], out[2]};
}

FileDigests digestBytes(std::span<const uint8_t> bytes) {
  MultiDigest d;
  d.update(bytes);
  return d.finish();
}

}  // namespace hashsieve
