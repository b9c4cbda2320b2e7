#include "engine/gdb_packet.h"

#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kHexDigits[] = "0123456789abcdef";

// What a quoted packet looks like in an error: at most 40 characters, the
// non-printable ones escaped, so a binary reply cannot garble a message.
std::string quote(std::string_view text) {
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < 40; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += sformat("\\x%02x", c);
    }
  }
  if (text.size() > 40) out += "...";
  return out + "'";
}

}  // namespace

uint8_t packet_checksum(std::string_view payload) {
  uint8_t sum = 0;
  for (char c : payload) sum = static_cast<uint8_t>(sum + static_cast<uint8_t>(c));
  return sum;
}

std::string frame_packet(std::string_view payload) {
  std::string body;
  body.reserve(payload.size() + 8);
  for (char c : payload) {
    if (c == '$' || c == '#' || c == '}' || c == '*') {
      body += '}';
      body += static_cast<char>(c ^ 0x20);
    } else {
      body += c;
    }
  }
  uint8_t sum = packet_checksum(body);
  std::string wire = "$" + body + "#";
  wire += kHexDigits[sum >> 4];
  wire += kHexDigits[sum & 0xf];
  return wire;
}

Result<std::string> decode_payload(std::string_view raw) {
  // Runs first: the sender escapes, then run-length encodes.
  std::string expanded;
  expanded.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '*') {
      expanded += raw[i];
      continue;
    }
    if (expanded.empty() || i + 1 >= raw.size()) {
      return Error("malformed run-length encoding in " + quote(raw));
    }
    int count = static_cast<unsigned char>(raw[++i]) - 29;
    if (count < 0) return Error("malformed run-length count in " + quote(raw));
    expanded.append(static_cast<size_t>(count), expanded.back());
  }
  std::string out;
  out.reserve(expanded.size());
  for (size_t i = 0; i < expanded.size(); ++i) {
    if (expanded[i] != '}') {
      out += expanded[i];
      continue;
    }
    if (i + 1 >= expanded.size()) return Error("packet ends inside an escape: " + quote(raw));
    out += static_cast<char>(expanded[++i] ^ 0x20);
  }
  return out;
}

std::string to_hex(std::span<const std::byte> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::byte b : bytes) {
    auto v = static_cast<uint8_t>(b);
    out += kHexDigits[v >> 4];
    out += kHexDigits[v & 0xf];
  }
  return out;
}

std::string to_hex(std::string_view text) {
  return to_hex(std::as_bytes(std::span(text.data(), text.size())));
}

Result<std::vector<std::byte>> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return Error("odd-length hex data " + quote(hex));
  std::vector<std::byte> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_digit(hex[2 * i]);
    int lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Error("bad hex data " + quote(hex));
    out[i] = static_cast<std::byte>(hi << 4 | lo);
  }
  return out;
}

Result<std::string> from_hex_text(std::string_view hex) {
  Result<std::vector<std::byte>> bytes = from_hex(hex);
  if (!bytes) return bytes.error();
  return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

std::optional<uint64_t> parse_hex_number(std::string_view hex) {
  if (hex.empty() || hex.size() > 16) return std::nullopt;
  uint64_t value = 0;
  for (char c : hex) {
    int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    value = value << 4 | static_cast<uint64_t>(d);
  }
  return value;
}

std::optional<std::string> error_reply(std::string_view reply) {
  if (reply.size() == 3 && reply[0] == 'E' && hex_digit(reply[1]) >= 0 &&
      hex_digit(reply[2]) >= 0) {
    return std::string(reply);
  }
  if (reply.size() > 2 && reply.substr(0, 2) == "E.") return std::string(reply.substr(2));
  return std::nullopt;
}

std::optional<int64_t> parse_thread_id(std::string_view text) {
  if (!text.empty() && text[0] == 'p') {
    size_t dot = text.find('.');
    if (dot == std::string_view::npos) return std::nullopt;  // a whole process
    text = text.substr(dot + 1);
  }
  if (text == "-1") return -1;
  std::optional<uint64_t> value = parse_hex_number(text);
  if (!value || *value > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(*value);
}

std::string format_thread_id(int64_t thread) {
  if (thread < 0) return "-1";
  return sformat("%" PRIx64, static_cast<uint64_t>(thread));
}

Result<StopReply> parse_stop_reply(std::string_view packet) {
  StopReply stop;
  stop.packet = std::string(packet);
  auto bad = [&](const std::string& why) {
    return Error("malformed stop reply " + quote(packet) + ": " + why);
  };
  if (packet.size() < 3) return bad("too short");
  std::optional<uint64_t> number = parse_hex_number(packet.substr(1, 2));
  char kind = packet[0];
  if (kind == 'W' || kind == 'X') {
    // "W00" or "W00;process:1f": the status is everything up to ';'.
    std::string_view value = packet.substr(1, packet.find(';') - 1);
    number = parse_hex_number(value);
    if (!number) return bad("bad exit status");
    stop.kind = kind == 'W' ? StopReply::Kind::kExited : StopReply::Kind::kTerminated;
    (kind == 'W' ? stop.exit_status : stop.signal) = static_cast<int>(*number);
    return stop;
  }
  if (kind != 'T' && kind != 'S') return bad("not a T, S, W or X packet");
  if (!number) return bad("bad signal number");
  stop.signal = static_cast<int>(*number);
  if (kind == 'S') return stop;
  std::string_view rest = packet.substr(3);
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view field = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (field.empty()) continue;
    size_t colon = field.find(':');
    if (colon == std::string_view::npos) return bad("field without ':'");
    std::string key(field.substr(0, colon));
    std::string value(field.substr(colon + 1));
    if (key == "thread") {
      stop.thread = parse_thread_id(value);
      if (!stop.thread) return bad("bad thread id '" + value + "'");
    } else if (key == "swbreak" || key == "hwbreak") {
      stop.reason = key;
    } else if (key == "watch" || key == "rwatch" || key == "awatch") {
      stop.reason = key;
      stop.watch_address = parse_hex_number(value);
    }
    stop.fields[key] = value;
  }
  return stop;
}

}  // namespace seam::engine
