// CSV rows of scan results.
#include "host/scan/scan_csv.hpp"

#include <cstdio>

#include "host/match/hash_keys.hpp"
#include "host/match/hash_list.hpp"
#include "host/pipeline/path_text.hpp"
#include "host/pipeline/record_format.hpp"

namespace hashsieve::scan {
namespace {

using pipeline::csvField;

std::string seconds(double t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", t);
  return buf;
}

/// The shortest text that reads back as the same double (what the JSONL output writes).
std::string number(double v) { return nlohmann::json(v).dump(); }

std::string hashText(const Hash256& h, HashType type) { return typedHashHex(h, type); }

}  // namespace

std::string scanCsvHeader() {
  return "path,path_hex,kind,frame,t,hash,quality,md5,sha1,sha256,transform,distance,list_id,"
         "list_hash,query_match_percent,compared_match_percent,skipped,error,detail,match_kind,"
         "list_meta\n";
}

void appendScanCsv(const pipeline::Record& r, const ScanResult& res, const ScanMatcher& matcher,
                   std::string& out) {
  const std::string path = csvField(pipeline::utf8Display(r.path)) + "," +
                           (pipeline::isValidUtf8(r.path) ? "" : pipeline::bytesToHex(r.path));
  const std::string digests = r.digests.md5 + "," + r.digests.sha1 + "," + r.digests.sha256;
  const std::string kind = r.kind == pipeline::RecordKind::Image     ? "image"
                           : r.kind == pipeline::RecordKind::Video   ? "video"
                           : r.kind == pipeline::RecordKind::Archive ? "archive"
                                                                     : "error";
  // Exact (digest) matches first, one row per list id; error records too (files read but not
  // decoded carry their digests).
  const std::string errorTail =
      r.kind == pipeline::RecordKind::Error ? csvField(r.error) + "," + csvField(r.detail) : ",";
  bool wrote = false;
  for (const ExactHit& hit : res.exact) {
    const HashList& l = *hit.list;
    for (size_t k = 0; k < l.idCountOf(hit.entry); ++k)
      out += path + "," + kind + ",,," + l.hashHex(hit.entry) + ",," + digests + ",,0," +
             csvField(std::string(l.id(hit.entry, k))) + "," + l.hashHex(hit.entry) + ",,,," +
             errorTail + "," + hashTypeName(l.type()) + "," +
             csvField(std::string(l.meta(hit.entry, k))) + "\n";
    wrote = true;
  }
  if (r.kind == pipeline::RecordKind::Error) {
    if (!wrote) out += path + ",error,,,,," + digests + ",,,,,,,," + errorTail + ",,\n";
    return;
  }
  if (!matcher.hasPerceptual()) {
    if (!wrote) out += path + "," + kind + ",,,,," + digests + ",,,,,,,,,,,\n";
    return;
  }
  const HashList& list = matcher.list();
  const bool framed = res.query.frames.size() > 1 || r.kind == pipeline::RecordKind::Video;
  for (size_t f = 0; f < res.frames.size(); ++f) {
    const QueryFrame& qf = res.query.frames[f];
    for (const Match& m : res.frames[f].matches) {
      const std::string head =
          path + "," + kind + "," + (framed && qf.frame ? std::to_string(*qf.frame) : "") + "," +
          (framed && qf.t ? seconds(*qf.t) : "") + "," + hashText(*qf.hash, list.type()) + "," +
          (qf.quality >= 0 ? std::to_string(qf.quality) : "") + "," + digests + "," +
          kDihedralNames[m.transform] + "," + std::to_string(m.distance) + ",";
      const std::string tail = "," + list.hashHex(m.entry) + ",,,,,," + hashTypeName(list.type());
      for (size_t k = 0; k < list.idCountOf(m.entry); ++k)
        out += head + csvField(std::string(list.id(m.entry, k))) + tail + "," +
               csvField(std::string(list.meta(m.entry, k))) + "\n";
      wrote = true;
    }
  }
  for (const VideoMatch& v : res.videos) {
    out += path + "," + kind + ",,,,," + digests + ",,," +
           csvField(std::string(matcher.videos().name(v.video))) + ",," + number(v.queryPercent()) +
           "," + number(v.comparedPercent()) + ",,,,pdq,\n";
    wrote = true;
  }
  if (wrote) return;
  // Neither: the file's own hash (images) and why it was not matched, if it was not.
  const bool single = !framed && !res.frames.empty() && res.query.frames[0].hash;
  const std::string skipped =
      !framed && !res.frames.empty() && res.frames[0].skip ? csvField(*res.frames[0].skip) : "";
  out += path + "," + kind + ",,," +
         (single ? hashText(*res.query.frames[0].hash, list.type()) : "") + "," +
         (single && res.query.frames[0].quality >= 0 ? std::to_string(res.query.frames[0].quality)
                                                     : "") +
         "," + digests + ",,,,,,," + skipped + ",,,,\n";
}

}  // namespace hashsieve::scan
