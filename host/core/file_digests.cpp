// OpenSSL's libcrypto for the three digests: audited, and SHA-NI/AVX2 accelerated.
#include "host/core/file_digests.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>

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
  std::array<MdCtx, 3> ctx;
};

MultiDigest::MultiDigest() : state_(std::make_unique<State>()) {
  const EVP_MD* const* mds = digestAlgorithms();
  for (int i = 0; i < 3; ++i) {
    state_->ctx[i].reset(EVP_MD_CTX_new());
    if (!mds[i] || !state_->ctx[i] || EVP_DigestInit_ex(state_->ctx[i].get(), mds[i], nullptr) != 1)
      throw std::runtime_error("OpenSSL digest init failed");
  }
}

MultiDigest::~MultiDigest() = default;

void MultiDigest::update(std::span<const uint8_t> bytes) {
  for (size_t off = 0; off < bytes.size(); off += kSliceBytes) {
    const size_t n = std::min(kSliceBytes, bytes.size() - off);
    for (auto& c : state_->ctx)
      if (EVP_DigestUpdate(c.get(), bytes.data() + off, n) != 1)
        throw std::runtime_error("OpenSSL digest update failed");
  }
}

FileDigests MultiDigest::finish() {
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
