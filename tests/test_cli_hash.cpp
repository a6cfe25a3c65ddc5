// `hashsieve hash` end to end on files made here (PPM/PGM, whose pixels FFmpeg hands back
// unchanged, so every hash is known by construction): records, formats, exit statuses,
// --files-from, atomic output, a read-only TMPDIR and a flat memory profile.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <set>

#include "host/core/file_digests.hpp"
#include "host/core/hash_types.hpp"
#include "host/core/hasher.hpp"
#include "tests/test_cli_support.hpp"
#include "tests/test_pipeline_support.hpp"

namespace hashsieve::test {
namespace {

namespace fs = std::filesystem;

void writePnm(const fs::path& p, const Image& img) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << (img.format == PixelFormat::Rgb8 ? "P6" : "P5") << "\n"
      << img.width << " " << img.height << "\n255\n";
  out.write(reinterpret_cast<const char*>(img.pixels.data()), std::streamsize(img.pixels.size()));
}

Image greyFrame(int w, int h) {
  Image img(w, h, PixelFormat::Gray8);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) img.row(y)[x] = uint8_t((x * 3 + y * 5) & 255);
  return img;
}

FrameHash cpuHash(const Image& img, bool dihedral = false,
                  pdq::LumaMode luma = pdq::LumaMode::Reference) {
  auto hasher = makeCpuHasher();
  const ImageView v = img.view();
  FrameHash h;
  HashRequest req;
  req.dihedral = dihedral;
  req.pdqLuma = luma;
  hasher->hash({&v, 1}, req, {&h, 1});
  return h;
}

std::string fileSha256(const fs::path& p) {
  const std::string bytes = readText(p);
  return digestBytes({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}).sha256;
}

class CliHash : public ::testing::Test {
 protected:
  void SetUp() override {
    images_ = {{"b/two.ppm", fakeFrame(300, 200, 2)},
               {"a.ppm", fakeFrame(120, 90, 1)},
               {"b/one.ppm", fakeFrame(64, 64, 3)},
               {"c-grey.pgm", greyFrame(200, 150)}};
    for (const auto& [rel, img] : images_) writePnm(dir_.path() / "in" / rel, img);
  }
  std::string in() const { return (dir_.path() / "in").string(); }

  ScratchDir dir_{"cli-hash"};
  std::vector<std::pair<std::string, Image>> images_;
};

TEST_F(CliHash, RecordsCarryTheHashesOfTheirPixels) {
  // The eight dihedral variants are part of the default record.
  const CliResult r = runCli({"hash", "-q", in()}, dir_.path());
  ASSERT_EQ(r.status, 0) << r.err;
  const auto records = parseJsonLines(r.out);
  // Byte order of names: "a.ppm" < "b/..." < "c-grey.pgm"; inside b/: one < two.
  const std::vector<std::string> order = {"a.ppm", "b/one.ppm", "b/two.ppm", "c-grey.pgm"};
  ASSERT_EQ(records.size(), order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const auto& rec = records[i];
    const fs::path path = dir_.path() / "in" / order[i];
    EXPECT_EQ(rec["path"], path.string());
    const Image& img = std::find_if(images_.begin(), images_.end(), [&](auto& p) {
                         return p.first == order[i];
                       })->second;
    const FrameHash want = cpuHash(img, true);
    EXPECT_EQ(rec["kind"], "image");
    EXPECT_EQ(rec["width"], img.width);
    EXPECT_EQ(rec["height"], img.height);
    EXPECT_EQ(rec["pdq"], toHex(want.pdq)) << order[i];
    EXPECT_EQ(rec["pdq_quality"], want.pdqQuality);
    EXPECT_EQ(rec["phash"], toHex(want.phash));
    for (int v = 0; v < kDihedralCount; ++v)
      EXPECT_EQ(rec["pdq_dihedral"][kDihedralNames[v]], toHex(want.pdqDihedral[v]));
    EXPECT_EQ(rec["sha256"], fileSha256(path));
    EXPECT_EQ(rec["orientation"]["degrees"], 0);
    EXPECT_EQ(rec["orientation"]["applied"], false);
  }
}

TEST_F(CliHash, PdqLumaFloat64GivesThePdqhashBindingsRounding) {
  // A flat colour: its PDQ bits are the rounding noise of the box filter, so a 1-ulp luma
  // difference (in ~31% of RGB triples) flips them. Find such a colour first.
  std::optional<Image> img;
  uint64_t rng = 12345;
  for (int attempt = 0; attempt < 200 && !img; ++attempt) {
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    Image cand(48, 40, PixelFormat::Rgb8);
    for (int y = 0; y < cand.height; ++y)
      for (int x = 0; x < cand.width * 3; ++x) cand.row(y)[x] = uint8_t(rng >> (40 + 8 * (x % 3)));
    if (cpuHash(cand).pdq != cpuHash(cand, false, pdq::LumaMode::Float64).pdq) img = cand;
  }
  ASSERT_TRUE(img) << "no colour where the luma roundings differ";
  const fs::path file = dir_.path() / "flat.ppm";
  writePnm(file, *img);
  const CliResult ref = runCli({"hash", "-q", file.string()}, dir_.path());
  const CliResult f64 = runCli({"hash", "-q", "--pdq-luma", "float64", file.string()}, dir_.path());
  ASSERT_EQ(ref.status, 0) << ref.err;
  ASSERT_EQ(f64.status, 0) << f64.err;
  EXPECT_EQ(parseJsonLines(ref.out)[0]["pdq"], toHex(cpuHash(*img).pdq));
  EXPECT_EQ(parseJsonLines(f64.out)[0]["pdq"],
            toHex(cpuHash(*img, false, pdq::LumaMode::Float64).pdq));
  EXPECT_EQ(runCli({"hash", "-q", "--pdq-luma", "double", file.string()}, dir_.path()).status, 2);
}

TEST_F(CliHash, BadInputsBecomeErrorRecordsAndTheRunGoesOn) {
  writeText(dir_.path() / "in/d-garbage.jpg", "this is not an image at all, just text");
  writeText(dir_.path() / "in/e-empty.png", "");
  ASSERT_EQ(::mkfifo((dir_.path() / "in/f-fifo").c_str(), 0644), 0);  // opening it would hang
  const CliResult r = runCli({"hash", "-q", "--threads", "2", in()}, dir_.path());
  EXPECT_EQ(r.status, 1) << r.err;
  const auto records = parseJsonLines(r.out);
  ASSERT_EQ(records.size(), 7u);
  std::map<std::string, nlohmann::json> errors;
  int images = 0;
  for (const auto& rec : records) {
    if (rec.contains("error"))
      errors[fs::path(rec["path"].get<std::string>()).filename().string()] = rec;
    else
      ++images;
  }
  EXPECT_EQ(images, 4);
  const auto& garbage = errors["d-garbage.jpg"];
  EXPECT_EQ(garbage["error"], "unsupported format");
  // Read but not decodable: still digested, for MD5/SHA lists (values from md5sum/sha256sum).
  EXPECT_EQ(garbage.value("md5", ""), "35c2d49e78e4a3a58c8ad3fd80db51da");
  EXPECT_EQ(garbage.value("sha256", ""),
            "0a32d846feae5f247ea9237353cd273d7af546b9c45fb900ef719e8c360f68c1");
  for (const char* never : {"e-empty.png", "f-fifo"}) EXPECT_FALSE(errors[never].contains("md5"));
  EXPECT_EQ(errors["e-empty.png"]["error"], "empty file");
  EXPECT_EQ(errors["f-fifo"]["error"], "not a regular file");
}

TEST_F(CliHash, ExitStatusTwoForUsageErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {"hash"},
      {"hash", "--format", "bogus", in()},
      {"hash", "--threads", "0", in()},
      {"hash", "--no-such-flag", in()},
      {"hash", "--format", "vpdq", in()},
      {"hash", "--output-dir", "x", in()},
      {"hash", "-0", in()},
      {"hash", "--files-from", (dir_.path() / "missing-list").string()},
  };
  for (const auto& args : bad) {
    const CliResult r = runCli(args, dir_.path());
    EXPECT_EQ(r.status, 2) << args.back() << "\n" << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST_F(CliHash, ExitStatusThreeWhenOutputOrJournalIsNotWritable) {
  const std::string missingDir = (dir_.path() / "no/such/dir").string();
  for (const std::string flag : {"-o", "--journal", "--stats-json"}) {
    const CliResult r = runCli({"hash", "-q", flag, missingDir + "/f", in()}, dir_.path());
    EXPECT_EQ(r.status, 3) << flag << "\n" << r.err;
    EXPECT_NE(r.err.find("fatal"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << flag;  // refused before any work
  }
  // A journal written by another command is a usage error, and is left as it was.
  const std::string journal = (dir_.path() / "j").string();
  ASSERT_EQ(runCli({"hash", "-q", "--journal", journal, in()}, dir_.path()).status, 0);
  const std::string before = readText(journal);
  const CliResult r =
      runCli({"hash", "-q", "--video-fps", "2", "--journal", journal, in()}, dir_.path());
  EXPECT_EQ(r.status, 2) << r.err;
  // The refusal names what differs.
  EXPECT_NE(r.err.find("journal: video_fps=1; this run: video_fps=2"), std::string::npos) << r.err;
  EXPECT_EQ(readText(journal), before);
}

TEST_F(CliHash, HelpDocumentsExitStatusesAndTheMemoryBound) {
  const CliResult r = runCli({"hash", "--help"}, dir_.path());
  EXPECT_EQ(r.status, 0);
  for (const char* s : {"Exit status: 0", "1 some inputs failed", "2 usage error", "3 fatal",
                        "Memory is bounded", "--journal", "--follow-symlinks", "--files-from",
                        "--max-pixels", "--video-fps", "--stats-json", "--device"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

TEST_F(CliHash, OutputFileFormatsAndStats) {
  const fs::path csv = dir_.path() / "out/records.csv";
  fs::create_directories(csv.parent_path());
  const fs::path stats = dir_.path() / "out/stats.json";
  CliResult r = runCli(
      {"hash", "-q", "--format", "csv", "-o", csv.string(), "--stats-json", stats.string(), in()},
      dir_.path());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  const std::string text = readText(csv);
  EXPECT_EQ(text.rfind("path,path_hex,kind,frame,t,width,height,md5,sha1,sha256,pdq,", 0), 0u);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5);
  // The output and the stats file (and the audit record beside -o): the temporaries were
  // renamed, nothing else was written.
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(csv.parent_path())) names.insert(e.path().filename());
  names.erase("records.csv.audit.json");
  EXPECT_EQ(names, (std::set<std::string>{"records.csv", "stats.json"}));
  const auto st = nlohmann::json::parse(readText(stats));
  EXPECT_EQ(st["inputs"], 4);
  EXPECT_EQ(st["images"], 4);
  EXPECT_EQ(st["errors"], 0);
  EXPECT_EQ(st["frames"], 4);
  EXPECT_EQ(st["frames_decoded"], 4);
  for (const char* stage : {"read", "decode", "hash", "write"})
    EXPECT_TRUE(st["stage_seconds"].contains(stage)) << stage;
  EXPECT_GT(st["peak_rss_bytes"].get<uint64_t>(), 0u);

  r = runCli({"hash", "-q", "--format", "pdq", (dir_.path() / "in/a.ppm").string()}, dir_.path());
  ASSERT_EQ(r.status, 0);
  const FrameHash h = cpuHash(images_[1].second);
  EXPECT_EQ(r.out, toHex(h.pdq) + "," + std::to_string(h.pdqQuality) + "," +
                       (dir_.path() / "in/a.ppm").string() + "\n");
}

TEST_F(CliHash, FilesFromStdinNulSeparatedKeepsListOrder) {
  const fs::path odd = dir_.path() / "in/name\nwith newline.ppm";
  writePnm(odd, fakeFrame(50, 40, 9));
  const std::string list = (dir_.path() / "in/c-grey.pgm").string() + '\0' + odd.string() + '\0' +
                           (dir_.path() / "in/a.ppm").string() + '\0';
  writeText(dir_.path() / "list", list);
  const CliResult r = runCli({"hash", "-q", "--files-from", "-", "-0"}, dir_.path(),
                             CliOptions{(dir_.path() / "list").string(), {}});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto records = parseJsonLines(r.out);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["path"], (dir_.path() / "in/c-grey.pgm").string());
  EXPECT_EQ(records[1]["path"], odd.string());
  EXPECT_EQ(records[2]["path"], (dir_.path() / "in/a.ppm").string());
}

TEST_F(CliHash, NothingIsWrittenToTheTempDirectory) {
  // A read-only TMPDIR (root ignores the mode, so emptiness afterwards is the real check).
  const fs::path tmp = dir_.path() / "readonly-tmp";
  fs::create_directories(tmp);
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_exec);
  std::vector<std::string> args = {"hash", "-q", "--threads", "2", in()};
  if (const auto corpus = cliCorpusDir()) {  // a video and JPEG/WebP/PNG files too
    args.push_back((*corpus / "videos/cockatoo__trim-2s-mid.mp4").string());
    args.push_back((*corpus / "images/variants/sk-astronaut").string());
  }
  const CliResult r = runCli(args, dir_.path(), CliOptions{{}, {{"TMPDIR", tmp.string()}}});
  fs::permissions(tmp, fs::perms::owner_all);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_GE(parseJsonLines(r.out).size(), 4u);
  EXPECT_TRUE(fs::is_empty(tmp));
}

TEST_F(CliHash, PeakMemoryDoesNotGrowWithTheBacklog) {
  // 300 inputs vs 30 of the same 1200x900 frame (hard links: no disk cost): the bounded
  // queues and reorder window mean the extra 270 files add no resident memory.
  const fs::path src = dir_.path() / "big.ppm";
  writePnm(src, fakeFrame(1200, 900, 7));
  auto backlog = [&](const std::string& name, int n) {
    const fs::path d = dir_.path() / name;
    for (int i = 0; i < n; ++i) {
      const fs::path p = d / numbered("d", i / 100) / numbered("f", i, ".ppm");
      fs::create_directories(p.parent_path());
      fs::create_hard_link(src, p);
    }
    return d.string();
  };
  const std::string small = backlog("b30", 30), large = backlog("b300", 300);
  const CliResult r30 = runCli({"hash", "-q", "--threads", "2", small}, dir_.path());
  const CliResult r300 = runCli({"hash", "-q", "--threads", "2", large}, dir_.path());
  ASSERT_EQ(r30.status, 0) << r30.err;
  ASSERT_EQ(r300.status, 0) << r300.err;
  EXPECT_EQ(parseJsonLines(r300.out).size(), 300u);
  const double mib30 = double(r30.peakRssBytes) / (1 << 20),
               mib300 = double(r300.peakRssBytes) / (1 << 20);
  std::printf("peak RSS (getrusage of the child): 30 files %.1f MiB, 300 files %.1f MiB\n", mib30,
              mib300);
  EXPECT_LE(mib300, mib30 + 16.0);
}

}  // namespace
}  // namespace hashsieve::test
