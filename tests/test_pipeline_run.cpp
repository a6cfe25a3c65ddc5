// The pipeline end to end on a fake decoder: records in input order and byte-identical for any
// thread count and for inline vs batched hashing; bounded in-flight work; fatal errors stop
// the run cleanly; the journal skips finished files and reproduces the same output.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <mutex>
#include <set>

#include "host/core/errors.hpp"
#include "host/pipeline/bounded_queue.hpp"
#include "host/pipeline/fatal_error.hpp"
#include "host/pipeline/pipeline.hpp"
#include "host/pipeline/reorder_buffer.hpp"
#include "tests/feed/host_feed_ops.hpp"
#include "tests/test_pipeline_support.hpp"

namespace hashsieve::pipeline {
namespace {

using test::ScratchDir;
using test::writeText;

/// A tree of fake media with delays that make later files finish first.
void makeTree(const std::filesystem::path& root, int files, uint32_t seed) {
  std::mt19937 rng(seed);
  for (int i = 0; i < files; ++i) {
    const std::string name = "d" + std::to_string(i % 4) + "/f" + std::to_string(1000 + i);
    const int delay = int(rng() % 6);
    std::string text;
    switch (i % 7) {
      case 3:
        text = "video " + std::to_string(1 + rng() % 5) + " 4 " + std::to_string(40 + rng() % 30) +
               " 36 " + std::to_string(i) + " " + std::to_string(delay);
        break;
      case 5:
        text = "error truncated";
        break;
      case 6:
        text = "not media";
        break;
      default:
        text = "image " + std::to_string(16 + rng() % 90) + " " + std::to_string(8 + rng() % 90) +
               " " + std::to_string(i) + " " + std::to_string(delay);
    }
    writeText(root / name, text);
  }
}

struct RunResult {
  std::string output;
  RunStats stats;
  std::vector<Record> records;
};

PipelineOptions baseOptions(const std::filesystem::path& root, int threads) {
  PipelineOptions o;
  o.roots = {root.string()};
  o.threads = threads;
  o.decode = test::fakeDecode;
  o.makeHasher = [] { return makeCpuHasher(); };
  return o;
}

RunResult run(const PipelineOptions& o) {
  RunResult r;
  LiveCounters live;
  r.stats = runPipeline(
      o,
      [&](const Record& rec) {
        r.output += toJsonLine(rec);
        r.records.push_back(rec);
      },
      live);
  EXPECT_EQ(live.done.load(), r.records.size());
  return r;
}

TEST(BoundedQueue, BlocksWhenFullAndDrainsAfterClose) {
  BoundedQueue<int> q(2);
  EXPECT_TRUE(q.push(1));
  EXPECT_TRUE(q.push(2));
  std::atomic<bool> thirdIn{false};
  std::thread producer([&] {
    q.push(3);
    thirdIn = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(thirdIn.load());  // full: the producer waits
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.pop(), 1);
  producer.join();
  EXPECT_TRUE(thirdIn.load());
  q.close();
  EXPECT_FALSE(q.push(4));
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.pop(), 3);
  EXPECT_EQ(q.pop(), std::nullopt);
}

TEST(ReorderBuffer, ReleasesInOrderWithinTheWindow) {
  ReorderBuffer<int> rb(3);
  EXPECT_TRUE(rb.waitForSlot(2));
  rb.put(2, 20);
  rb.put(1, 10);
  std::atomic<bool> slot3{false};
  std::thread t([&] {
    rb.waitForSlot(3);  // outside the window until index 0 is taken
    slot3 = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(slot3.load());
  rb.put(0, 0);
  EXPECT_EQ(rb.takeNext(), 0);
  t.join();
  EXPECT_TRUE(slot3.load());
  EXPECT_EQ(rb.takeNext(), 10);
  EXPECT_EQ(rb.takeNext(), 20);
  rb.setTotal(3);
  EXPECT_EQ(rb.takeNext(), std::nullopt);
}

TEST(Pipeline, RecordsMatchTheirInputsByConstruction) {
  ScratchDir dir("pipe-records");
  makeTree(dir.path(), 28, 1);
  ASSERT_EQ(::mkfifo((dir / "d0/fifo").c_str(), 0644), 0);
  const RunResult r = run(baseOptions(dir.path(), 2));
  ASSERT_EQ(r.records.size(), 29u);
  EXPECT_EQ(r.stats.inputs, 29u);
  auto hasher = makeCpuHasher();
  int images = 0, videos = 0, errors = 0;
  for (const Record& rec : r.records) {
    if (rec.path.ends_with("fifo")) {
      EXPECT_EQ(rec.error, "not a regular file");  // never handed to the decoder (it would hang)
      ++errors;
      continue;
    }
    const std::string text = test::readText(rec.path);
    std::istringstream in(text);
    std::string kind;
    in >> kind;
    if (kind == "image") {
      ++images;
      int w, h;
      uint32_t seed;
      in >> w >> h >> seed;
      const Image img = test::fakeFrame(w, h, seed);
      const ImageView v = img.view();
      FrameHash want;
      hasher->hash({&v, 1}, HashRequest{}, {&want, 1});
      ASSERT_EQ(rec.kind, RecordKind::Image) << rec.path;
      EXPECT_EQ(rec.width, w);
      EXPECT_EQ(rec.height, h);
      EXPECT_EQ(rec.pdq, want.pdq);
      EXPECT_EQ(rec.pdqQuality, want.pdqQuality);
      EXPECT_EQ(rec.phash, want.phash);
      EXPECT_EQ(rec.digests.sha256,
                digestBytes({reinterpret_cast<const uint8_t*>(text.data()), text.size()}).sha256);
      EXPECT_TRUE(rec.frames.empty());
    } else if (kind == "video") {
      ++videos;
      int n, w, h;
      double fps;
      uint32_t seed;
      in >> n >> fps >> w >> h >> seed;
      ASSERT_EQ(rec.kind, RecordKind::Video) << rec.path;
      ASSERT_EQ(rec.frames.size(), size_t(n));
      EXPECT_DOUBLE_EQ(rec.fps, fps);
      EXPECT_DOUBLE_EQ(rec.duration, n / fps);
      for (int i = 0; i < n; ++i) {
        const Image img = test::fakeFrame(w, h, seed + uint32_t(i));
        const ImageView v = img.view();
        FrameHash want;
        hasher->hash({&v, 1}, HashRequest{}, {&want, 1});
        EXPECT_EQ(rec.frames[i].index, i);
        EXPECT_DOUBLE_EQ(rec.frames[i].t, i / fps);
        EXPECT_EQ(rec.frames[i].pdq, want.pdq);
        EXPECT_EQ(rec.frames[i].quality, want.pdqQuality);
      }
    } else {
      ++errors;
      ASSERT_EQ(rec.kind, RecordKind::Error) << rec.path;
      EXPECT_EQ(rec.error, kind == "error" ? "truncated" : "unsupported format");
    }
  }
  EXPECT_EQ(r.stats.framesDecoded, r.stats.frames);  // the fake decoder samples every frame
  EXPECT_EQ(r.stats.images, size_t(images));
  EXPECT_EQ(r.stats.videos, size_t(videos));
  EXPECT_EQ(r.stats.errors, size_t(errors));
  EXPECT_GT(images, 0);
  EXPECT_GT(videos, 0);
}

TEST(Pipeline, ByteIdenticalForAnyThreadCountInlineOrBatched) {
  ScratchDir dir("pipe-determinism");
  makeTree(dir.path(), 60, 2);
  PipelineOptions o = baseOptions(dir.path(), 1);
  o.request.dihedral = true;
  const std::string reference = run(o).output;
  ASSERT_FALSE(reference.empty());
  for (int threads : {2, 4, 8}) {
    o.threads = threads;
    EXPECT_EQ(run(o).output, reference) << threads << " threads";
  }
  o.batched = true;
  o.batcher.batchFrames = 5;
  o.batcher.maxQueuedBytes = 64 * 1024;
  o.batcher.flushAfter = std::chrono::milliseconds(2);
  for (int threads : {1, 3}) {
    o.threads = threads;
    const RunResult r = run(o);
    EXPECT_EQ(r.output, reference) << threads << " threads, batched";
    EXPECT_TRUE(r.stats.batched);
    EXPECT_GT(r.stats.batches, 0u);
    // Frames here are at most 120x100 RGB (36 KB): the queue stays inside its 64 KiB bound.
    EXPECT_LE(r.stats.peakQueuedFrameBytes, o.batcher.maxQueuedBytes);
    EXPECT_EQ(r.stats.framesCopied, r.stats.frames);  // no staging memory: every frame copied
  }
}

// A FeedHasher (CPU hashers behind the feed scheduler, posing as a device) in the batched
// stage: the same bytes as inline CPU hashing, every frame decoded into the hasher's pool (the
// fake decoder writes where the worker's FrameAllocator says) and queued with no copy.
TEST(Pipeline, FeedHasherOutputIsByteIdenticalToInlineCpu) {
  ScratchDir dir("pipe-feed");
  makeTree(dir.path(), 60, 3);
  PipelineOptions o = baseOptions(dir.path(), 1);
  o.request.dihedral = true;
  const std::string reference = run(o).output;
  ASSERT_FALSE(reference.empty());
  o.batched = true;
  o.batcher.maxQueuedBytes = 256 * 1024;
  o.batcher.flushAfter = std::chrono::milliseconds(2);
  for (int threads : {1, 3}) {
    o.threads = threads;
    std::atomic<size_t> unstaged{0};
    o.makeHasher = [&unstaged] {
      return std::unique_ptr<Hasher>(
          std::make_unique<test::HostFeedHasher>("feed", 3, 4, &unstaged));
    };
    const RunResult r = run(o);
    EXPECT_EQ(r.output, reference) << threads << " threads, feed";
    EXPECT_EQ(unstaged.load(), 0u);
    EXPECT_GT(r.stats.frames, 0u);
    EXPECT_EQ(r.stats.framesCopied, 0u);
    EXPECT_GT(r.stats.batches, 0u);
    EXPECT_LE(r.stats.peakQueuedFrameBytes, o.batcher.maxQueuedBytes);
  }
}

TEST(Pipeline, InFlightFilesStayInsideTheWindow) {
  ScratchDir dir("pipe-window");
  for (int i = 0; i < 120; ++i)  // the first file is slow, so everything else piles up behind it
    writeText(dir.path() / test::numbered("f", 1000 + i),
              "image 32 32 " + std::to_string(i) + (i == 0 ? " 300" : " 0"));
  PipelineOptions o = baseOptions(dir.path(), 4);
  o.reorderWindow = 8;
  std::atomic<int64_t> started{0}, written{0}, worst{0};
  o.decode = [&](const std::filesystem::path& p, const media::Options& mo,
                 const media::FrameCallback& cb) {
    const int64_t ahead = ++started - written.load();
    int64_t w = worst.load();
    while (ahead > w && !worst.compare_exchange_weak(w, ahead)) {
    }
    return test::fakeDecode(p, mo, cb);
  };
  LiveCounters live;
  runPipeline(
      o, [&](const Record&) { ++written; }, live);
  EXPECT_EQ(written.load(), 120);
  // A decode starts only for index < next-to-write + window; `written` counts after the sink,
  // so the record being written right now is the +1.
  EXPECT_LE(worst.load(), int64_t(o.reorderWindow) + 1);
  EXPECT_GE(worst.load(), 4);  // and the window was actually used
}

TEST(Pipeline, FatalSinkErrorStopsTheRunAndIsRethrown) {
  ScratchDir dir("pipe-fatal");
  makeTree(dir.path(), 80, 3);
  for (bool batched : {false, true}) {
    PipelineOptions o = baseOptions(dir.path(), 3);
    o.batched = batched;
    int seen = 0;
    LiveCounters live;
    EXPECT_THROW(runPipeline(
                     o,
                     [&](const Record&) {
                       if (++seen == 10) throw FatalError("disk full");
                     },
                     live),
                 FatalError);
    EXPECT_EQ(seen, 10);
  }
}

class ThrowingHasher final : public Hasher {
 public:
  std::string name() const override { return "throwing"; }
  void hash(std::span<const ImageView>, const HashRequest&, std::span<FrameHash>) override {
    throw std::runtime_error("device lost");
  }
};

TEST(Pipeline, HasherFailureIsFatalNotAPerFileError) {
  ScratchDir dir("pipe-hasher-fail");
  makeTree(dir.path(), 30, 4);
  for (bool batched : {false, true}) {
    PipelineOptions o = baseOptions(dir.path(), 2);
    o.batched = batched;
    o.makeHasher = [] { return std::make_unique<ThrowingHasher>(); };
    LiveCounters live;
    EXPECT_THROW(runPipeline(
                     o, [](const Record&) {}, live),
                 std::runtime_error)
        << (batched ? "batched" : "inline");
  }
}

TEST(Pipeline, JournalSkipsFinishedFilesAndReproducesTheOutput) {
  ScratchDir dir("pipe-journal");
  makeTree(dir.path() / "in", 50, 5);
  PipelineOptions o = baseOptions(dir.path() / "in", 2);
  const std::string reference = run(o).output;

  const std::string journalPath = dir / "journal";
  std::atomic<int> decoded{0};
  o.decode = [&](const std::filesystem::path& p, const media::Options& mo,
                 const media::FrameCallback& cb) {
    ++decoded;
    return test::fakeDecode(p, mo, cb);
  };
  o.journalBatch = 4;
  {
    // First run dies (fatally) after 23 records.
    Journal journal(journalPath, "fake");
    o.journal = &journal;
    int seen = 0;
    LiveCounters live;
    EXPECT_THROW(runPipeline(
                     o,
                     [&](const Record&) {
                       if (++seen == 23) throw FatalError("killed");
                     },
                     live),
                 FatalError);
  }
  {
    Journal journal(journalPath, "fake");
    const size_t loaded = journal.entriesLoaded();
    // The 22 records written before the failure were all committed, the last two by the
    // final commit that runs even when the run fails.
    EXPECT_EQ(loaded, 22u);
    o.journal = &journal;
    decoded = 0;
    const RunResult resumed = run(o);
    EXPECT_EQ(resumed.output, reference);
    EXPECT_EQ(resumed.stats.resumed, loaded);
    EXPECT_EQ(size_t(decoded.load()), 50u - loaded);
  }

  // A third run decodes nothing at all.
  Journal complete(journalPath, "fake");
  EXPECT_EQ(complete.entriesLoaded(), 50u);
  o.journal = &complete;
  decoded = 0;
  EXPECT_EQ(run(o).output, reference);
  EXPECT_EQ(decoded.load(), 0);
}

TEST(Pipeline, ChangedFileIsRedone) {
  ScratchDir dir("pipe-journal-changed");
  writeText(dir.path() / "in/a", "image 20 20 1");
  writeText(dir.path() / "in/b", "image 20 20 2");
  PipelineOptions o = baseOptions(dir.path() / "in", 1);
  {
    Journal j(dir / "journal", "fake");
    o.journal = &j;
    run(o);
  }
  writeText(dir.path() / "in/b", "image 20 20 3 ");  // new content, new size
  Journal j(dir / "journal", "fake");
  o.journal = &j;
  const RunResult r = run(o);
  EXPECT_EQ(r.stats.resumed, 1u);
  o.journal = nullptr;
  EXPECT_EQ(r.output, run(o).output);
}

}  // namespace
}  // namespace hashsieve::pipeline
