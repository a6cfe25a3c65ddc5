// jsonl / csv / pdq renderers.
#include "host/pipeline/record_format.hpp"

#include <cstdio>

#include "host/core/errors.hpp"
#include "host/pipeline/path_text.hpp"

namespace hashsieve::pipeline {
namespace {

class JsonlFormatter final : public RecordFormatter {
 public:
  void append(const Record& r, std::string& out) const override { out += toJsonLine(r); }
};

std::string formatSeconds(double t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", t);
  return buf;
}

class CsvFormatter final : public RecordFormatter {
 public:
  explicit CsvFormatter(bool dihedral) : dihedral_(dihedral) {}

  std::string header() const override {
    std::string h =
        "path,path_hex,kind,frame,t,width,height,md5,sha1,sha256,pdq,pdq_quality,phash,error,"
        "detail";
    if (dihedral_)
      for (const char* name : kDihedralNames) h += std::string(",pdq_") + name;
    return h + "\n";
  }

  void append(const Record& r, std::string& out) const override {
    const std::string pathCols =
        csvField(utf8Display(r.path)) + "," + (isValidUtf8(r.path) ? "" : bytesToHex(r.path));
    const std::string noDihedral = dihedral_ ? std::string(kDihedralCount, ',') : "";
    if (r.kind == RecordKind::Error) {
      const FileDigests& d = r.digests;  // empty when the file could not be read
      out += pathCols + ",error,,,,," + d.md5 + "," + d.sha1 + "," + d.sha256 + ",,,," +
             csvField(r.error) + "," + csvField(r.detail) + noDihedral + "\n";
      return;
    }
    if (r.kind == RecordKind::Archive) {
      const FileDigests& d = r.digests;
      out += pathCols + ",archive,,,,," + d.md5 + "," + d.sha1 + "," + d.sha256 + ",,,,," +
             noDihedral + "\n";
      return;
    }
    const std::string fileCols = std::to_string(r.width) + "," + std::to_string(r.height) + "," +
                                 r.digests.md5 + "," + r.digests.sha1 + "," + r.digests.sha256;
    const char* kind = r.kind == RecordKind::Image ? "image" : "video";
    if (r.kind == RecordKind::Image && r.frames.size() <= 1) {
      std::string row = pathCols + "," + kind + ",,," + fileCols + "," + toHex(r.pdq) + "," +
                        std::to_string(r.pdqQuality) + "," + toHex(r.phash) + ",,";
      if (dihedral_) {
        for (int v = 0; v < kDihedralCount; ++v) {
          row += ',';
          if (r.dihedral) row += toHex((*r.dihedral)[v]);
        }
      }
      out += row + "\n";
      return;
    }
    for (const FrameRecord& f : r.frames) {
      out += pathCols + "," + kind + "," + std::to_string(f.index) + "," + formatSeconds(f.t) +
             "," + fileCols + "," + toHex(f.pdq) + "," + std::to_string(f.quality) + "," +
             toHex(f.phash) + ",," + noDihedral + "\n";
    }
  }

 private:
  bool dihedral_;
};

class PdqFormatter final : public RecordFormatter {
 public:
  void append(const Record& r, std::string& out) const override {
    if (r.kind != RecordKind::Image) return;
    out += toHex(r.pdq) + "," + std::to_string(r.pdqQuality) + "," + r.path + "\n";
  }
};

}  // namespace

OutputFormat parseOutputFormat(const std::string& name) {
  if (name == "jsonl") return OutputFormat::Jsonl;
  if (name == "csv") return OutputFormat::Csv;
  if (name == "pdq") return OutputFormat::Pdq;
  if (name == "vpdq") return OutputFormat::Vpdq;
  throw UsageError("unknown --format \"" + name + "\" (jsonl, csv, pdq, vpdq)");
}

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::unique_ptr<RecordFormatter> makeFormatter(OutputFormat format, bool dihedral) {
  switch (format) {
    case OutputFormat::Csv:
      return std::make_unique<CsvFormatter>(dihedral);
    case OutputFormat::Pdq:
      return std::make_unique<PdqFormatter>();
    case OutputFormat::Jsonl:
    case OutputFormat::Vpdq:
      break;
  }
  return std::make_unique<JsonlFormatter>();
}

}  // namespace hashsieve::pipeline
