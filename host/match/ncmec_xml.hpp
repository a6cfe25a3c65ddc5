// NCMEC hash-sharing XML (the `queryResult` pages its API returns), read streaming with expat:
// `images`/`videos` holding `image`/`video` entries (id, classification, member, timestamp,
// fingerprints md5/sha1/pdq/...) and `deletedImage`/`deletedVideo` entries. Entity declarations
// are refused (billion laughs) and external entities are never loaded.
#pragma once

#include <istream>
#include <string_view>

#include "host/match/list_parser.hpp"

namespace hashsieve {

/// Parses one page from `in` (`prefix`, bytes already read from it, first). Each fingerprint
/// hashsieve uses (md5, sha1, sha256, pdq) is one entry (id = the entry's id; metadata:
/// classification as "category", member, member_id, timestamp, "source":"ncmec", "media"
/// image/video); other fingerprints (pdna, tmk-pdqf, videntifier, ...) are counted in
/// stats.unusable. An entry calls remove(id, false) before its entries (an update replaces an
/// earlier page's entry), a deleted one remove(id, true). Malformed entries are skipped and
/// counted (FormatError in strict mode); a document that is not well-formed XML, declares
/// entities, or is not a queryResult of the hash-sharing namespace throws FormatError.
ListParseStats parseNcmecXml(std::istream& in, std::string_view prefix, std::string_view source,
                             const ListParseOptions& opts, const ListEntrySink& sink,
                             const ListRemoveSink& remove);

}  // namespace hashsieve
