// `hashsieve hash --decoder gpu|auto|cpu` end to end on corpus files (nvImageCodec on its CPU
// backends here): same files, order and errors as the default path, records identical but for
// the decoder; each image record names the backend that decoded it and the audit the decoder;
// the journal refuses a resume with another decoder; `info` reports it.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "host/media/batch_decoder.hpp"
#include "tests/test_cli_support.hpp"
#include "tests/test_media_files.hpp"

namespace hashsieve::test {
namespace {

class CliDecoder : public ::testing::Test {
 protected:
  void SetUp() override {
    if (media::nvimgcodecStatus().rfind("unavailable", 0) == 0)
      GTEST_SKIP() << "nvImageCodec " << media::nvimgcodecStatus();
    auto corpus = corpusDir();
    if (!corpus) GTEST_SKIP() << "corpus absent (set HASHSIEVE_CORPUS or build corpus-small)";
    // Two files of each still format, and a JPEG cut short.
    std::map<std::string, int> taken;
    for (const auto& e : fs::recursive_directory_iterator(*corpus / "images")) {
      const std::string ext = e.path().extension().string();
      if (!e.is_regular_file() || taken[ext] >= 2) continue;
      fs::copy_file(e.path(), in_ / numbered("f", static_cast<int>(count_++), ext.c_str()));
      ++taken[ext];
      if (ext == ".jpg" && taken[ext] == 1) {
        const Bytes b = readBytes(e.path());
        writeBytes(in_ / "truncated.jpg", Bytes(b.begin(), b.begin() + b.size() / 2));
      }
    }
  }
  CliResult hash(std::vector<std::string> extra) {
    std::vector<std::string> args = {"hash", "-q", "--threads", "2", in_.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return runCli(args, dir_.path());
  }

  TempDir dir_;
  fs::path in_ = [this] {
    fs::create_directory(dir_ / "in");
    return dir_ / "in";
  }();
  size_t count_ = 0;
};

TEST_F(CliDecoder, RecordsNameTheDecoderAndMatchTheDefaultRun) {
  const CliResult cpu = hash({});
  const CliResult gpu = hash({"--decoder", "gpu", "--audit", (dir_ / "audit.json").string()});
  EXPECT_EQ(cpu.status, 1) << cpu.err;  // the truncated JPEG
  EXPECT_EQ(gpu.status, cpu.status) << gpu.err;
  const auto a = parseJsonLines(cpu.out), b = parseJsonLines(gpu.out);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_GT(a.size(), 6u);
  std::map<std::string, int> decoders;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]["path"], b[i]["path"]);
    EXPECT_FALSE(a[i].contains("decoder")) << a[i];
    if (a[i].contains("error")) {
      EXPECT_EQ(a[i], b[i]) << "errors differ";
      continue;
    }
    const std::string d = b[i].value("decoder", "");
    const std::string ext = fs::path(b[i]["path"].get<std::string>()).extension().string();
    ++decoders[ext + " " + d];
    if (ext == ".gif" || ext == ".webp" || ext == ".bmp") EXPECT_EQ(d, "cpu") << b[i];
    for (const char* k : {"kind", "width", "height", "sha256", "orientation"})
      EXPECT_EQ(a[i][k], b[i][k]) << k << " " << b[i]["path"];
    // Here nvImageCodec decodes on its CPU backend, bit-exact with the CPU decoders: the
    // records, hashes included, are the default run's but for the decoder's name.
    auto same = b[i];
    same.erase("decoder");
    EXPECT_EQ(a[i], same) << "record differs beyond its decoder";
  }
  EXPECT_GT(decoders[".jpg nvimgcodec-cpu"], 0);
  EXPECT_GT(decoders[".png nvimgcodec-cpu"], 0);
  const auto audit = nlohmann::json::parse(readText(dir_ / "audit.json"));
  EXPECT_EQ(audit["settings"]["decoder"], "nvimgcodec-cpu") << audit.dump();
}

TEST_F(CliDecoder, AutoIsCpuWithoutTheCudaBackend) {
  const CliResult r = hash({"--decoder", "auto", "--device", "cpu"});
  for (const auto& rec : parseJsonLines(r.out)) EXPECT_FALSE(rec.contains("decoder")) << rec;
}

TEST_F(CliDecoder, JournalRefusesAnotherDecoderAndResumesTheSame) {
  const std::string journal = (dir_ / "j").string();
  const CliResult first = hash({"--decoder", "gpu", "--journal", journal});
  const CliResult other = hash({"--journal", journal});
  EXPECT_EQ(other.status, 2) << other.err;
  EXPECT_NE(other.err.find("decoder=gpu"), std::string::npos) << other.err;
  const CliResult again = hash({"--decoder", "gpu", "--journal", journal});
  EXPECT_EQ(again.out, first.out);
}

TEST(CliDecoderInfo, InfoReportsTheImageDecoders) {
  TempDir dir;
  const CliResult r = runCli({"info"}, dir.path());
  EXPECT_NE(r.out.find("image decoders: cpu"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nvimgcodec " + media::nvimgcodecStatus()), std::string::npos) << r.out;
}

}  // namespace
}  // namespace hashsieve::test
