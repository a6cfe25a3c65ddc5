// ThreatExchange text lines, `<signal type> <hex>` (python-threatexchange reads them back):
// what `hashsieve list export --format te` and `hashsieve match --format te` write.
#pragma once

#include <cstddef>
#include <string>

#include "host/match/hash_list.hpp"

namespace hashsieve {

/// The line of a list entry, with '\n'.
inline std::string threatExchangeLine(const HashList& list, size_t entry) {
  std::string line = hashTypeName(list.type());
  line += ' ';
  line += list.hashHex(entry);
  line += '\n';
  return line;
}

}  // namespace hashsieve
