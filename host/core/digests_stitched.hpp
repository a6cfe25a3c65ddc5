// MD5, SHA-1 and SHA-256 of one byte stream in one pass: each 64-byte block goes through the three
// compressions with their steps interleaved, so that MD5's serial chain of scalar adds and rotates
// runs beside the SHA extension rounds instead of after them (run one after the other, the three
// cost the sum of their latencies). Used only where the CPU has the SHA extensions; elsewhere
// MultiDigest keeps OpenSSL.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace hashsieve::detail {

/// Whether the CPU has the SHA extensions and SSE4.1 (checked once).
bool stitchedDigestsAvailable();

/// The three chaining states, kept in the register layouts the rounds use.
struct StitchedDigestState {
  uint32_t md5[4];
  __m128i sha1Abcd, sha1E;  // A..D in lanes 3..0; E in lane 3
  __m128i sha256Abef, sha256Cdgh;
};

void stitchedInit(StitchedDigestState& s);

/// Compresses `blocks` whole 64-byte blocks at p into all three states.
void stitchedBlocks(StitchedDigestState& s, const uint8_t* p, size_t blocks);

/// Pads the last `tailBytes` (< 64) bytes of a stream of `totalBytes` and writes the digests.
void stitchedFinish(StitchedDigestState& s, const uint8_t* tail, size_t tailBytes,
                    uint64_t totalBytes, uint8_t md5[16], uint8_t sha1[20], uint8_t sha256[32]);

}  // namespace hashsieve::detail
