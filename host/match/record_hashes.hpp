// The hashes of a record as a hash list stores them, from the record format's reader
// (host/core/record_reader.hpp): shared by `match`'s queries and `list build`'s JSON lines.
#pragma once

#include "host/core/record_reader.hpp"
#include "host/match/hsl_format.hpp"

namespace hashsieve {

/// A perceptual hash in the list layout (pHash: in w[0]), keeping the field's state.
inline RecordField<Hash256> listHashField(const RecordField<Hash256>& pdq,
                                          const RecordField<Hash64>& phash, HashType type) {
  if (type == HashType::Pdq) return pdq;
  RecordField<Hash256> out(phash.name());
  if (phash.malformed()) out.fail(phash.problem());
  if (const auto& h = phash.valid()) {
    Hash256 w;
    w.w[0] = h->v;
    out.set(w);
  }
  return out;
}

/// The record's file digest of type md5, sha1 or sha256 (hex, its width checked).
inline const RecordField<std::string>& digestField(const RecordFields& r, HashType type) {
  return type == HashType::Md5 ? r.md5 : type == HashType::Sha1 ? r.sha1 : r.sha256;
}

}  // namespace hashsieve
