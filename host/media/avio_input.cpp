// Custom I/O for libavformat: positional reads from the InputFile, deadline, nested opens denied.
#include "host/media/avio_input.hpp"

#include <cerrno>
#include <new>

namespace hashsieve::media::detail {
namespace {

constexpr int kAvioBufferBytes = 64 * 1024;
constexpr char kNoProtocol[] = "none";  // matches no FFmpeg protocol name

int denyNestedOpen(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

}  // namespace

AvioInput::AvioInput(InputFile& file, const Deadline& deadline) : file_(file), deadline_(deadline) {
  auto* buffer = static_cast<uint8_t*>(av_malloc(kAvioBufferBytes));
  if (!buffer) throw std::bad_alloc();
  avio_.reset(avio_alloc_context(buffer, kAvioBufferBytes, 0, this, &readPacket, nullptr, &seek));
  if (!avio_) {
    av_free(buffer);
    throw std::bad_alloc();
  }
}

int AvioInput::open(const AVInputFormat* format) {
  AVFormatContext* ctx = avformat_alloc_context();
  if (!ctx) return AVERROR(ENOMEM);
  ctx->pb = avio_.get();
  ctx->flags |= AVFMT_FLAG_CUSTOM_IO;
  ctx->interrupt_callback = {&interrupt, this};
  ctx->io_open = &denyNestedOpen;
  // Demuxers that open URLs themselves (SDP/RTP sockets) bypass io_open: whitelist no protocol.
  ctx->protocol_whitelist = av_strdup(kNoProtocol);
  if (!ctx->protocol_whitelist) {
    avformat_free_context(ctx);
    return AVERROR(ENOMEM);
  }
  // On failure avformat_open_input frees ctx (not our custom pb).
  const int ret = avformat_open_input(&ctx, nullptr, format, nullptr);
  if (ret >= 0) fmt_.reset(ctx);
  return ret;
}

int AvioInput::readPacket(void* opaque, uint8_t* buf, int size) {
  auto* self = static_cast<AvioInput*>(opaque);
  if (self->deadline_.expired()) {
    self->timedOut_ = true;
    return AVERROR_EXIT;
  }
  const int64_t n = self->file_.readAt(self->pos_, buf, static_cast<size_t>(size));
  if (n < 0) {
    self->readError_ = static_cast<int>(-n);
    return AVERROR(EIO);
  }
  if (n == 0) {
    self->sawEof_ = true;
    if (self->pos_ > self->file_.size()) self->ranPastEnd_ = true;
    return AVERROR_EOF;
  }
  self->pos_ += n;
  return static_cast<int>(n);
}

int64_t AvioInput::seek(void* opaque, int64_t offset, int whence) {
  auto* self = static_cast<AvioInput*>(opaque);
  const int64_t size = self->file_.size();
  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE:
      return size;
    case SEEK_SET:
      break;
    case SEEK_CUR:
      offset += self->pos_;
      break;
    case SEEK_END:
      offset += size;
      break;
    default:
      return AVERROR(EINVAL);
  }
  if (offset < 0) return AVERROR(EINVAL);
  if (offset >= size) self->sawEof_ = true;
  if (offset > size) self->ranPastEnd_ = true;
  self->pos_ = offset;
  return offset;
}

int AvioInput::interrupt(void* opaque) {
  auto* self = static_cast<AvioInput*>(opaque);
  if (self->deadline_.expired()) self->timedOut_ = true;
  return self->timedOut_ ? 1 : 0;
}

}  // namespace hashsieve::media::detail
