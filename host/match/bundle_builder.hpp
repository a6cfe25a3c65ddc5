// Builds one .hsl file from parsed entries of any types: one ListBuilder per type, bundled
// (list_set.hpp) when there are several. Applies NCMEC-style updates and deletions across
// inputs given in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "host/match/list_builder.hpp"
#include "host/match/list_parser.hpp"

namespace hashsieve {

class BundleBuilder {
 public:
  /// An entry from a parser (its frames, if any, become video frames of its id).
  void add(const ListEntryView& e);
  /// A ListRemoveSink: a deletion drops every earlier entry of `id`; a non-deletion drops them
  /// only when `id` was seen before (an update replaces the earlier version).
  void remove(std::string_view id, bool deletion);
  /// Room for about `entries` entries of `type`.
  void reserve(HashType type, size_t entries, size_t idBytes);

  struct TypeSummary {
    HashType type;
    ListBuilder::Summary summary;
  };
  /// One plain .hsl image for one type, a bundle for several; throws FormatError when no entry
  /// was added. The builder is left empty.
  hsl::Image build(std::vector<TypeSummary>* summaries = nullptr);
  bool empty() const { return builders_.empty(); }
  /// The luma rounding of the PDQ entries, recorded in the PDQ list's header.
  void setPdqLuma(hsl::PdqLuma luma) { pdqLuma_ = luma; }

 private:
  ListBuilder& builder(HashType type);

  std::map<HashType, ListBuilder> builders_;  // ascending type: the bundle's order
  std::unordered_set<uint64_t> seen_;         // hashes of ids passed to remove(id, false)
  hsl::PdqLuma pdqLuma_ = hsl::PdqLuma::Unknown;
};

}  // namespace hashsieve
