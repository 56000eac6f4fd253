#include "gateway/frame.h"

#include <charconv>
#include <cstring>
#include <new>

#include "protocol/ws_codec.h"

namespace odin::gateway {

class frame_builder {
 public:
  // One allocation: the frame object, then `size` wire bytes, then the owner.
  static frame* allocate(uint32_t refs, std::size_t size, std::string_view owner) {
    void* mem = ::operator new(sizeof(frame) + size + owner.size());
    auto* f =
        new (mem) frame(refs, static_cast<uint32_t>(size), static_cast<uint16_t>(owner.size()));
    if (!owner.empty()) std::memcpy(f->data() + size, owner.data(), owner.size());
    return f;
  }
  static char* data(frame* f) { return f->data(); }
  static void set_channel(frame* f, std::size_t offset, std::size_t size) {
    f->channel_offset_ = static_cast<uint32_t>(offset);
    f->channel_size_ = static_cast<uint16_t>(size);
  }
  static void set_meta(frame* f, int64_t ts, std::size_t header_size,
                       const protocol::stream_position& pos) {
    f->ts_us_ = ts;
    f->header_size_ = static_cast<uint16_t>(header_size);
    f->offset_ = pos.offset;
    f->check_ = pos.check;
  }
  static void destroy(frame* f) {
    f->~frame();
    ::operator delete(static_cast<void*>(f));
  }
};

void frame::release() {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) frame_builder::destroy(this);
}

frame_ref& frame_ref::operator=(frame_ref&& o) noexcept {
  if (this != &o) {
    reset();
    f_ = o.f_;
    o.f_ = nullptr;
  }
  return *this;
}

void frame_ref::reset() {
  if (f_ != nullptr) f_->release();
  f_ = nullptr;
}

namespace {

constexpr std::string_view envelope_open = R"({"type":"event","channel":")";
constexpr std::string_view seq_key = R"(","seq":)";
constexpr std::string_view ts_key = R"(,"ts":)";
constexpr std::string_view pos_key = R"(,"pos":")";
constexpr std::string_view data_key = R"(","data":)";
constexpr std::string_view envelope_close = "}";

char* put(char* out, std::string_view s) {
  if (!s.empty()) std::memcpy(out, s.data(), s.size());  // an empty view's data() may be null
  return out + s.size();
}

}  // namespace

frame* render_event(const event_fields& e, uint32_t refs) {
  char seq_text[24];
  char ts_text[24];
  const std::string_view seq(
      seq_text, std::to_chars(seq_text, seq_text + sizeof seq_text, e.seq).ptr - seq_text);
  const std::string_view ts(
      ts_text, std::to_chars(ts_text, ts_text + sizeof ts_text, e.ts_us).ptr - ts_text);
  char pos_text[protocol::max_position_size];
  const std::string_view pos(pos_text, protocol::write_position(e.pos, pos_text));
  const std::string_view kind_name = model::to_string(e.kind);
  const std::size_t channel_size = e.token.size() + 1 + kind_name.size();
  const std::size_t payload_size = envelope_open.size() + channel_size + seq_key.size() +
                                   seq.size() + ts_key.size() + ts.size() + pos_key.size() +
                                   pos.size() + data_key.size() + e.data.size() + e.extra.size() +
                                   envelope_close.size();

  char header[protocol::ws::max_header_size];
  const std::size_t header_size =
      protocol::ws::write_header(protocol::ws::opcode::text, payload_size, header);

  frame* f = frame_builder::allocate(refs, header_size + payload_size, e.owner);
  char* out = put(frame_builder::data(f), {header, header_size});
  out = put(out, envelope_open);
  frame_builder::set_channel(f, static_cast<std::size_t>(out - frame_builder::data(f)),
                             channel_size);
  out = put(out, e.token);
  *out++ = '.';
  out = put(out, kind_name);
  out = put(out, seq_key);
  out = put(out, seq);
  out = put(out, ts_key);
  out = put(out, ts);
  out = put(out, pos_key);
  out = put(out, pos);
  *out++ = '"';
  out = put(out, e.extra);
  out = put(out, data_key.substr(1));
  out = put(out, e.data);
  put(out, envelope_close);
  frame_builder::set_meta(f, e.ts_us, header_size, e.pos);
  return f;
}

// The members go right before "data" (which stays last): the first `","data":` of an envelope
// is the data key, since channel, seq, ts and pos never contain a quote.
std::string render_flagged(const frame& f, std::string_view extra) {
  const std::string_view envelope = f.payload();
  const std::size_t at = envelope.find(data_key) + 1;  // after the quote closing "pos"
  const std::size_t payload_size = envelope.size() + extra.size();
  char header[protocol::ws::max_header_size];
  const std::size_t header_size =
      protocol::ws::write_header(protocol::ws::opcode::text, payload_size, header);
  std::string out;
  out.reserve(header_size + payload_size);
  out.append(header, header_size).append(envelope.substr(0, at)).append(extra);
  out.append(envelope.substr(at));
  return out;
}

}  // namespace odin::gateway
