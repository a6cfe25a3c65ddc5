// Writing vPDQ files with the media layer's reference text layout.
#include "host/pipeline/vpdq_writer.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

#include "host/media/vpdq_format.hpp"
#include "host/pipeline/fatal_error.hpp"
#include "host/pipeline/output_stream.hpp"

namespace hashsieve::pipeline {

VpdqDirectoryWriter::VpdqDirectoryWriter(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec || !std::filesystem::is_directory(dir_))
    throw FatalError("cannot create --output-dir " + dir_ + ": " + ec.message());
}

std::string VpdqDirectoryWriter::write(const Record& r) {
  if (r.kind != RecordKind::Video) return {};
  const std::string base = std::filesystem::path(r.path).filename().string();
  std::string name = base;
  for (int n = 2; !used_.insert(name).second; ++n) name = base + "__" + std::to_string(n);
  std::vector<media::VpdqFrame> frames;
  frames.reserve(r.frames.size());
  for (const FrameRecord& f : r.frames)
    frames.push_back(
        media::VpdqFrame{f.index, f.quality, f.pdq, media::vpdqTimestamp(f.index, r.fps)});
  std::ostringstream text;
  media::writeVpdq(text, frames);
  const std::string path = (std::filesystem::path(dir_) / (name + ".txt")).string();
  writeFileAtomically(path, text.str());
  return path;
}

}  // namespace hashsieve::pipeline
