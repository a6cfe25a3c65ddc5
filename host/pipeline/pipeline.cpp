// Orchestration of the bulk pipeline: threads, bounded hand-offs, abort on fatal errors.
//
// Threads: one reader (walks the inputs, numbers them, fills a bounded work queue), N decode
// workers (each takes the next input in order, waits until it is inside the reorder window,
// decodes it and hands every frame to its HashStage), an optional batcher thread (batched
// mode), a background counter (progress total) and the calling thread as the ordered writer.
#include "host/pipeline/pipeline.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <new>
#include <optional>
#include <span>
#include <thread>

#include "host/archive/archive_sniff.hpp"
#include "host/archive/member_path.hpp"
#include "host/core/errors.hpp"
#include "host/pipeline/bounded_queue.hpp"
#include "host/pipeline/fatal_error.hpp"
#include "host/pipeline/file_job.hpp"
#include "host/pipeline/reorder_buffer.hpp"

namespace hashsieve::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t nsBetween(Clock::time_point a, Clock::time_point b) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

struct Work {
  uint64_t index = 0;
  InputItem item;
  std::shared_ptr<const std::vector<uint8_t>> bytes;  // an archive member's contents
  std::optional<Record> ready;  // made by the reader (an archive's own record, member errors)
};

struct Done {
  Record record;
  bool journal = false;  // decoded in this run: journal it
  bool resumed = false;  // taken from the journal
  JournalKey key;
  uint64_t frames = 0;         // hashed
  uint64_t framesDecoded = 0;  // decoded, sampled or not (0 for resumed records)
  uint64_t bytes = 0;
};

/// Thrown through the decoder from a frame callback to stop a decode when the run aborts.
struct Cancelled {};
/// Wraps a failure of the hash stage so that the worker treats it as fatal, not per-file.
struct StageFailure {
  std::exception_ptr error;
};

/// InputError::what() is "reason: detail"; the record keeps them apart.
std::string detailOf(const InputError& e) {
  std::string what = e.what();
  const std::string prefix = e.reason() + ": ";
  if (what.compare(0, prefix.size(), prefix) == 0) return what.substr(prefix.size());
  return what == e.reason() ? std::string() : what;
}

class Run {
 public:
  Run(const PipelineOptions& o, const RecordSink& sink, LiveCounters& live)
      : opts_(o),
        sink_(sink),
        live_(live),
        work_(static_cast<size_t>(std::max(1, o.threads)) * 2),
        reorder_(o.reorderWindow ? o.reorderWindow
                                 : 4 * static_cast<uint64_t>(std::max(1, o.threads)) + 16) {}

  RunStats execute() {
    if (!opts_.decode || !opts_.makeHasher)
      throw std::invalid_argument("runPipeline: decode and makeHasher are required");
    if (opts_.archives.mode != archive::ArchiveMode::None && !opts_.decodeMemory)
      throw std::invalid_argument("runPipeline: archives need decodeMemory");
    const int threads = std::max(1, opts_.threads);
    const auto start = Clock::now();
    std::string backendName;

    // Hashers are made up front so that an unavailable backend fails before any work starts.
    std::vector<std::unique_ptr<HashStage>> stages;
    if (opts_.batched) {
      auto hasher = opts_.makeHasher();
      backendName = hasher->name();
      batcher_ = std::make_unique<FrameBatcher>(std::move(hasher), opts_.request, opts_.batcher,
                                                [this](std::exception_ptr e) { fail(e); });
      for (int i = 0; i < threads; ++i)
        stages.push_back(std::make_unique<BatchedHashStage>(*batcher_));
    } else {
      for (int i = 0; i < threads; ++i) {
        auto hasher = opts_.makeHasher();
        backendName = hasher->name();
        stages.push_back(std::make_unique<InlineHashStage>(std::move(hasher), opts_.request));
      }
    }

    std::thread counter, reader;
    std::vector<std::thread> workers;
    if (opts_.backgroundCount)
      counter = std::thread([this] { guarded([this] { countInputs(); }); });
    reader = std::thread([this] { guarded([this] { readInputs(); }); });
    for (int i = 0; i < threads; ++i)
      workers.emplace_back(
          [this, stage = stages[i].get()] { guarded([&] { workerLoop(*stage); }); });

    guarded([this] { writeRecords(); });

    // Normal end: every record written, so every queue is empty. Abort: fail() closed them.
    work_.close(true);
    reader.join();
    for (auto& w : workers) w.join();
    if (batcher_) batcher_->finish();
    stopCount_ = true;
    if (counter.joinable()) counter.join();
    {
      std::lock_guard lock(failMutex_);
      if (failure_) std::rethrow_exception(failure_);
    }

    stats_.wallSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    stats_.readSeconds = double(live_.readNs.load()) * 1e-9;
    stats_.decodeSeconds = double(live_.decodeNs.load()) * 1e-9;
    stats_.hashSeconds = batcher_ ? batcher_->hashSeconds() : double(live_.hashNs.load()) * 1e-9;
    stats_.writeSeconds = double(live_.writeNs.load()) * 1e-9;
    stats_.threads = threads;
    stats_.backend = backendName;
    stats_.batched = opts_.batched;
    if (batcher_) {
      stats_.batches = batcher_->batches();
      stats_.peakQueuedFrameBytes = batcher_->peakQueuedBytes();
      stats_.framesCopied = batcher_->framesCopied();
    }
    if (opts_.journal) {
      stats_.journalEntriesLoaded = opts_.journal->entriesLoaded();
      stats_.journalBytesDiscarded = opts_.journal->bytesDiscarded();
    }
    stats_.peakRssBytes = peakRssBytes();
    return stats_;
  }

 private:
  template <typename F>
  void guarded(F&& f) {
    try {
      f();
    } catch (...) {
      fail(std::current_exception());
    }
  }

  void fail(std::exception_ptr e) {
    {
      std::lock_guard lock(failMutex_);
      if (!failure_) failure_ = e;
    }
    stop_ = true;
    work_.close(true);
    reorder_.abort();
  }

  void countInputs() {
    uint64_t n = 0;
    const bool complete = walkKeyed(
        opts_.roots, opts_.walk,
        [&](InputItem&&, uint64_t, std::string_view key) {
          if (stop_ || stopCount_) return false;
          if (!owned(key)) return true;
          std::lock_guard lock(countMutex_);
          if (live_.countDone) return false;
          live_.counted = ++n;
          return true;
        },
        partialWalk());
    // The reader's own count, when it ends, is authoritative (the tree may change meanwhile).
    std::lock_guard lock(countMutex_);
    if (complete) live_.countDone = true;
  }

  bool owned(std::string_view key) const {
    return !opts_.shard || (opts_.partial && opts_.partial->planned) ||
           shardOf(key, opts_.shard->count) == opts_.shard->index;
  }

  const PartialWalk* partialWalk() const { return opts_.partial ? &*opts_.partial : nullptr; }

  void readInputs() {
    uint64_t n = 0;
    uint64_t blockedNs = 0;
    const auto t0 = Clock::now();
    uint64_t walked = 0;
    uint64_t ordinal = 0;  // of the walked input the next Work comes from
    std::vector<uint64_t> ordinals;
    // Every record of one walked input (an archive's members and the archive) shares its ordinal.
    const auto push = [&](Work&& w) {
      const auto p0 = Clock::now();
      w.index = n++;
      if (opts_.shard) ordinals.push_back(ordinal);
      const bool ok = work_.push(std::move(w));
      blockedNs += nsBetween(p0, Clock::now());
      return ok;
    };
    walkKeyed(
        opts_.roots, opts_.walk,
        [&](InputItem&& item, uint64_t walkOrdinal, std::string_view key) {
          if (stop_) return false;
          if (!owned(key)) return true;
          ordinal = walkOrdinal;
          if (opts_.archives.mode != archive::ArchiveMode::None) {
            if (item.ok && archive::fileLooksLikeArchive(item.path)) return expand(item, {}, push);
            if (auto member = namedMember(item)) return expand(member->first, member->second, push);
          }
          return push(Work{0, std::move(item), nullptr, std::nullopt});
        },
        partialWalk(), &walked);
    live_.readNs += nsBetween(t0, Clock::now()) - blockedNs;
    {
      std::lock_guard lock(countMutex_);
      live_.counted = n;
      live_.countDone = true;
    }
    stats_.inputs = n;  // read by the writer only after setTotal below
    if (opts_.shard) {
      stats_.walked = walked;
      stats_.ordinals = std::move(ordinals);
    }
    reorder_.setTotal(n);
    work_.close();
  }

  /// A root "outer.zip!/dir/m.jpg" that is not itself a file: the archive and member names.
  static std::optional<std::pair<InputItem, std::vector<std::string>>> namedMember(
      const InputItem& item) {
    if (item.ok || item.error != "not found") return std::nullopt;
    std::vector<std::string> parts = archive::splitMemberPath(item.path);
    if (parts.size() < 2) return std::nullopt;
    struct stat st {};
    if (::stat(parts[0].c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    InputItem outer;
    outer.path = parts[0];
    outer.ok = true;
    outer.size = static_cast<int64_t>(st.st_size);
    outer.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    parts.erase(parts.begin());
    return std::make_pair(std::move(outer), std::move(parts));
  }

  /// Streams an archive's items into the work queue in archive order (bounded: the reader
  /// blocks on a full queue while it holds one member). Members are journalled under their
  /// own path and size with the archive file's mtime.
  template <typename Push>
  bool expand(const InputItem& outer, std::span<const std::string> only, const Push& push) {
    return archive::expandArchiveFile(
        outer.path, opts_.archives,
        [&](archive::ArchiveItem&& a) {
          if (stop_) return false;
          Work w;
          w.item.path = a.path;
          if (a.kind == archive::ArchiveItem::Kind::Member) {
            w.item.ok = true;
            w.item.size = static_cast<int64_t>(a.bytes->size());
            w.item.mtimeNs = outer.mtimeNs;
            w.bytes = std::move(a.bytes);
          } else {
            Record r = a.kind == archive::ArchiveItem::Kind::Error
                           ? errorRecord(a.path, a.error, a.detail)
                           : Record{};
            if (a.kind == archive::ArchiveItem::Kind::Archive) {
              r.path = a.path;
              r.kind = RecordKind::Archive;
              r.archiveFormat = a.format;
              r.archiveMembers = a.members;
            }
            r.digests = std::move(a.digests);
            r.archiveMember = a.member;
            w.ready = std::move(r);
          }
          return push(std::move(w));
        },
        only);
  }

  void workerLoop(HashStage& stage) {
    // The stage says where this worker's decoder writes frames (the GPU feed's staging memory).
    media::Options media = opts_.media;
    media.frameAllocator = stage.frameAllocator();
    while (auto w = work_.pop()) {
      if (!reorder_.waitForSlot(w->index)) return;
      process(std::move(*w), stage, media);
    }
  }

  void process(Work&& w, HashStage& stage, const media::Options& media) {
    if (w.ready) {
      Done d;
      d.record = std::move(*w.ready);
      reorder_.put(w.index, std::move(d));
      return;
    }
    if (!w.item.ok) {
      Done d;
      d.record = errorRecord(w.item.path, w.item.error, w.item.detail);
      reorder_.put(w.index, std::move(d));
      return;
    }
    JournalKey key{w.item.path, w.item.size, w.item.mtimeNs};
    if (opts_.journal) {
      const auto t0 = Clock::now();
      std::optional<Record> resumed;
      if (auto json = opts_.journal->lookup(key)) {
        try {
          resumed = recordFromJson(nlohmann::ordered_json::parse(*json));
        } catch (const std::exception&) {
          // An entry we cannot read back is redone rather than trusted.
        }
      }
      live_.readNs += nsBetween(t0, Clock::now());
      if (resumed) {
        live_.resumed++;
        Done d;
        d.record = std::move(*resumed);
        d.resumed = true;
        d.bytes = static_cast<uint64_t>(w.item.size);
        // An image record lists its frames only when it has more than one.
        d.frames = d.record.kind == RecordKind::Image
                       ? std::max<uint64_t>(1, d.record.frames.size())
                       : d.record.frames.size();
        reorder_.put(w.index, std::move(d));
        return;
      }
    }
    decode(w, std::move(key), stage, media);
  }

  void decode(Work& w, JournalKey key, HashStage& stage, const media::Options& media) {
    auto job =
        std::make_shared<FileJob>(w.index, w.item, opts_.request.dihedral, w.bytes != nullptr);
    const int64_t size = w.item.size;
    uint64_t submitNs = 0;
    const auto t0 = Clock::now();
    auto onFrame = [&](const ImageView& view, const media::FrameInfo& info) {
      if (stop_) throw Cancelled{};
      const size_t slot = job->addFrame(info, view.width, view.height);
      const auto s0 = Clock::now();
      try {
        stage.submit(view, [this, job, slot, key, size](const FrameHash& h) {
          if (job->setHash(slot, h)) complete(*job, key, size);
        });
      } catch (...) {
        throw StageFailure{std::current_exception()};
      }
      submitNs += nsBetween(s0, Clock::now());
    };
    bool last = false;
    try {
      const media::MediaInfo info =
          w.bytes ? opts_.decodeMemory(*w.bytes, media, onFrame)
                  : opts_.decode(std::filesystem::path(w.item.path), media, onFrame);
      last = job->decodeFinished(info);
    } catch (const media::UndecodableFile& e) {
      last = job->decodeFailed(e.reason(), detailOf(e), e.digests);
    } catch (const InputError& e) {
      last = job->decodeFailed(e.reason(), detailOf(e));
    } catch (const StageFailure& f) {
      std::rethrow_exception(f.error);
    } catch (const Cancelled&) {
      return;
    } catch (const std::bad_alloc&) {
      last = job->decodeFailed("out of memory", "allocation failed while decoding");
    } catch (const std::exception& e) {
      last = job->decodeFailed("decode failed", e.what());
    }
    const uint64_t wallNs = nsBetween(t0, Clock::now());
    live_.decodeNs += wallNs > submitNs ? wallNs - submitNs : 0;
    if (!opts_.batched) live_.hashNs += submitNs;
    if (last) complete(*job, key, size);
  }

  void complete(const FileJob& job, const JournalKey& key, int64_t size) {
    Done d;
    d.record = job.record();
    d.journal = true;
    d.key = key;
    d.frames = job.frameCount();
    d.framesDecoded = static_cast<uint64_t>(std::max<int64_t>(0, job.framesDecoded()));
    d.bytes = static_cast<uint64_t>(std::max<int64_t>(0, size));
    live_.frames += d.frames;
    reorder_.put(job.index(), std::move(d));
  }

  void writeRecords() {
    try {
      writeLoop();
    } catch (...) {
      commitJournal(true);
      throw;
    }
    commitJournal(stop_);
  }

  void writeLoop() {
    auto lastCommit = Clock::now();
    while (auto d = reorder_.takeNext()) {
      const auto t0 = Clock::now();
      sink_(d->record);
      if (opts_.journal && d->journal) {
        std::string json = toJsonLine(d->record);
        json.pop_back();  // the journal frames its own lines
        opts_.journal->append(d->key, json);
        const auto now = Clock::now();
        if (opts_.journal->pendingEntries() >= opts_.journalBatch ||
            std::chrono::duration<double>(now - lastCommit).count() >= opts_.journalMaxSeconds) {
          opts_.journal->commit();
          lastCommit = now;
        }
      }
      tally(*d);
      live_.writeNs += nsBetween(t0, Clock::now());
    }
  }

  /// The last commit, also after a fatal error: the records appended so far are finished work.
  /// `failing`: the run already has an error to report, so a failure here is not rethrown.
  void commitJournal(bool failing) {
    if (!opts_.journal) return;
    const auto t0 = Clock::now();
    try {
      opts_.journal->commit();
    } catch (...) {
      if (!failing) throw;
    }
    live_.writeNs += nsBetween(t0, Clock::now());
  }

  void tally(const Done& d) {
    switch (d.record.kind) {
      case RecordKind::Image:
        ++stats_.images;
        break;
      case RecordKind::Video:
        ++stats_.videos;
        break;
      case RecordKind::Archive:
        ++stats_.archives;
        break;
      case RecordKind::Error:
        ++stats_.errors;
        ++stats_.errorsByReason[d.record.error];
        live_.errors++;
        break;
    }
    if (d.resumed) {
      ++stats_.resumed;
      stats_.resumedFrames += d.frames;
      stats_.resumedBytes += d.bytes;
    }
    stats_.frames += d.frames;
    stats_.framesDecoded += d.framesDecoded;
    stats_.bytes += d.bytes;
    live_.bytes += d.bytes;
    live_.done++;
  }

  const PipelineOptions& opts_;
  const RecordSink& sink_;
  LiveCounters& live_;
  BoundedQueue<Work> work_;
  ReorderBuffer<Done> reorder_;
  std::unique_ptr<FrameBatcher> batcher_;
  std::atomic<bool> stop_{false}, stopCount_{false};
  std::mutex failMutex_, countMutex_;
  std::exception_ptr failure_;
  RunStats stats_;
};

}  // namespace

Record errorRecord(const std::string& path, const std::string& reason, const std::string& detail) {
  Record r;
  r.path = path;
  r.kind = RecordKind::Error;
  r.error = reason;
  r.detail = detail;
  return r;
}

RunStats runPipeline(const PipelineOptions& opts, const RecordSink& sink, LiveCounters& live) {
  return Run(opts, sink, live).execute();
}

}  // namespace hashsieve::pipeline
