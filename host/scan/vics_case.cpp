// VICS JSON case file rendering.
#include "host/scan/vics_case.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "host/pipeline/path_text.hpp"

namespace hashsieve::scan {
namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

}  // namespace

std::string VicsCaseWriter::header() const {
  return "{\"odata.metadata\":\"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/1.3.xml/"
         "CUSTOM/$metadata#Media\",\"value\":[\n";
}

std::string VicsCaseWriter::media(const pipeline::Record& r,
                                  const std::vector<std::string>& categories,
                                  const std::string& comments) {
  if (r.digests.md5.empty() && r.digests.sha1.empty()) return {};
  nlohmann::ordered_json m;
  m["MediaID"] = written_ + 1;
  for (const std::string& c : categories) {
    int v = 0;
    const auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), v);
    if (ec == std::errc() && end == c.data() + c.size()) {
      m["Category"] = v;
      break;
    }
  }
  if (!r.digests.md5.empty()) m["MD5"] = upper(r.digests.md5);
  if (!r.digests.sha1.empty()) m["SHA1"] = upper(r.digests.sha1);
  const std::filesystem::path p(pipeline::utf8Display(r.path));
  m["Name"] = p.filename().string();
  m["RelativeFilePath"] = p.parent_path().string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(r.path, ec);
  if (!ec) m["MediaSize"] = size;
  m["IsPrecategorized"] = !categories.empty();
  if (!comments.empty()) m["Comments"] = comments;
  std::string out = written_ > 0 ? ",\n" : "";
  out += m.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  ++written_;
  return out;
}

std::string VicsCaseWriter::footer() const { return written_ > 0 ? "\n]}\n" : "]}\n"; }

}  // namespace hashsieve::scan
