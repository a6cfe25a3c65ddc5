// Project VIC VICS JSON (OData): `{"odata.metadata" | "@odata.context": ..., "value": [...]}`
// whose media carry MD5, SHA1 (SHA256 when given), Category, MediaID and optional PhotoDNA. In
// VICS 1.x the `value` array holds the media; in 2.0 it holds cases with a `Media` array. Read
// streaming (nlohmann::json SAX): a multi-gigabyte case file is never held whole.
#pragma once

#include <istream>
#include <string_view>

#include "host/match/list_parser.hpp"

namespace hashsieve {

/// Each digest of a media object (an object directly inside `value` or a `Media` array) is one
/// entry: id = MediaID (else the media's 1-based position), metadata {"category", "source":
/// "vics"}. PhotoDNA values are counted in stats.unusable. Malformed media are skipped and
/// counted (FormatError in strict mode); invalid JSON, nesting deeper than 64 levels, or a
/// document without a `value` array throws FormatError.
ListParseStats parseVicsJson(std::istream& in, std::string_view source,
                             const ListParseOptions& opts, const ListEntrySink& sink);

}  // namespace hashsieve
