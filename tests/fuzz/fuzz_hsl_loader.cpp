// Fuzz target: the binary .hsl list loader. The first input byte picks a mode:
//  even: the rest is an .hsl file as found on disk. It is loaded without and with the checksum
//        check; whatever loads is read whole (every hash, quality and id), so a validation gap
//        shows as an out-of-bounds read under ASan.
//  odd:  the rest describes entries (36 bytes each: 32 hash, 1 quality, 3 id bytes); a valid
//        list is built from them, then corrupted at a fuzz-chosen place (one byte changed, or
//        the file cut short or extended). The pristine list must load; every corrupted one must
//        be rejected by the size or checksum checks (FormatError), never accepted or read past.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "host/core/errors.hpp"
#include "host/match/hash_list.hpp"
#include "host/match/list_builder.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace hashsieve;

constexpr size_t kEntryBytes = 36;  // 32 hash bytes, quality, 3 id bytes
constexpr size_t kMaxEntries = 512;

hsl::Image imageOf(const uint8_t* data, size_t size) {
  hsl::Image image;
  image.bytes = size;
  image.storage.assign((size + 7) / 8, 0);
  if (size) std::memcpy(image.storage.data(), data, size);
  return image;
}

// Reads everything a matcher or the match output would read.
size_t readAll(const HashList& list) {
  size_t sum = list.packedWords().size();
  for (size_t i = 0; i < list.size(); ++i) {
    sum += list.hash(i).w[0] & 1;
    sum += list.hashHex(i).size();
    sum += list.quality(i);
    HS_FUZZ_CHECK(list.idCountOf(i) >= 1);
    for (size_t j = 0; j < list.idCountOf(i); ++j) sum += list.id(i, j).size();
  }
  return sum;
}

void rawFile(const uint8_t* data, size_t size) {
  for (const bool verify : {false, true}) {
    try {
      HashList list = HashList::fromImage(imageOf(data, size), {.verifyChecksum = verify});
      readAll(list);
    } catch (const FormatError&) {
    }
  }
}

void corruptedList(const uint8_t* data, size_t size) {
  if (size < 8) return;
  // The corruption comes from the first 8 bytes: what to do and where.
  const uint8_t op = data[0] % 3;
  uint32_t where = 0;
  std::memcpy(&where, data + 1, sizeof where);
  const uint8_t mask = data[5] | 1;  // never zero: the byte really changes
  const HashType type = (data[6] & 1) ? HashType::Phash : HashType::Pdq;
  data += 8;
  size -= 8;

  ListBuilder builder(type);
  const size_t n = std::min(size / kEntryBytes, kMaxEntries);
  for (size_t e = 0; e < n; ++e) {
    const uint8_t* p = data + e * kEntryBytes;
    Hash256 h;
    std::memcpy(h.w, p, sizeof h.w);
    const int quality = p[32] <= 100 ? p[32] : -1;
    builder.add(h, quality, std::string(reinterpret_cast<const char*>(p + 33), 3));
  }
  hsl::Image pristine = builder.build();
  const size_t bytes = pristine.bytes;
  {
    hsl::Image copy = pristine;
    HashList list = HashList::fromImage(std::move(copy));
    HS_FUZZ_CHECK(list.size() <= n);
    readAll(list);
  }

  hsl::Image bad;
  if (op == 0) {  // one byte changed, anywhere (header, checksum, padding, data)
    bad = pristine;
    reinterpret_cast<uint8_t*>(bad.storage.data())[where % bytes] ^= mask;
  } else if (op == 1) {  // truncated
    const size_t cut = where % bytes;
    bad = imageOf(reinterpret_cast<const uint8_t*>(pristine.storage.data()), cut);
  } else {  // trailing bytes appended
    std::vector<uint8_t> longer(bytes + 1 + where % 4096, mask);
    std::memcpy(longer.data(), pristine.storage.data(), bytes);
    bad = imageOf(longer.data(), longer.size());
  }
  bool rejected = false;
  try {
    HashList list = HashList::fromImage(std::move(bad));
    readAll(list);
  } catch (const FormatError&) {
    rejected = true;
  }
  HS_FUZZ_CHECK(rejected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] % 2 == 0)
    rawFile(data + 1, size - 1);
  else
    corruptedList(data + 1, size - 1);
  return 0;
}
