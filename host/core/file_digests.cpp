// OpenSSL's libcrypto for the three digests: audited, and SHA-NI/AVX2 accelerated.
#include "host/core/file_digests.hpp"

#include <openssl/evp.h>

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

}  // namespace

struct MultiDigest::State {
  std::array<MdCtx, 3> ctx;
};

MultiDigest::MultiDigest() : state_(std::make_unique<State>()) {
  const EVP_MD* mds[3] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
  for (int i = 0; i < 3; ++i) {
    state_->ctx[i].reset(EVP_MD_CTX_new());
    if (!state_->ctx[i] || EVP_DigestInit_ex(state_->ctx[i].get(), mds[i], nullptr) != 1)
      throw std::runtime_error("OpenSSL digest init failed");
  }
}

MultiDigest::~MultiDigest() = default;

void MultiDigest::update(std::span<const uint8_t> bytes) {
  for (auto& c : state_->ctx)
    if (EVP_DigestUpdate(c.get(), bytes.data(), bytes.size()) != 1)
      throw std::runtime_error("OpenSSL digest update failed");
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
