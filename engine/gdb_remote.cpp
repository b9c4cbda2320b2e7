#include "engine/gdb_remote.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

using Clock = std::chrono::steady_clock;

// A reply longer than this without its '#' is a stub gone wrong, not data.
constexpr size_t kMaxReply = 16u << 20;
// The largest feature file (target.xml and its includes) accepted.
constexpr size_t kMaxFeature = 1u << 20;
// How often wait_for_stop looks at its cancel flag.
constexpr std::chrono::milliseconds kCancelPoll{50};

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
}

std::string quote(std::string_view packet) {
  std::string out = "'";
  for (size_t i = 0; i < packet.size() && i < 48; ++i) {
    auto c = static_cast<unsigned char>(packet[i]);
    out += (c >= 0x20 && c < 0x7f) ? std::string(1, static_cast<char>(c)) : sformat("\\x%02x", c);
  }
  if (packet.size() > 48) out += "...";
  return out + "'";
}

bool is_console_packet(std::string_view packet) {
  if (packet.size() < 3 || packet[0] != 'O' || packet.size() % 2 == 0) return false;
  return packet.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string_view::npos;
}

}  // namespace

GdbRemote::GdbRemote(std::string address, std::string host, std::string port,
                     GdbRemoteOptions options)
    : address_(std::move(address)),
      host_(std::move(host)),
      port_(std::move(port)),
      options_(options) {}

GdbRemote::~GdbRemote() {
  close();
  // An opt-in report for bench/live_bench.py: how chatty a whole command was.
  if (const char* want = std::getenv("SEAM_RSP_STATS"); want && std::string_view(want) == "1") {
    std::fprintf(stderr,
                 "rsp: %" PRIu64 " packets, %" PRIu64 " bytes sent, %" PRIu64 " bytes received\n",
                 stats_.packets_sent, stats_.bytes_sent, stats_.bytes_received);
  }
}

Result<std::unique_ptr<GdbRemote>> GdbRemote::connect(const std::string& address,
                                                      const GdbRemoteOptions& options) {
  std::string host;
  std::string port;
  if (!address.empty() && address[0] == '[') {
    size_t close = address.find("]:");
    if (close != std::string::npos) {
      host = address.substr(1, close - 1);
      port = address.substr(close + 2);
    }
  } else if (size_t colon = address.rfind(':'); colon != std::string::npos) {
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    return Error("gdbstub '" + address + "': expected HOST:PORT, e.g. 127.0.0.1:1234");
  }
  std::unique_ptr<GdbRemote> remote(new GdbRemote(address, host, port, options));
  if (auto ok = remote->reconnect(); !ok) return ok.error();
  return remote;
}

void GdbRemote::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  input_.clear();
  input_pos_ = 0;
  suspect_ = false;
  pending_reply_.reset();
  connect_stopped_guest_ = false;
}

Result<void> GdbRemote::reconnect() {
  close();
  if (auto ok = open_socket(); !ok) return ok;
  if (auto ok = handshake(); !ok) {
    close();
    return ok;
  }
  return {};
}

Result<void> GdbRemote::open_socket() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host_.c_str(), port_.c_str(), &hints, &found); rc != 0) {
    return Error("gdbstub " + address_ + ": cannot resolve " + host_ + ": " + gai_strerror(rc));
  }
  Clock::time_point deadline = Clock::now() + options_.connect_timeout;
  std::string last_error = "no address";
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd =
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, remaining_ms(deadline));
      if (rc == 0) {
        ::close(fd);
        last_error = sformat("no answer within %lld ms",
                             static_cast<long long>(options_.connect_timeout.count()));
        break;
      }
      int error = 0;
      socklen_t length = sizeof error;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
      rc = error == 0 ? 0 : -1;
      errno = error;
    }
    if (rc != 0) {
      last_error = std::strerror(errno);
      ::close(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fd_ = fd;
    break;
  }
  freeaddrinfo(found);
  if (fd_ < 0) return Error("gdbstub " + address_ + ": cannot connect: " + last_error);
  return {};
}

Result<void> GdbRemote::handshake() {
  Result<std::string> reply =
      request("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386;vContSupported+");
  if (!reply) return reply.error();
  features_.clear();
  packet_size_ = 0x400;
  std::string_view rest = *reply;
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view item = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (item.substr(0, 11) == "PacketSize=") {
      // Below 256 or above 1 MiB is not a size a stub means.
      if (auto size = parse_hex_number(item.substr(11)); size && *size >= 0x100) {
        packet_size_ = static_cast<size_t>(std::min<uint64_t>(*size, 1u << 20));
      }
    }
    if (!item.empty()) features_.emplace_back(item);
  }
  vcont_.reset();
  return {};
}

bool GdbRemote::supports(std::string_view feature) const {
  for (const std::string& item : features_) {
    std::string_view text = item;
    if (text.substr(0, feature.size()) != feature) continue;
    if (text.size() == feature.size() + 1 && text.back() == '+') return true;
    if (text.size() > feature.size() && text[feature.size()] == '=') return true;
  }
  return false;
}

std::string GdbRemote::describe(std::string_view packet) const {
  return quote(packet);
}

Error GdbRemote::fail(const std::string& what) {
  suspect_ = true;
  return Error("gdbstub " + address_ + ": " + what);
}

Error GdbRemote::closed(const std::string& what) {
  close();
  return Error("gdbstub " + address_ + ": the connection was closed " + what);
}

void GdbRemote::drain() {
  // A reply that came after its timeout, or the rest of a bad packet, must not
  // be taken for the answer to the next request.
  input_.clear();
  input_pos_ = 0;
  suspect_ = false;
  pending_reply_.reset();
  // What is already in flight (a stub answering the bad exchange after its
  // garbage) arrives within moments: wait for the line to be quiet that long.
  constexpr int kQuietMs = 50;
  char buffer[4096];
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, kQuietMs) <= 0) return;
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n == 0) {
      close();
      return;
    }
    if (n < 0 && errno != EINTR && errno != EAGAIN) return;
  }
}

Result<void> GdbRemote::write_all(std::string_view bytes, Clock::time_point deadline,
                                  const std::string& what) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      stats_.bytes_sent += static_cast<uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) == 0) {
        return fail("timed out sending " + what);
      }
      continue;
    }
    if (errno == EPIPE || errno == ECONNRESET) return closed("while sending " + what);
    return fail("cannot send " + what + ": " + std::strerror(errno));
  }
  return {};
}

Result<char> GdbRemote::read_byte(Clock::time_point deadline, const std::string& what) {
  while (input_pos_ >= input_.size()) {
    input_.clear();
    input_pos_ = 0;
    pollfd p{fd_, POLLIN, 0};
    int rc = ::poll(&p, 1, remaining_ms(deadline));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) {
      return fail(sformat("timed out after %lld ms waiting for ",
                          static_cast<long long>(options_.timeout.count())) +
                  what);
    }
    char buffer[65536];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n == 0) return closed("while waiting for " + what);
    if (n > 0) stats_.bytes_received += static_cast<uint64_t>(n);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == ECONNRESET) return closed("while waiting for " + what);
      return fail("cannot read " + what + ": " + std::strerror(errno));
    }
    input_.assign(buffer, static_cast<size_t>(n));
  }
  return input_[input_pos_++];
}

Result<void> GdbRemote::send_packet(std::string_view payload, const std::string& what) {
  if (fd_ < 0) return Error("gdbstub " + address_ + ": not connected (reconnect first)");
  if (suspect_) drain();
  if (fd_ < 0) return Error("gdbstub " + address_ + ": the connection was closed");
  std::string wire = frame_packet(payload);
  Clock::time_point deadline = Clock::now() + options_.timeout;
  for (int attempt = 0; attempt <= options_.retries; ++attempt) {
    if (auto ok = write_all(wire, deadline, what); !ok) return ok;
    ++stats_.packets_sent;
    for (;;) {
      Result<char> ack = read_byte(deadline, "the acknowledgement of " + what);
      if (!ack) return ack.error();
      if (*ack == '+') return {};
      if (*ack == '-') break;  // send it again
      if (*ack != '$') {
        return fail(sformat("unexpected byte 0x%02x instead of the acknowledgement of ",
                            static_cast<unsigned char>(*ack)) +
                    what);
      }
      --input_pos_;
      Result<std::string> packet =
          read_packet(deadline, "a packet before the acknowledgement of " + what);
      if (!packet) return packet.error();
      // QEMU sends a stop reply by itself when a debugger connects (it stops
      // the guest then), before it reads our first packet: not our reply.
      if (parse_stop_reply(*packet)) {
        connect_stopped_guest_ = true;
        continue;
      }
      // A stub that skipped the ack: this is the reply.
      pending_reply_ = std::move(*packet);
      return {};
    }
  }
  return fail(sformat("the stub rejected %s %d times (corrupted in transit?)", what.c_str(),
                      options_.retries + 1));
}

Result<std::string> GdbRemote::read_packet(Clock::time_point deadline, const std::string& what) {
  size_t limit = std::max(kMaxReply, packet_size_ * 4);
  int corrupt = 0;
  for (;;) {
    Result<char> c = read_byte(deadline, what);
    if (!c) return c.error();
    if (*c == '+') continue;  // a duplicate acknowledgement
    if (*c != '$') {
      return fail(sformat("unexpected byte 0x%02x outside a packet while waiting for ",
                          static_cast<unsigned char>(*c)) +
                  what);
    }
    std::string raw;
    for (;;) {
      Result<char> next = read_byte(deadline, what);
      if (!next) return next.error();
      if (*next == '#') break;
      if (*next == '$') return fail("malformed packet (a '$' inside it) in " + what);
      if (raw.size() >= limit) {
        return fail(sformat("%s is longer than %zu bytes without its end", what.c_str(), limit));
      }
      raw += *next;
    }
    char sum[2];
    for (char& s : sum) {
      Result<char> next = read_byte(deadline, what);
      if (!next) return next.error();
      s = *next;
    }
    std::optional<uint64_t> expected = parse_hex_number(std::string_view(sum, 2));
    if (!expected) {
      return fail("malformed checksum " + quote(std::string_view(sum, 2)) + " in " + what);
    }
    if (*expected != packet_checksum(raw)) {
      if (++corrupt > options_.retries) {
        return fail(sformat("%s failed its checksum %d times", what.c_str(), corrupt));
      }
      if (auto ok = write_all("-", deadline, "a retransmission request"); !ok) return ok.error();
      continue;
    }
    if (auto ok = write_all("+", deadline, "an acknowledgement"); !ok) return ok.error();
    Result<std::string> payload = decode_payload(raw);
    if (!payload) return fail(what + ": " + payload.error().message());
    return payload;
  }
}

Result<std::string> GdbRemote::read_reply(const std::string& what) {
  if (pending_reply_) {
    std::string reply = std::move(*pending_reply_);
    pending_reply_.reset();
    return reply;
  }
  for (;;) {
    Result<std::string> packet = read_packet(Clock::now() + options_.timeout, what);
    if (!packet) return packet;
    if (!is_console_packet(*packet)) return packet;
    if (auto text = from_hex_text(std::string_view(*packet).substr(1))) console_ += *text;
  }
}

Result<void> GdbRemote::send(std::string_view packet) {
  return send_packet(packet, describe(packet));
}

Result<std::string> GdbRemote::request(std::string_view packet) {
  std::string what = "the reply to " + describe(packet);
  if (auto ok = send_packet(packet, describe(packet)); !ok) return ok.error();
  Result<std::string> reply = read_reply(what);
  if (!reply) return reply;
  if (std::optional<std::string> error = error_reply(*reply)) {
    return Error("gdbstub " + address_ + ": " + describe(packet) + " failed: the stub replied " +
                 *error);
  }
  return reply;
}

Result<std::string> GdbRemote::read_feature(const std::string& file) {
  std::string text;
  size_t chunk = packet_size_ - 16;
  for (;;) {
    Result<std::string> reply =
        request(sformat("qXfer:features:read:%s:%zx,%zx", file.c_str(), text.size(), chunk));
    if (!reply) return reply;
    if (reply->empty()) {
      return Error("gdbstub " + address_ + ": the stub has no target description " + file);
    }
    if ((*reply)[0] != 'm' && (*reply)[0] != 'l') {
      return fail("malformed qXfer reply " + quote(*reply) + " reading " + file);
    }
    text.append(*reply, 1);
    if ((*reply)[0] == 'l') return text;
    if (reply->size() == 1) return fail("empty qXfer 'm' reply reading " + file);
    if (text.size() > kMaxFeature) {
      return Error("gdbstub " + address_ + ": target description " + file + " is too large");
    }
  }
}

Result<RegisterLayout> GdbRemote::read_register_layout() {
  if (!supports("qXfer:features:read")) {
    return Error("gdbstub " + address_ +
                 ": the stub does not describe its registers (no qXfer:features:read)");
  }
  Result<RegisterLayout> layout = parse_target_xml(
      "target.xml", [this](const std::string& file) { return read_feature(file); });
  if (!layout) return layout.error().context("gdbstub " + address_);
  return layout;
}

Result<StopReply> GdbRemote::halt_reason() {
  Result<std::string> reply = request("?");
  if (!reply) return reply.error();
  Result<StopReply> stop = parse_stop_reply(*reply);
  if (!stop) return fail(stop.error().message());
  return stop;
}

Result<std::vector<int64_t>> GdbRemote::thread_ids() {
  std::vector<int64_t> threads;
  Result<std::string> reply = request("qfThreadInfo");
  while (reply) {
    if (*reply == "l") return threads;
    if (reply->empty() || (*reply)[0] != 'm') {
      return fail("malformed thread list reply " + quote(*reply));
    }
    std::string_view rest = std::string_view(*reply).substr(1);
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      std::optional<int64_t> id = parse_thread_id(item);
      if (!id) return fail("malformed thread id in " + quote(*reply));
      if (item[0] == 'p') {  // "pPID.TID": the process detach() names
        if (auto pid = parse_hex_number(item.substr(1, item.find('.') - 1))) process_id_ = *pid;
      }
      threads.push_back(*id);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (threads.size() > 65536) return fail("the stub lists more than 65536 threads");
    reply = request("qsThreadInfo");
  }
  return reply.error();
}

Result<void> GdbRemote::select_thread(char op, int64_t thread) {
  std::string packet = sformat("H%c", op) + format_thread_id(thread);
  Result<std::string> reply = request(packet);
  if (!reply) return reply.error();
  if (*reply != "OK") return fail(describe(packet) + ": unexpected reply " + quote(*reply));
  return {};
}

Result<std::vector<std::byte>> GdbRemote::read_registers() {
  Result<std::string> reply = request("g");
  if (!reply) return reply.error();
  std::replace(reply->begin(), reply->end(), 'x', '0');  // unavailable: no value to give
  Result<std::vector<std::byte>> bytes = from_hex(*reply);
  if (!bytes) return fail("malformed 'g' reply: " + bytes.error().message());
  if (bytes->empty()) return fail("empty 'g' reply");
  return bytes;
}

Result<std::vector<std::byte>> GdbRemote::read_register(int regnum) {
  std::string packet = sformat("p%x", regnum);
  Result<std::string> reply = request(packet);
  if (!reply) return reply.error();
  if (reply->empty()) {
    return Error("gdbstub " + address_ + ": the stub cannot read register " +
                 std::to_string(regnum));
  }
  std::replace(reply->begin(), reply->end(), 'x', '0');
  Result<std::vector<std::byte>> bytes = from_hex(*reply);
  if (!bytes) return fail("malformed 'p' reply: " + bytes.error().message());
  return bytes;
}

size_t GdbRemote::memory_chunk() const {
  // Two hex digits a byte: half the packet size, as gdb asks (QEMU answers up
  // to 2 KiB an `m`, so a 4 KiB page is two exchanges, not three).
  return std::max<size_t>(16, (packet_size_ / 2) & ~size_t{15});
}

Result<void> GdbRemote::read_memory(uint64_t address, std::span<std::byte> out) {
  size_t chunk = memory_chunk();
  size_t done = 0;
  while (done < out.size()) {
    size_t length = std::min(chunk, out.size() - done);
    uint64_t at = address + done;
    Result<std::string> reply = request(sformat("m%" PRIx64 ",%zx", at, length));
    if (!reply) return reply.error().context("reading memory at " + hex(at));
    Result<std::vector<std::byte>> bytes = from_hex(*reply);
    if (!bytes) return fail("reading memory at " + hex(at) + ": " + bytes.error().message());
    if (bytes->empty()) {
      return Error("gdbstub " + address_ + ": reading memory at " + hex(at) +
                   ": the stub returned no bytes");
    }
    if (bytes->size() > length) {
      return fail("reading memory at " + hex(at) + ": the stub returned more than asked");
    }
    std::copy(bytes->begin(), bytes->end(), out.begin() + static_cast<ptrdiff_t>(done));
    done += bytes->size();  // a short read goes on from where it stopped
  }
  return {};
}

Result<void> GdbRemote::write_memory(uint64_t address, std::span<const std::byte> data) {
  size_t chunk = std::max<size_t>(16, ((packet_size_ - 64) / 2) & ~size_t{15});
  for (size_t done = 0; done < data.size();) {
    size_t length = std::min(chunk, data.size() - done);
    uint64_t at = address + done;
    Result<std::string> reply =
        request(sformat("M%" PRIx64 ",%zx:", at, length) + to_hex(data.subspan(done, length)));
    if (!reply) return reply.error().context("writing memory at " + hex(at));
    if (*reply != "OK") {
      return fail("writing memory at " + hex(at) + ": unexpected reply " + quote(*reply));
    }
    done += length;
  }
  return {};
}

Result<void> GdbRemote::set_physical_memory_mode(bool on) {
  std::string packet = on ? "Qqemu.PhyMemMode:1" : "Qqemu.PhyMemMode:0";
  Result<std::string> reply = request(packet);
  if (!reply) return reply.error();
  if (reply->empty()) {
    return Error("gdbstub " + address_ +
                 ": the stub cannot read physical memory (no Qqemu.PhyMemMode: not QEMU?)");
  }
  if (*reply != "OK") return fail(describe(packet) + ": unexpected reply " + quote(*reply));
  return {};
}

Result<void> GdbRemote::insert_breakpoint(BreakpointType type, uint64_t address, int kind) {
  char z = type == BreakpointType::kSoftware ? '0' : '1';
  std::string packet = sformat("Z%c,%" PRIx64 ",%x", z, address, kind);
  Result<std::string> reply = request(packet);
  if (!reply) return reply.error();
  if (reply->empty()) {
    return Error("gdbstub " + address_ + ": the stub has no " +
                 (type == BreakpointType::kSoftware ? "software" : "hardware") + " breakpoints");
  }
  if (*reply != "OK") return fail(describe(packet) + ": unexpected reply " + quote(*reply));
  return {};
}

Result<void> GdbRemote::remove_breakpoint(BreakpointType type, uint64_t address, int kind) {
  char z = type == BreakpointType::kSoftware ? '0' : '1';
  std::string packet = sformat("z%c,%" PRIx64 ",%x", z, address, kind);
  Result<std::string> reply = request(packet);
  if (!reply) return reply.error();
  if (*reply != "OK") return fail(describe(packet) + ": unexpected reply " + quote(*reply));
  return {};
}

Result<void> GdbRemote::resume_all() {
  if (!vcont_) {
    Result<std::string> reply = request("vCont?");
    if (!reply) return reply.error();
    vcont_ = reply->find(";c") != std::string::npos && reply->find(";s") != std::string::npos;
  }
  return send(*vcont_ ? "vCont;c" : "c");
}

Result<void> GdbRemote::step_thread(int64_t thread) {
  if (!vcont_) {
    Result<std::string> reply = request("vCont?");
    if (!reply) return reply.error();
    vcont_ = reply->find(";c") != std::string::npos && reply->find(";s") != std::string::npos;
  }
  if (*vcont_) return send("vCont;s:" + format_thread_id(thread));
  if (auto ok = select_thread('c', thread); !ok) return ok;
  return send("s");
}

Result<std::optional<StopReply>> GdbRemote::wait_for_stop(std::chrono::milliseconds timeout,
                                                          const std::atomic<bool>* cancel) {
  if (fd_ < 0) return Error("gdbstub " + address_ + ": not connected (reconnect first)");
  Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    if (cancel != nullptr && cancel->load()) return std::optional<StopReply>();
    if (input_pos_ >= input_.size()) {
      auto slice = std::min(kCancelPoll,
                            std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()));
      pollfd p{fd_, POLLIN, 0};
      int rc = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, slice.count())));
      if (rc < 0 && errno != EINTR) return fail(std::string("poll: ") + std::strerror(errno));
      if (rc <= 0) {
        if (Clock::now() >= deadline) return std::optional<StopReply>();
        continue;
      }
    }
    // A packet has begun: it must end within one exchange's timeout.
    Result<std::string> packet = read_packet(Clock::now() + options_.timeout, "a stop reply");
    if (!packet) return packet.error();
    if (is_console_packet(*packet)) {
      if (auto text = from_hex_text(std::string_view(*packet).substr(1))) console_ += *text;
      continue;
    }
    Result<StopReply> stop = parse_stop_reply(*packet);
    if (!stop) return fail(stop.error().message());
    return std::optional<StopReply>(std::move(*stop));
  }
}

Result<void> GdbRemote::interrupt() {
  if (fd_ < 0) return Error("gdbstub " + address_ + ": not connected (reconnect first)");
  return write_all("\x03", Clock::now() + options_.timeout, "an interrupt (Ctrl-C)");
}

Result<std::string> GdbRemote::monitor(std::string_view command) {
  console_.clear();
  std::string packet = "qRcmd," + to_hex(command);
  Result<std::string> reply = request(packet);
  if (!reply) return reply.error().context("monitor '" + std::string(command) + "'");
  if (reply->empty()) {
    return Error("gdbstub " + address_ + ": the stub has no monitor commands (qRcmd)");
  }
  std::string output = std::move(console_);
  console_.clear();
  if (*reply != "OK") {
    // Some stubs answer with the output itself, hex encoded.
    Result<std::string> text = from_hex_text(*reply);
    if (!text) return fail("malformed qRcmd reply " + quote(*reply));
    output += *text;
  }
  return output;
}

Result<void> GdbRemote::detach() {
  // In multiprocess mode (QEMU keeps it on once any debugger asked for it)
  // a bare `D` is refused with E22.
  Result<std::string> reply =
      request(supports("multiprocess") ? sformat("D;%" PRIx64, process_id_) : std::string("D"));
  close();
  if (!reply) return reply.error();
  return {};
}

}  // namespace seam::engine
