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
  // One level at most: a mistyped path must not grow a tree of directories.
  std::error_code ec;
  std::filesystem::create_directory(dir_, ec);
  if (ec || !std::filesystem::is_directory(dir_)) {
    const std::filesystem::path parent = std::filesystem::path(dir_).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent))
      throw FatalError("cannot create --output-dir " + dir_ + ": its parent " + parent.string() +
                       " does not exist (only the last level is created)");
    throw FatalError("cannot create --output-dir " + dir_ + ": " +
                     (ec ? ec.message() : std::string("not a directory")));
  }
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
  std::string path = (std::filesystem::path(dir_) / (name + ".txt")).string();
  writeFileAtomically(path, text.str());
  return path;
}

}  // namespace hashsieve::pipeline
