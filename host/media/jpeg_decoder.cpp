// JPEG through libjpeg-turbo rather than FFmpeg's mjpeg decoder: Meta's references decode with
// libjpeg (Pillow, ImageMagick), and FFmpeg's IDCT and chroma upsampling differ from it on
// every photo we measured (up to 65 levels per channel), which moves PDQ bits.
// Settings are libjpeg's defaults, as Pillow uses them: islow IDCT, fancy upsampling.
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include <jerror.h>
#include <jpeglib.h>
}

#include "host/core/errors.hpp"
#include "host/media/decoders.hpp"
#include "host/media/exif.hpp"
#include "host/media/orientation.hpp"
#include "host/media/pillow_pixels.hpp"

namespace hashsieve::media::detail {
namespace {

constexpr size_t kSourceBufferBytes = 64 * 1024;
constexpr int kRowsPerDeadlineCheck = 64;
constexpr JDIMENSION kRowsPerCall = 16;
// Frame buffers up to this size stay with the worker thread for the next file (48 MiB: 16 MP
// RGB); larger frames are allocated per file, so an occasional huge one is not kept.
constexpr size_t kMaxKeptPixelBytes = size_t{48} << 20;
constexpr int kMaxDimension = JPEG_MAX_DIMENSION;
// Progressive JPEGs have about 10 scans; thousands of tiny scans each redo work over the whole
// image (a known CPU bomb). libjpeg-turbo suggests 500 for its own scan limit.
constexpr int kMaxScans = 1000;

// libjpeg reports errors by calling error_exit, which must not return: we longjmp back to the
// setjmp in a frame that holds only trivially destructible objects (C++ objects live outside).
struct ErrorState {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  const char* reason = "corrupt";
  int code = 0;  // libjpeg's message code of a fatal error
  char message[JMSG_LENGTH_MAX] = {};
};

struct SourceState {
  jpeg_source_mgr pub;
  InputFile* file = nullptr;
  const Deadline* deadline = nullptr;
  int64_t pos = 0;  // next file offset to read
  JOCTET buffer[kSourceBufferBytes];
};

[[noreturn]] void failWith(j_common_ptr cinfo, const char* reason) {
  auto* err = reinterpret_cast<ErrorState*>(cinfo->err);
  err->reason = reason;
  if (err->message[0] == '\0') (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

[[noreturn]] void onErrorExit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorState*>(cinfo->err);
  if (err->message[0] == '\0') (*cinfo->err->format_message)(cinfo, err->message);
  err->code = cinfo->err->msg_code;
  std::longjmp(err->jump, 1);
}

void onOutputMessage(j_common_ptr) {}  // library code never prints

// Warnings are how libjpeg reports damaged data it decodes anyway. Before the first scan they
// concern markers only (stray bytes before a marker, odd APP segments): libjpeg-turbo and Pillow
// decode those files to the right picture, so they are accepted. From the first scan on they
// mean the entropy-coded data is damaged (a lost sync decodes to garbage without any other
// warning), so the file is refused, and the detail says so.
void onEmitMessage(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  cinfo->err->num_warnings++;
  const int code = cinfo->err->msg_code;
  if (code == JWRN_JPEG_EOF) failWith(cinfo, "truncated");
  const int scan = reinterpret_cast<j_decompress_ptr>(cinfo)->input_scan_number;
  if (scan == 0) return;
  constexpr int kEoiMarker = 0xD9;
  constexpr int kMaxPaddingBeforeEoi = 8;
  switch (code) {
    case JWRN_ADOBE_XFORM:
    case JWRN_JFIF_MAJOR:
    case JWRN_BOGUS_ICC:
    case JWRN_NOT_SEQUENTIAL:
      return;
    case JWRN_EXTRANEOUS_DATA:
      // A byte or two of padding before EOI is a common encoder quirk.
      if (cinfo->err->msg_parm.i[1] == kEoiMarker &&
          cinfo->err->msg_parm.i[0] <= kMaxPaddingBeforeEoi)
        return;
      [[fallthrough]];
    default: {
      auto* err = reinterpret_cast<ErrorState*>(cinfo->err);
      char text[JMSG_LENGTH_MAX];
      (*cinfo->err->format_message)(cinfo, text);
      std::snprintf(err->message, JMSG_LENGTH_MAX, "damaged scan data (scan %d): %s", scan, text);
      failWith(cinfo, "corrupt");
    }
  }
}

struct ProgressState {
  jpeg_progress_mgr pub;
  const Deadline* deadline = nullptr;
};

// Called by libjpeg once per row group it consumes, also while it swallows the many scans of a
// progressive file in jpeg_start_decompress: where the deadline and the scan limit are checked.
void onProgress(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorState*>(cinfo->err);
  if (reinterpret_cast<ProgressState*>(cinfo->progress)->deadline->expired()) {
    err->reason = "timeout";
    std::snprintf(err->message, JMSG_LENGTH_MAX, "per-file decode time limit reached");
    std::longjmp(err->jump, 1);
  }
  if (reinterpret_cast<j_decompress_ptr>(cinfo)->input_scan_number > kMaxScans) {
    err->reason = "corrupt";
    std::snprintf(err->message, JMSG_LENGTH_MAX, "more than %d scans", kMaxScans);
    std::longjmp(err->jump, 1);
  }
}

void initSource(j_decompress_ptr) {}
void termSource(j_decompress_ptr) {}

boolean fillInputBuffer(j_decompress_ptr cinfo) {
  auto* src = reinterpret_cast<SourceState*>(cinfo->src);
  if (src->deadline->expired()) {
    std::snprintf(reinterpret_cast<ErrorState*>(cinfo->err)->message, JMSG_LENGTH_MAX,
                  "per-file decode time limit reached");
    reinterpret_cast<ErrorState*>(cinfo->err)->reason = "timeout";
    std::longjmp(reinterpret_cast<ErrorState*>(cinfo->err)->jump, 1);
  }
  const int64_t n = src->file->readAt(src->pos, src->buffer, kSourceBufferBytes);
  if (n < 0) {
    std::snprintf(reinterpret_cast<ErrorState*>(cinfo->err)->message, JMSG_LENGTH_MAX, "%s",
                  std::strerror(static_cast<int>(-n)));
    reinterpret_cast<ErrorState*>(cinfo->err)->reason = "unreadable";
    std::longjmp(reinterpret_cast<ErrorState*>(cinfo->err)->jump, 1);
  }
  if (n == 0) {
    WARNMS(cinfo, JWRN_JPEG_EOF);  // rejects as "truncated" (onEmitMessage)
    src->buffer[0] = 0xFF;         // not reached; libjpeg's own source inserts a fake EOI
    src->buffer[1] = JPEG_EOI;
    src->pub.next_input_byte = src->buffer;
    src->pub.bytes_in_buffer = 2;
    return TRUE;
  }
  src->pos += n;
  src->pub.next_input_byte = src->buffer;
  src->pub.bytes_in_buffer = static_cast<size_t>(n);
  return TRUE;
}

void skipInputData(j_decompress_ptr cinfo, long count) {
  auto* src = reinterpret_cast<SourceState*>(cinfo->src);
  if (count <= 0) return;
  if (static_cast<size_t>(count) <= src->pub.bytes_in_buffer) {
    src->pub.next_input_byte += count;
    src->pub.bytes_in_buffer -= static_cast<size_t>(count);
    return;
  }
  src->pos += count - static_cast<long>(src->pub.bytes_in_buffer);  // lazy: next fill reads there
  src->pub.bytes_in_buffer = 0;
}

// Phase 1: header. Returns false on error (state in err).
bool readHeader(jpeg_decompress_struct* cinfo, ErrorState* err) {
  if (setjmp(err->jump)) return false;
  jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);  // APP1 = EXIF
  jpeg_read_header(cinfo, TRUE);
  return true;
}

// Phase 2: pixels into `out` (rows of out_color_components bytes per pixel). Several rows per
// call: libjpeg's output does not depend on how many rows are asked for at once.
bool readPixels(jpeg_decompress_struct* cinfo, ErrorState* err, JSAMPLE* out, size_t stride,
                const Deadline* deadline) {
  if (setjmp(err->jump)) return false;
  jpeg_start_decompress(cinfo);
  JDIMENSION nextCheck = 0;
  while (cinfo->output_scanline < cinfo->output_height) {
    if (cinfo->output_scanline >= nextCheck) {
      nextCheck = cinfo->output_scanline + kRowsPerDeadlineCheck;
      if (deadline->expired()) {
        err->reason = "timeout";
        std::snprintf(err->message, JMSG_LENGTH_MAX, "per-file decode time limit reached");
        return false;
      }
    }
    JSAMPROW rows[kRowsPerCall];
    const JDIMENSION want =
        std::min<JDIMENSION>(kRowsPerCall, cinfo->output_height - cinfo->output_scanline);
    for (JDIMENSION i = 0; i < want; ++i) rows[i] = out + (cinfo->output_scanline + i) * stride;
    jpeg_read_scanlines(cinfo, rows, want);
  }
  jpeg_finish_decompress(cinfo);  // reads on to EOI: a missing EOI is reported as truncated
  return true;
}

// One decompressor and one pixel buffer per worker thread, reused file after file: a fresh
// decompressor per file costs its allocations, and a fresh frame buffer is zero-filled and, above
// glibc's mmap threshold (a 12 MP frame is 36 MB), page-faulted in 4 KiB at a time every file.
// libjpeg's documented way back to a clean state after a file, failed or not, is jpeg_abort.
struct JpegWorker {
  jpeg_decompress_struct cinfo{};
  ErrorState err{};
  SourceState src{};
  ProgressState progress{};
  std::unique_ptr<JSAMPLE[]> pixels;  // uninitialised: libjpeg writes every byte of each row
  size_t capacity = 0;
  bool busy = false;

  JpegWorker() {
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = onErrorExit;
    err.pub.emit_message = onEmitMessage;
    err.pub.output_message = onOutputMessage;
    jpeg_create_decompress(&cinfo);
    src.pub.init_source = initSource;
    src.pub.fill_input_buffer = fillInputBuffer;
    src.pub.skip_input_data = skipInputData;
    src.pub.resync_to_restart = jpeg_resync_to_restart;
    src.pub.term_source = termSource;
    cinfo.src = &src.pub;
    progress.pub.progress_monitor = onProgress;
    cinfo.progress = &progress.pub;
  }
  ~JpegWorker() { jpeg_destroy_decompress(&cinfo); }
  JpegWorker(const JpegWorker&) = delete;
  JpegWorker& operator=(const JpegWorker&) = delete;

  void start(InputFile& file, const Deadline& deadline) {
    busy = true;
    err.reason = "corrupt";
    err.code = 0;
    err.message[0] = '\0';
    err.pub.num_warnings = 0;
    src.file = &file;
    src.deadline = &deadline;
    src.pos = 0;
    src.pub.next_input_byte = nullptr;
    src.pub.bytes_in_buffer = 0;
    progress.deadline = &deadline;
  }

  // A buffer of `bytes`: the kept one when it is small enough to keep, else `oneOff`.
  JSAMPLE* buffer(size_t bytes, std::unique_ptr<JSAMPLE[]>& oneOff) {
    if (bytes > kMaxKeptPixelBytes)
      return (oneOff = std::make_unique_for_overwrite<JSAMPLE[]>(bytes)).get();
    if (bytes > capacity) {
      pixels.reset();
      pixels = std::make_unique_for_overwrite<JSAMPLE[]>(bytes);
      capacity = bytes;
    }
    return pixels.get();
  }
};

// Back to a clean decompressor after each file, whatever happened.
struct WorkerRelease {
  JpegWorker* w;
  ~WorkerRelease() {
    jpeg_abort_decompress(&w->cinfo);
    w->src.file = nullptr;
    w->busy = false;
  }
};

// This thread's worker; a private one if it is in use (a decode nested in a frame callback).
JpegWorker& acquireWorker(std::unique_ptr<JpegWorker>& nested) {
  thread_local std::unique_ptr<JpegWorker> worker;
  if (!worker) worker = std::make_unique<JpegWorker>();
  if (!worker->busy) return *worker;
  nested = std::make_unique<JpegWorker>();
  return *nested;
}

}  // namespace

void decodeJpeg(const DecodeJob& job) {
  std::unique_ptr<JpegWorker> nested;
  JpegWorker& worker = acquireWorker(nested);
  worker.start(job.file, job.deadline);
  const WorkerRelease release{&worker};
  jpeg_decompress_struct& cinfo = worker.cinfo;
  ErrorState& err = worker.err;

  if (!readHeader(&cinfo, &err)) {
    // Valid JPEG processes this libjpeg build does not decode (lossless SOF3, 12/16-bit
    // samples, hierarchical): FFmpeg's decoder handles them (Pillow cannot read them at all).
    if (err.code == JERR_SOF_UNSUPPORTED || err.code == JERR_BAD_PRECISION ||
        err.code == JERR_NOT_COMPILED)
      throw JpegNeedsFFmpeg(err.message);
    throw InputError(err.reason, err.message);
  }

  const int64_t w = cinfo.image_width, h = cinfo.image_height;
  if (w <= 0 || h <= 0 || w > kMaxDimension || h > kMaxDimension)
    throw InputError("corrupt", "invalid JPEG dimensions");
  if (w * h > job.opts.limits.maxPixels)
    throw InputError("too large",
                     std::to_string(w) + "x" + std::to_string(h) + " exceeds the pixel limit");

  MediaInfo& info = job.info;
  info.kind = MediaKind::Image;
  info.container = "jpeg";
  info.codec = "jpeg";
  info.width = static_cast<int>(w);
  info.height = static_cast<int>(h);
  for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next) {
    if (m->marker != JPEG_APP0 + 1) continue;
    if (const int code = exifBlockOrientation({m->data, m->data_length}); code != 0) {
      const Orientation o = orientationFromExif(code);
      info.orientationDegrees = o.degrees;
      info.mirrored = o.mirrored;
      break;
    }
  }

  PixelFormat format = PixelFormat::Rgb8;
  switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
      cinfo.out_color_space = JCS_GRAYSCALE;
      format = PixelFormat::Gray8;
      info.pixelFormat = "gray";
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      cinfo.out_color_space = JCS_CMYK;  // libjpeg turns YCCK into CMYK
      info.pixelFormat = cinfo.jpeg_color_space == JCS_CMYK ? "cmyk" : "ycck";
      break;
    default:
      cinfo.out_color_space = JCS_RGB;
      info.pixelFormat = cinfo.jpeg_color_space == JCS_RGB ? "rgb" : "ycbcr";
      break;
  }
  const int comps = cinfo.out_color_space == JCS_CMYK ? 4 : bytesPerPixel(format);
  const size_t stride = static_cast<size_t>(w) * comps;
  const size_t outBytes = static_cast<size_t>(w) * h * bytesPerPixel(format);
  // The frame goes where the job's FrameAllocator says (the GPU feed's staging), else into this
  // worker's reused buffer; CMYK is read into the worker's buffer and converted from there.
  FrameAllocator* alloc = job.opts.frameAllocator;
  std::unique_ptr<JSAMPLE[]> oneOff;
  JSAMPLE* target = alloc && comps != 4 ? alloc->frameMemory(outBytes)
                                        : worker.buffer(stride * static_cast<size_t>(h), oneOff);
  if (!readPixels(&cinfo, &err, target, stride, &job.deadline))
    throw InputError(err.reason, err.message);

  info.framesDecoded = 1;
  info.framesEmitted = 1;
  if (comps == 4) {
    Image own;
    uint8_t* pixels = nullptr;
    if (alloc) {
      pixels = alloc->frameMemory(outBytes);
    } else {
      own = Image(static_cast<int>(w), static_cast<int>(h), format);
      pixels = own.pixels.data();
    }
    const size_t n = static_cast<size_t>(w) * h;
    for (size_t i = 0; i < n; ++i) {
      const JSAMPLE* p = &target[4 * i];
      // Pillow assumes Adobe-inverted samples ("CMYK;I") for every CMYK JPEG.
      for (int c = 0; c < 3; ++c) pixels[3 * i + c] = pillowCmykChannel(255 - p[c], 255 - p[3]);
    }
    job.emit(ImageView{pixels, static_cast<int>(w), static_cast<int>(h),
                       static_cast<std::ptrdiff_t>(w) * bytesPerPixel(format), format},
             FrameInfo{0, 0.0});
    return;
  }
  job.emit(ImageView{target, static_cast<int>(w), static_cast<int>(h),
                     static_cast<std::ptrdiff_t>(stride), format},
           FrameInfo{0, 0.0});
}

}  // namespace hashsieve::media::detail
