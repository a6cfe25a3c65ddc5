// `hashsieve scan --format csv`: one row per (hash, list id) match, one per list video matched,
// and one for a file with neither (its hashes, or its error), in input order.
#pragma once

#include <string>

#include "host/pipeline/record.hpp"
#include "host/scan/scan_matcher.hpp"

namespace hashsieve::scan {

/// path,path_hex,kind,frame,t,hash,quality,md5,sha1,sha256,transform,distance,list_id,list_hash,
/// query_match_percent,compared_match_percent,skipped,error,detail
std::string scanCsvHeader();

/// Appends the rows of one record (RFC 4180 quoting). A match of an entry that merged several
/// ids gives one row per id. `hash` is the matched hash in the list's type (the frame's for
/// videos); quality is its PDQ quality.
void appendScanCsv(const pipeline::Record& record, const ScanResult& result,
                   const ScanMatcher& matcher, std::string& out);

}  // namespace hashsieve::scan
