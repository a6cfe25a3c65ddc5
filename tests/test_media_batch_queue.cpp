// BatchQueue (host/media/batch_decoder.hpp) with a scripted decoder: each caller gets its own
// file's result, batches gather the callers that wait, never exceed maxBatch, and a decoder
// that throws sends every file of its batch back as Rejected.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "host/media/batch_decoder.hpp"

namespace hashsieve::media {
namespace {

// Decodes a file of one byte b into a 1x1 grey image of value b; the first batch waits until
// the test opens the gate, so that the other callers queue up behind it.
class ScriptedDecoder final : public BatchImageDecoder {
 public:
  std::vector<size_t>* sizes;
  std::mutex* m;
  std::condition_variable* cv;
  bool* gateOpen;
  bool throws = false;

  std::vector<BatchDecoded> decode(std::span<const BatchInput> files) override {
    {
      std::unique_lock lock(*m);
      sizes->push_back(files.size());
      cv->wait(lock, [&] { return *gateOpen; });
    }
    if (throws) throw std::runtime_error("scripted failure");
    std::vector<BatchDecoded> out;
    for (const BatchInput& f : files) {
      BatchDecoded r;
      r.status = BatchDecoded::Status::Ok;
      r.image = Image(1, 1, PixelFormat::Gray8);
      r.image.pixels[0] = f.bytes[0];
      out.push_back(std::move(r));
    }
    return out;
  }
  std::string name() const override { return "scripted"; }
};

struct Harness {
  std::vector<size_t> sizes;
  std::mutex m;
  std::condition_variable cv;
  bool gateOpen = false;
  std::unique_ptr<BatchQueue> queue;

  Harness(size_t maxBatch, size_t workers, bool throws = false) {
    auto d = std::make_unique<ScriptedDecoder>();
    d->sizes = &sizes;
    d->m = &m;
    d->cv = &cv;
    d->gateOpen = &gateOpen;
    d->throws = throws;
    queue = std::make_unique<BatchQueue>(std::move(d), maxBatch, workers);
  }
  void open() {
    std::lock_guard lock(m);
    gateOpen = true;
    cv.notify_all();
  }
  size_t batchesStarted() {
    std::lock_guard lock(m);
    return sizes.size();
  }

  // Caller 0 starts the first batch alone; callers 1..n-1 queue behind it; then the gate opens.
  std::vector<BatchDecoded> run(int n) {
    std::vector<uint8_t> bytes(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(10 + i);
    std::vector<BatchDecoded> results(static_cast<size_t>(n));
    auto call = [&](int i) {
      results[static_cast<size_t>(i)] =
          queue->decode({{&bytes[static_cast<size_t>(i)], 1}, 1 << 20});
    };
    std::vector<std::thread> threads;
    threads.emplace_back(call, 0);
    while (batchesStarted() == 0) std::this_thread::yield();
    for (int i = 1; i < n; ++i) threads.emplace_back(call, i);
    while (queue->pending() < static_cast<size_t>(n - 1)) std::this_thread::yield();
    open();
    for (auto& t : threads) t.join();
    return results;
  }
};

TEST(BatchQueue, WaitingCallersShareOneBatchAndGetTheirOwnResults) {
  Harness h(/*maxBatch=*/16, /*workers=*/8);
  const auto results = h.run(8);
  ASSERT_EQ(results.size(), 8u);
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_EQ(results[i].status, BatchDecoded::Status::Ok) << i;
    EXPECT_EQ(results[i].image.pixels[0], 10 + i) << "caller " << i << " got another's result";
  }
  EXPECT_EQ(h.sizes, (std::vector<size_t>{1, 7}));
  EXPECT_EQ(h.queue->batches(), 2u);
  EXPECT_EQ(h.queue->largestBatch(), 7u);
  EXPECT_EQ(h.queue->pending(), 0u);
}

TEST(BatchQueue, BatchesNeverExceedMaxBatch) {
  Harness h(/*maxBatch=*/3, /*workers=*/8);
  const auto results = h.run(8);
  for (size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i].image.pixels[0], 10 + i);
  // 1 alone, then the 7 queued callers in arrival order, three at a time.
  EXPECT_EQ(h.sizes, (std::vector<size_t>{1, 3, 3, 1}));
}

TEST(BatchQueue, DecoderFailureRejectsTheBatch) {
  Harness h(/*maxBatch=*/8, /*workers=*/4, /*throws=*/true);
  const auto results = h.run(4);
  for (const auto& r : results) {
    EXPECT_EQ(r.status, BatchDecoded::Status::Rejected);
    EXPECT_EQ(r.detail, "scripted failure");
  }
}

TEST(BatchQueue, SingleWorkerDecodesAlone) {
  Harness h(/*maxBatch=*/8, /*workers=*/1);
  h.open();
  const uint8_t b = 42;
  const BatchDecoded r = h.queue->decode({{&b, 1}, 1 << 20});
  EXPECT_EQ(r.image.pixels[0], 42);
  EXPECT_EQ(h.sizes, (std::vector<size_t>{1}));
}

}  // namespace
}  // namespace hashsieve::media
