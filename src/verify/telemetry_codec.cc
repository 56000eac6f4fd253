#include "verify/telemetry_codec.h"

#include <avro.h>

#include <stdexcept>

#include "schema/catalog.h"

namespace odin::verify {
namespace {

void put_be32(std::string& out, int32_t v) {
  const auto u = static_cast<uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((u >> shift) & 0xff));
}

int32_t get_be32(std::string_view in) {
  uint32_t u = 0;
  for (int i = 0; i < 4; ++i) u = (u << 8) | static_cast<uint8_t>(in[static_cast<std::size_t>(i)]);
  return static_cast<int32_t>(u);
}

bool set_string(avro_value_t& record, const char* name, const std::string& text) {
  avro_value_t field;
  if (avro_value_get_by_name(&record, name, &field, nullptr) != 0) return false;
  return avro_value_set_string_len(&field, text.c_str(), text.size() + 1) == 0;  // size incl. NUL
}

bool set_double(avro_value_t& record, const char* name, double v) {
  avro_value_t field;
  if (avro_value_get_by_name(&record, name, &field, nullptr) != 0) return false;
  return avro_value_set_double(&field, v) == 0;
}

// ["null", "double"]: branch 0 = null, 1 = double.
bool set_optional(avro_value_t& record, const char* name, const std::optional<double>& v) {
  avro_value_t field;
  avro_value_t branch;
  if (avro_value_get_by_name(&record, name, &field, nullptr) != 0) return false;
  if (avro_value_set_branch(&field, v ? 1 : 0, &branch) != 0) return false;
  return v ? avro_value_set_double(&branch, *v) == 0 : avro_value_set_null(&branch) == 0;
}

bool get_string(avro_value_t& record, const char* name, std::string& out) {
  avro_value_t field;
  const char* text = nullptr;
  std::size_t size = 0;
  if (avro_value_get_by_name(&record, name, &field, nullptr) != 0) return false;
  if (avro_value_get_string(&field, &text, &size) != 0 || size == 0) return false;
  out.assign(text, size - 1);
  return true;
}

bool get_double(avro_value_t& record, const char* name, double& out) {
  avro_value_t field;
  return avro_value_get_by_name(&record, name, &field, nullptr) == 0 &&
         avro_value_get_double(&field, &out) == 0;
}

bool get_optional(avro_value_t& record, const char* name, std::optional<double>& out) {
  avro_value_t field;
  avro_value_t branch;
  int which = -1;
  if (avro_value_get_by_name(&record, name, &field, nullptr) != 0) return false;
  if (avro_value_get_discriminant(&field, &which) != 0) return false;
  if (avro_value_get_current_branch(&field, &branch) != 0) return false;
  if (which == 0) {
    out.reset();
    return true;
  }
  double v = 0;
  if (avro_value_get_double(&branch, &v) != 0) return false;
  out = v;
  return true;
}

}  // namespace

telemetry_codec::telemetry_codec() : telemetry_codec(schema::market_telemetry_avsc()) {}

telemetry_codec::telemetry_codec(std::string_view avsc) {
  if (avro_schema_from_json_length(avsc.data(), avsc.size(), &schema_) != 0) {
    throw std::invalid_argument(std::string("market_telemetry.avsc: ") + avro_strerror());
  }
  if (!is_avro_record(schema_)) {
    avro_schema_decref(schema_);
    throw std::invalid_argument("market_telemetry.avsc: not an Avro record");
  }
  for (std::size_t i = 0; i < avro_schema_record_size(schema_); ++i) {
    fields_.emplace_back(avro_schema_record_field_name(schema_, static_cast<int>(i)));
  }
  iface_ = avro_generic_class_from_schema(schema_);
  value_ = new avro_value_t;
  if (iface_ == nullptr || avro_generic_value_new(iface_, value_) != 0) {
    delete value_;
    if (iface_ != nullptr) avro_value_iface_decref(iface_);
    avro_schema_decref(schema_);
    throw std::invalid_argument(std::string("market_telemetry.avsc: ") + avro_strerror());
  }
  static const char empty[1] = {0};
  reader_ = avro_reader_memory(empty, 0);
  writer_ = avro_writer_memory(empty, 0);
}

telemetry_codec::~telemetry_codec() {
  avro_reader_free(reader_);
  avro_writer_free(writer_);
  avro_value_decref(value_);
  delete value_;
  avro_value_iface_decref(iface_);
  avro_schema_decref(schema_);
}

bool telemetry_codec::write_point(const telemetry_point& p) {
  avro_value_t& r = *value_;
  avro_value_t time;
  if (avro_value_reset(&r) != 0) return false;
  if (avro_value_get_by_name(&r, "eventTime", &time, nullptr) != 0) return false;
  return set_string(r, "symbol", p.symbol) && set_double(r, "price", p.price) &&
         set_double(r, "volume", p.volume) && set_optional(r, "bid", p.bid) &&
         set_optional(r, "ask", p.ask) && set_string(r, "source", p.source) &&
         avro_value_set_long(&time, p.event_time_ms) == 0;
}

bool telemetry_codec::encode(const telemetry_point& p, int32_t schema_id, std::string& out) {
  std::size_t size = 0;
  if (!write_point(p) || avro_value_sizeof(value_, &size) != 0) return false;
  body_.resize(size);
  avro_writer_memory_set_dest(writer_, body_.data(), static_cast<int64_t>(size));
  if (avro_value_write(writer_, value_) != 0) return false;
  out.clear();
  out.reserve(wire_header_bytes + size);
  out.push_back('\0');
  put_be32(out, schema_id);
  out.append(body_.data(), static_cast<std::size_t>(avro_writer_tell(writer_)));
  return true;
}

result<telemetry_point, invalid_reason> telemetry_codec::decode(std::string_view wire,
                                                                int32_t schema_id) {
  if (wire.size() < wire_header_bytes || wire[0] != '\0') return invalid_reason::bad_magic;
  if (get_be32(wire.substr(1, 4)) != schema_id) return invalid_reason::wrong_schema_id;
  const std::string_view body = wire.substr(wire_header_bytes);
  avro_reader_memory_set_source(reader_, body.data(), static_cast<int64_t>(body.size()));
  if (avro_value_reset(value_) != 0 || avro_value_read(reader_, value_) != 0) {
    return invalid_reason::undecodable;
  }
  // Avro C 1.11 cannot tell how much of a memory buffer it read; the decoded record's own
  // encoded size can (varints longer than needed also count as extra bytes).
  std::size_t used = 0;
  if (avro_value_sizeof(value_, &used) != 0) return invalid_reason::undecodable;
  if (used != body.size()) return invalid_reason::trailing_bytes;
  return read_point();
}

result<telemetry_point, invalid_reason> telemetry_codec::read_point() {
  telemetry_point p;
  avro_value_t& r = *value_;
  avro_value_t time;
  const bool ok = get_string(r, "symbol", p.symbol) && get_double(r, "price", p.price) &&
                  get_double(r, "volume", p.volume) && get_optional(r, "bid", p.bid) &&
                  get_optional(r, "ask", p.ask) && get_string(r, "source", p.source) &&
                  avro_value_get_by_name(&r, "eventTime", &time, nullptr) == 0 &&
                  avro_value_get_long(&time, &p.event_time_ms) == 0;
  if (!ok) return invalid_reason::undecodable;
  if (!valid_utf8(p.symbol) || !valid_utf8(p.source)) return invalid_reason::bad_utf8;
  return p;
}

}  // namespace odin::verify
