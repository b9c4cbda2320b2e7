// The GDB Remote Serial Protocol's wire format, without any I/O: framing and
// checksums, escapes, run-length decoding, hex, `E xx` errors and stop
// replies. GdbRemote (gdb_remote.h) moves these over a socket.
//
//   std::string wire = frame_packet("m ffffffff81000000,40");  // "$m...#cs"
//   Result<std::string> data = decode_payload("0*\"");       // "0000000"
//   Result<StopReply> stop = parse_stop_reply("T05thread:01;swbreak:;");
//   if (stop && stop->thread) select(*stop->thread);
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "symbolizer/result.h"

namespace seam::engine {

// The modulo-256 sum of the bytes between '$' and '#'.
uint8_t packet_checksum(std::string_view payload);

// "$" + payload with '$', '#', '}' and '*' escaped + "#" + two hex digits.
std::string frame_packet(std::string_view payload);

// The payload as received between '$' and '#': run-length runs ("X*n" = X
// repeated n-29 more times) expanded, then '}' escapes undone. Malformed
// encodings are errors.
Result<std::string> decode_payload(std::string_view raw);

std::string to_hex(std::span<const std::byte> bytes);
std::string to_hex(std::string_view text);
// Two hex digits per byte; odd lengths and non-hex characters are errors.
Result<std::vector<std::byte>> from_hex(std::string_view hex);
Result<std::string> from_hex_text(std::string_view hex);
// A hex number ("1f", at most 16 digits).
std::optional<uint64_t> parse_hex_number(std::string_view hex);

// A stub's error reply "Exx" (or "E.text"): its text, else nullopt.
std::optional<std::string> error_reply(std::string_view reply);

// Why the target stopped (or ended): a `T`, `S`, `W` or `X` packet.
struct StopReply {
  enum class Kind { kSignal, kExited, kTerminated };
  Kind kind = Kind::kSignal;
  int signal = 0;                 // T/S: the stop signal (5 = SIGTRAP, 2 = SIGINT); X: the signal
  int exit_status = 0;            // W
  std::optional<int64_t> thread;  // T's thread:ID (the thread part of "pP.T")
  std::string reason;             // "swbreak", "hwbreak", "watch", "rwatch", "awatch", or ""
  std::optional<uint64_t> watch_address;
  std::map<std::string, std::string> fields;  // every "key:value" of a T packet
  std::string packet;                         // the reply as received
};
Result<StopReply> parse_stop_reply(std::string_view packet);

// A thread id as qfThreadInfo and T packets write it: "1f", "p1.1f" (multiprocess), "-1".
std::optional<int64_t> parse_thread_id(std::string_view text);
std::string format_thread_id(int64_t thread);

}  // namespace seam::engine
