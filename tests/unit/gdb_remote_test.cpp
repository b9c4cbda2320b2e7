// GdbRemote and GdbstubTarget against a fake stub: a thread serving a socket
// on 127.0.0.1 with scripted replies, so every failure a real stub can show
// (bad checksums, '-' naks, run-length replies, E xx, garbage, a closed or a
// silent peer) happens on cue, and each must end in a clear Error, never a
// hang.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "engine/gdb_packet.h"
#include "engine/gdb_remote.h"
#include "engine/gdb_target_xml.h"
#include "engine/gdbstub_target.h"

namespace seam::engine {
namespace {

using namespace std::chrono_literals;

// One accepted connection, seen from the stub's side.
class Peer {
 public:
  explicit Peer(int fd) : fd_(fd) {}
  ~Peer() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // The next byte, or -1 on EOF or after 3 s of silence.
  int read_byte() {
    if (pos_ < buffer_.size()) return static_cast<unsigned char>(buffer_[pos_++]);
    pollfd p{fd_, POLLIN, 0};
    if (fd_ < 0 || ::poll(&p, 1, 3000) <= 0) return -1;
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return -1;
    buffer_.assign(chunk, static_cast<size_t>(n));
    pos_ = 0;
    return static_cast<unsigned char>(buffer_[pos_++]);
  }
  // The next packet's payload (acks skipped), acked with '+' unless `ack` is false.
  std::optional<std::string> read_packet(bool ack = true) {
    int c;
    while ((c = read_byte()) != '$') {
      if (c < 0) return std::nullopt;
      if (c == 0x03) return std::string("\x03");
    }
    std::string payload;
    while ((c = read_byte()) != '#') {
      if (c < 0) return std::nullopt;
      payload += static_cast<char>(c);
    }
    read_byte();
    read_byte();
    if (ack) send_raw("+");
    return payload;
  }
  void send_raw(std::string_view bytes) {
    if (fd_ >= 0) (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }
  void reply(std::string_view payload) { send_raw(frame_packet(payload)); }
  // A payload sent as it is, unescaped (run-length encoded by the caller).
  void reply_raw(const std::string& payload) {
    send_raw("$" + payload + "#" +
             to_hex(std::string(1, static_cast<char>(packet_checksum(payload)))));
  }
  // Answers qSupported (the first packet of every connection).
  bool handshake(std::string_view features = "PacketSize=100;qXfer:features:read+") {
    auto packet = read_packet();
    if (!packet || packet->rfind("qSupported", 0) != 0) return false;
    reply(features);
    return true;
  }
  // Answers every packet with respond(packet) until the client goes away.
  void serve(const std::function<std::string(const std::string&)>& respond) {
    while (auto packet = read_packet()) reply(respond(*packet));
  }

 private:
  int fd_;
  std::string buffer_;
  size_t pos_ = 0;
};

// Listens on 127.0.0.1; runs `script` on each connection, in a thread.
class FakeStub {
 public:
  using Script = std::function<void(Peer&, int connection)>;
  explicit FakeStub(Script script) : script_(std::move(script)) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(listen_, reinterpret_cast<sockaddr*>(&address), length);
    ::listen(listen_, 4);
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeStub() {
    stop_ = true;
    thread_.join();
    ::close(listen_);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void run() {
    for (int connection = 0; !stop_;) {
      pollfd p{listen_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int fd = ::accept(listen_, nullptr, nullptr);
      if (fd < 0) continue;
      int one = 1;  // no Nagle delay between an ack and its reply
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      Peer peer(fd);
      script_(peer, connection++);
    }
  }
  Script script_;
  int listen_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

GdbRemoteOptions fast() {
  GdbRemoteOptions options;
  options.timeout = 300ms;
  options.connect_timeout = 1000ms;
  return options;
}

// --- The wire format ---------------------------------------------------------

TEST(GdbPacket, FramesWithChecksumAndEscapes) {
  EXPECT_EQ(frame_packet("g"), "$g#67");
  EXPECT_EQ(frame_packet("OK"), "$OK#9a");
  // '$', '#', '}' and '*' are escaped as '}' + (c ^ 0x20), the checksum over what is sent.
  std::string escaped =
      "a}\x03"
      "b";
  EXPECT_EQ(frame_packet("a#b"), "$" + escaped + "#43");
  EXPECT_EQ(packet_checksum(escaped), (0x61 + 0x7d + 0x03 + 0x62) & 0xff);
}

TEST(GdbPacket, DecodesRunLengthAndEscapes) {
  EXPECT_EQ(*decode_payload("0* "), "0000");         // ' ' = 32: 3 more
  EXPECT_EQ(*decode_payload("ab*\"c"), "abbbbbbc");  // '"' = 34: 5 more
  EXPECT_EQ(*decode_payload("x}\x03y"), "x#y");
  EXPECT_EQ(*decode_payload("}]"), "}");
  EXPECT_FALSE(decode_payload("*a"));      // nothing to repeat
  EXPECT_FALSE(decode_payload("a*"));      // no count
  EXPECT_FALSE(decode_payload("a}"));      // escape at the end
  EXPECT_FALSE(decode_payload("a*\x10"));  // count below zero
}

TEST(GdbPacket, Hex) {
  auto bytes = from_hex("00ff7F");
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->size(), 3u);
  EXPECT_EQ(static_cast<int>((*bytes)[2]), 0x7f);
  EXPECT_EQ(to_hex(std::string_view("hi")), "6869");
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
  EXPECT_EQ(*error_reply("E14"), "E14");
  EXPECT_FALSE(error_reply("OK"));
  EXPECT_FALSE(error_reply("E1"));
}

TEST(GdbPacket, ParsesStopReplies) {
  auto t = parse_stop_reply("T05thread:p01.02;swbreak:;");
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->signal, 5);
  EXPECT_EQ(*t->thread, 2);
  EXPECT_EQ(t->reason, "swbreak");
  auto w = parse_stop_reply("T05thread:01;watch:ffffffff81000000;");
  ASSERT_TRUE(w);
  EXPECT_EQ(*w->watch_address, 0xffffffff81000000ULL);
  auto s = parse_stop_reply("S02");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->signal, 2);
  auto exited = parse_stop_reply("W01");
  ASSERT_TRUE(exited);
  EXPECT_EQ(exited->kind, StopReply::Kind::kExited);
  EXPECT_EQ(exited->exit_status, 1);
  auto killed = parse_stop_reply("X09");
  ASSERT_TRUE(killed);
  EXPECT_EQ(killed->kind, StopReply::Kind::kTerminated);
  for (const char* bad : {"", "T", "Tzz", "T05thread", "T05thread:zz;", "Q05", "Wxy"}) {
    auto r = parse_stop_reply(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_NE(r.error().message().find("stop reply"), std::string::npos);
    }
  }
}

TEST(GdbTargetXml, FollowsIncludesAndNumbersRegisters) {
  std::map<std::string, std::string> files = {
      {"target.xml",
       "<?xml version=\"1.0\"?><!-- <reg name=\"fake\" bitsize=\"8\"/> -->"
       "<target><architecture>i386:x86-64</architecture>"
       "<xi:include href=\"core.xml\"/><xi:include href='sys.xml'/></target>"},
      {"core.xml",
       "<feature><reg name=\"rax\" bitsize=\"64\"/><reg name=\"rip\" bitsize=\"64\" "
       "type=\"code_ptr\"/><reg name=\"eflags\" bitsize=\"32\"/></feature>"},
      {"sys.xml", "<feature><reg name=\"cr3\" bitsize=\"64\" regnum=\"10\"/></feature>"}};
  auto layout = parse_target_xml("target.xml", [&](const std::string& f) -> Result<std::string> {
    auto it = files.find(f);
    if (it == files.end()) return Error("no " + f);
    return it->second;
  });
  ASSERT_TRUE(layout) << layout.error().message();
  EXPECT_EQ(layout->architecture, "i386:x86-64");
  ASSERT_EQ(layout->regs.size(), 4u);
  EXPECT_EQ(layout->find("rip")->offset, 8u);
  EXPECT_EQ(layout->find("eflags")->size(), 4u);
  EXPECT_EQ(layout->find("cr3")->regnum, 10);
  EXPECT_EQ(layout->find("cr3")->offset, 20u);
  EXPECT_EQ(layout->find("fake"), nullptr);

  files["core.xml"] = "<reg name=\"x\"/>";
  auto bad = parse_target_xml("target.xml", [&](const std::string& f) { return files[f]; });
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("bitsize"), std::string::npos);
  files["core.xml"] = "<xi:include href=\"core.xml\"/>";  // a loop
  EXPECT_FALSE(parse_target_xml("target.xml", [&](const std::string& f) { return files[f]; }));
}

// --- The client over a socket ------------------------------------------------

TEST(GdbRemote, ConnectErrorsNameTheAddress) {
  auto bad = GdbRemote::connect("nonsense", fast());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("HOST:PORT"), std::string::npos);
  // A port nobody listens on (bound, never listening).
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  std::string where = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  auto refused = GdbRemote::connect(where, fast());
  ::close(fd);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find(where), std::string::npos);
}

TEST(GdbRemote, ResendsOnNakAndAsksAgainOnBadChecksum) {
  std::atomic<int> naks_seen{0};
  FakeStub stub([&](Peer& peer, int) {
    // As QEMU does when a debugger connects to a running guest.
    peer.reply("T02thread:01;");
    if (!peer.handshake()) return;
    // Our first copy of "?" is refused: the client must send it again.
    if (!peer.read_packet(false)) return;
    peer.send_raw("-");
    if (peer.read_packet() != "?") return;
    // A reply with a wrong checksum: the client asks again with '-'.
    peer.send_raw("$S05#00");
    if (peer.read_byte() == '-') ++naks_seen;
    peer.reply("S05");
    peer.serve([](const std::string&) { return "OK"; });
  });
  auto remote = GdbRemote::connect(stub.address(), fast());
  ASSERT_TRUE(remote) << remote.error().message();
  EXPECT_EQ((*remote)->packet_size(), 0x100u);
  EXPECT_TRUE((*remote)->supports("qXfer:features:read"));
  auto stop = (*remote)->halt_reason();
  ASSERT_TRUE(stop) << stop.error().message();
  EXPECT_EQ(stop->signal, 5);
  EXPECT_EQ(naks_seen, 1);
}

TEST(GdbRemote, GivesUpOnAlwaysCorruptReplies) {
  FakeStub stub([](Peer& peer, int) {
    if (!peer.handshake()) return;
    while (peer.read_packet()) {
      for (int i = 0; i < 10; ++i) peer.send_raw("$OK#00");
    }
  });
  auto remote = GdbRemote::connect(stub.address(), fast());
  ASSERT_TRUE(remote) << remote.error().message();
  auto reply = (*remote)->request("qAttached");
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.error().message().find("checksum"), std::string::npos) << reply.error().message();
  EXPECT_NE(reply.error().message().find(stub.address()), std::string::npos);
}

TEST(GdbRemote, ReadsMemoryInBatchesWithRunLengthReplies) {
  std::vector<std::string> requests;
  FakeStub stub([&](Peer& peer, int) {
    if (!peer.handshake()) return;
    while (auto packet_or_end = peer.read_packet()) {
      const std::string& packet = *packet_or_end;
      requests.push_back(packet);
      // Zeros, run-length encoded.
      auto comma = packet.find(',');
      size_t length = std::stoul(packet.substr(comma + 1), nullptr, 16);
      std::string hex = "0";
      size_t left = length * 2 - 1;
      while (left > 0) {
        size_t run = std::min<size_t>(left, 97 - 29);
        if (run < 3) {
          hex.append(run, '0');
        } else {
          hex += '*';
          hex += static_cast<char>(run + 29);
        }
        left -= run;
      }
      peer.reply_raw(hex);
    }
  });
  auto remote = GdbRemote::connect(stub.address(), fast());
  ASSERT_TRUE(remote) << remote.error().message();
  std::vector<std::byte> out(300, std::byte{0xee});
  auto ok = (*remote)->read_memory(0x1000, out);
  ASSERT_TRUE(ok) << ok.error().message();
  for (std::byte b : out) ASSERT_EQ(b, std::byte{0});
  // PacketSize 0x100: at most 128 bytes an `m` (its reply is 256 hex digits).
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0], "m1000,80");
  EXPECT_EQ(requests[1], "m1080,80");
  EXPECT_EQ(requests[2], "m1100,2c");
}

TEST(GdbRemote, ErrorRepliesAndGarbageAreErrorsAndTheClientGoesOn) {
  FakeStub stub([](Peer& peer, int) {
    if (!peer.handshake()) return;
    peer.serve([&](const std::string& packet) -> std::string {
      if (packet.rfind("m", 0) == 0) return "E14";
      if (packet == "qGarbage") {
        peer.send_raw("hello, I am not a stub");
        return "OK";
      }
      if (packet == "qMalformed") {
        peer.send_raw("$O#zz");
        return "OK";
      }
      if (packet == "qHuge") {
        peer.send_raw("$" + std::string(17u << 20, 'a'));
        return "";
      }
      return "OK";
    });
  });
  auto remote = GdbRemote::connect(stub.address(), fast());
  ASSERT_TRUE(remote) << remote.error().message();
  std::vector<std::byte> out(8);
  auto read = (*remote)->read_memory(0xdead0000, out);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message().find("E14"), std::string::npos) << read.error().message();
  EXPECT_NE(read.error().message().find("0xdead0000"), std::string::npos);
  EXPECT_EQ(*(*remote)->request("qOk"), "OK");

  auto garbage = (*remote)->request("qGarbage");
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().message().find("unexpected byte"), std::string::npos)
      << garbage.error().message();
  EXPECT_EQ(*(*remote)->request("qOk"), "OK");

  auto malformed = (*remote)->request("qMalformed");
  ASSERT_FALSE(malformed);
  EXPECT_NE(malformed.error().message().find("malformed checksum"), std::string::npos)
      << malformed.error().message();
  EXPECT_EQ(*(*remote)->request("qOk"), "OK");

  auto huge = (*remote)->request("qHuge");
  ASSERT_FALSE(huge);
  EXPECT_NE(huge.error().message().find("longer than"), std::string::npos)
      << huge.error().message();
}

TEST(GdbRemote, SilentPeerTimesOutQuickly) {
  FakeStub stub([](Peer& peer, int) {
    if (!peer.handshake()) return;
    while (peer.read_packet()) {
      // acked, never answered
    }
  });
  auto remote = GdbRemote::connect(stub.address(), fast());
  ASSERT_TRUE(remote) << remote.error().message();
  auto start = std::chrono::steady_clock::now();
  auto reply = (*remote)->request("g");
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.error().message().find("timed out after 300 ms"), std::string::npos)
      << reply.error().message();
  EXPECT_NE(reply.error().message().find("'g'"), std::string::npos);
  EXPECT_LT(elapsed, 2s);
}

TEST(GdbRemote, ClosedConnectionIsAnErrorAndReconnectWorks) {
  FakeStub stub([](Peer& peer, int connection) {
    if (!peer.handshake()) return;
    if (connection == 0) {
      peer.read_packet();
      peer.close();  // mid-exchange
      return;
    }
    peer.serve([](const std::string&) { return "OK"; });
  });
  auto remote = GdbRemote::connect(stub.address(), fast());
  ASSERT_TRUE(remote) << remote.error().message();
  auto reply = (*remote)->request("qC");
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.error().message().find("closed"), std::string::npos) << reply.error().message();
  EXPECT_FALSE((*remote)->connected());
  auto again = (*remote)->request("qC");
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message().find("not connected"), std::string::npos);
  ASSERT_TRUE((*remote)->reconnect());
  EXPECT_EQ(*(*remote)->request("qC"), "OK");
}

TEST(GdbRemote, InterruptStopsARunningTarget) {
  FakeStub stub([](Peer& peer, int) {
    if (!peer.handshake()) return;
    while (auto packet = peer.read_packet()) {
      if (*packet == "vCont?") peer.reply("vCont;c;C;s;S");
      if (*packet == "\x03") peer.reply("T02thread:p01.02;");
      // vCont;c: acked, the stop comes with the interrupt.
    }
  });
  auto remote = GdbRemote::connect(stub.address(), fast());
  ASSERT_TRUE(remote) << remote.error().message();
  ASSERT_TRUE((*remote)->resume_all());
  auto nothing = (*remote)->wait_for_stop(100ms);
  ASSERT_TRUE(nothing);
  EXPECT_FALSE(nothing->has_value());
  std::atomic<bool> cancel{true};
  auto cancelled = (*remote)->wait_for_stop(10s, &cancel);
  ASSERT_TRUE(cancelled);
  EXPECT_FALSE(cancelled->has_value());
  ASSERT_TRUE((*remote)->interrupt());
  auto stop = (*remote)->wait_for_stop(2s);
  ASSERT_TRUE(stop) << stop.error().message();
  ASSERT_TRUE(stop->has_value());
  EXPECT_EQ((*stop)->signal, 2);
  EXPECT_EQ(*(*stop)->thread, 2);
}

TEST(GdbRemote, MonitorGathersConsoleOutput) {
  FakeStub stub([](Peer& peer, int) {
    if (!peer.handshake()) return;
    while (auto packet = peer.read_packet()) {
      if (*packet == "qRcmd," + to_hex(std::string_view("info status"))) {
        peer.reply("O" + to_hex(std::string_view("VM status: ")));
        peer.reply("O" + to_hex(std::string_view("paused\n")));
        peer.reply("OK");
      } else {
        peer.reply("");
      }
    }
  });
  auto remote = GdbRemote::connect(stub.address(), fast());
  ASSERT_TRUE(remote) << remote.error().message();
  auto out = (*remote)->monitor("info status");
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(*out, "VM status: paused\n");
  auto unsupported = (*remote)->monitor("nope");
  ASSERT_FALSE(unsupported);
}

// --- GdbstubTarget over a scripted QEMU-like stub ------------------------------

// Two vCPUs (threads 1 and 2); memory byte at A is A & 0xff (virtual) or
// (A + 1) & 0xff (physical).
struct FakeQemu {
  std::atomic<int> memory_reads{0};
  std::mutex requests_mutex;
  std::vector<std::string> memory_requests;  // the `m` packets, in order
  FakeStub stub;

  std::vector<std::string> take_memory_requests() {
    std::lock_guard lock(requests_mutex);
    return std::exchange(memory_requests, {});
  }

  FakeQemu()
      : stub([this](Peer& peer, int) {
          if (!peer.handshake("PacketSize=1000;qXfer:features:read+;multiprocess+")) return;
          std::string thread = "1";
          bool physical = false;
          while (auto packet = peer.read_packet()) {
            const std::string& p = *packet;
            if (p.rfind("qXfer:features:read:target.xml:", 0) == 0) {
              peer.reply(
                  "l<target><architecture>i386:x86-64</architecture>"
                  "<xi:include href=\"core.xml\"/></target>");
            } else if (p.rfind("qXfer:features:read:core.xml:0,", 0) == 0) {
              peer.reply(
                  "m<feature><reg name=\"rax\" bitsize=\"64\"/><reg name=\"rsp\" bitsize=\"64\"/>");
            } else if (p.rfind("qXfer:features:read:core.xml:", 0) == 0) {
              peer.reply(
                  "l<reg name=\"rip\" bitsize=\"64\"/><reg name=\"eflags\" bitsize=\"32\"/>"
                  "<reg name=\"k_gs_base\" bitsize=\"64\"/><reg name=\"cr3\" bitsize=\"64\"/>"
                  "<reg name=\"xmm0\" bitsize=\"128\"/></feature>");
            } else if (p == "?") {
              peer.reply("T05thread:p01.01;");
            } else if (p == "qfThreadInfo") {
              peer.reply("mp01.01,p01.02");
            } else if (p == "qsThreadInfo") {
              peer.reply("l");
            } else if (p.rfind("Hg", 0) == 0) {
              thread = p.substr(2);
              peer.reply("OK");
            } else if (p == "g") {
              std::string t = thread == "2" ? "02" : "01";
              // rax rsp rip eflags k_gs_base cr3 xmm0
              peer.reply(t + "00000000000000" + "0010000000000000" + "00000081ffffffff" +
                         "46020000" + "efbeadde00000000" + "00f0ff0100000000" +
                         std::string(32, '0'));
            } else if (p.rfind("Qqemu.PhyMemMode:", 0) == 0) {
              physical = p.back() == '1';
              peer.reply("OK");
            } else if (p[0] == 'm') {
              ++memory_reads;
              {
                std::lock_guard lock(requests_mutex);
                memory_requests.push_back(p);
              }
              auto comma = p.find(',');
              uint64_t address = std::stoull(p.substr(1, comma - 1), nullptr, 16);
              size_t length = std::stoul(p.substr(comma + 1), nullptr, 16);
              if (address >= 0x800000000000ULL && address < 0xffff800000000000ULL) {
                peer.reply("E14");
                continue;
              }
              std::vector<std::byte> bytes(length);
              for (size_t i = 0; i < length; ++i) {
                bytes[i] = static_cast<std::byte>((address + i + (physical ? 1 : 0)) & 0xff);
              }
              peer.reply(to_hex(std::span<const std::byte>(bytes)));
            } else if (p == "vCont?") {
              peer.reply("vCont;c;C;s;S");
            } else if (p == "vCont;c") {
              peer.reply("T05thread:p01.02;hwbreak:;");
            } else if (p.rfind("vCont;s:", 0) == 0) {
              peer.reply("T05thread:p01." + p.substr(8) + ";");
            } else if (p.rfind("Z1,", 0) == 0 || p.rfind("z1,", 0) == 0) {
              peer.reply("OK");
            } else if (p == "D;1") {
              peer.reply("OK");
            } else {
              peer.reply("");
            }
          }
        }) {}
};

TEST(GdbstubTarget, RegistersMemoryCachesAndControl) {
  FakeQemu qemu;
  GdbstubOptions options;
  options.remote = fast();
  auto target = GdbstubTarget::connect(qemu.stub.address(), options);
  ASSERT_TRUE(target) << target.error().message();
  GdbstubTarget& t = **target;
  EXPECT_EQ(t.cpu_count(), 2);
  EXPECT_EQ(t.describe(), "gdbstub " + qemu.stub.address() + " (i386:x86-64, 2 vCPUs, stopped)");
  ASSERT_TRUE(t.last_stop());
  EXPECT_EQ(t.last_stop()->cpu, 0);

  auto regs = t.registers(1);
  ASSERT_TRUE(regs) << regs.error().message();
  EXPECT_EQ(*regs->get(Reg::kRax), 2u);
  EXPECT_EQ(*regs->get(Reg::kRsp), 0x1000u);
  EXPECT_EQ(*regs->get(Reg::kRip), 0xffffffff81000000ULL);
  EXPECT_EQ(*regs->get(Reg::kRflags), 0x246u);
  EXPECT_EQ(*regs->get(Reg::kKernelGsBase), 0xdeadbeefu);
  EXPECT_EQ(*regs->get(Reg::kCr3), 0x1fff000u);
  EXPECT_FALSE(regs->get(Reg::kCr4));
  EXPECT_EQ(*t.registers(0)->get(Reg::kRax), 1u);
  auto raw = t.raw_registers(0);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->back().name, "xmm0");
  EXPECT_EQ(raw->back().bytes.size(), 16u);
  EXPECT_FALSE(raw->back().value());
  EXPECT_FALSE(t.registers(2));

  // Cached pages: a second read of the same page asks the stub nothing.
  std::vector<std::byte> out(16);
  ASSERT_TRUE(t.read_virtual(0xffffffff81000ff8, out));
  EXPECT_EQ(out[0], std::byte{0xf8});
  EXPECT_EQ(out[8], std::byte{0x00});  // the next page
  int reads = qemu.memory_reads;
  ASSERT_TRUE(t.read_virtual(0xffffffff81000ffc, out));
  EXPECT_EQ(qemu.memory_reads, reads);
  ASSERT_TRUE(t.read_physical(0x2000, out));
  EXPECT_EQ(out[0], std::byte{0x01});
  auto bad = t.read_virtual(0x900000000000ULL, out);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("virtual address 0x900000000000"), std::string::npos)
      << bad.error().message();

  // Control: a breakpoint hit on CPU 1; resuming dropped the caches.
  ASSERT_TRUE(t.set_breakpoint(BreakpointType::kHardware, 0xffffffff81000000));
  auto stop = t.cont({});
  ASSERT_TRUE(stop) << stop.error().message();
  EXPECT_EQ(stop->cpu, 1);
  EXPECT_EQ(stop->reply.reason, "hwbreak");
  EXPECT_FALSE(stop->interrupted);
  reads = qemu.memory_reads;
  ASSERT_TRUE(t.read_virtual(0xffffffff81000ffc, out));
  EXPECT_GT(qemu.memory_reads, reads);
  auto step = t.step(0);
  ASSERT_TRUE(step) << step.error().message();
  EXPECT_EQ(step->cpu, 0);
  ASSERT_TRUE(t.remove_breakpoint(BreakpointType::kHardware, 0xffffffff81000000));
  auto monitor = t.monitor("info status");
  EXPECT_FALSE(monitor);  // this stub has none: an error, not a hang
  ASSERT_TRUE(t.detach());
  EXPECT_TRUE(t.running());
  EXPECT_FALSE(t.read_virtual(0xffffffff81000000, out));
}

TEST(GdbstubTarget, CachesLinesAndFetchesTheMissingOnesOfAReadTogether) {
  FakeQemu qemu;
  GdbstubOptions options;
  options.remote = fast();
  auto target = GdbstubTarget::connect(qemu.stub.address(), options);
  ASSERT_TRUE(target) << target.error().message();
  GdbstubTarget& t = **target;

  // Default lines: what one `m` carries (PacketSize 0x1000: 0x800 bytes).
  std::vector<std::byte> field(8);
  ASSERT_TRUE(t.read_virtual(0xffffffff81000ffc, field));
  EXPECT_EQ(field[0], std::byte{0xfc});
  EXPECT_EQ(field[4], std::byte{0x00});
  EXPECT_EQ(qemu.take_memory_requests(),
            (std::vector<std::string>{"mffffffff81000800,800", "mffffffff81001000,800"}));
  ASSERT_TRUE(t.read_virtual(0xffffffff81000900, field));
  EXPECT_TRUE(qemu.take_memory_requests().empty());

  // 256-byte lines: a read's missing lines in one `m`, the cached ones skipped.
  options.cache_line = 256;
  target->reset();  // the stub serves one connection at a time
  target = GdbstubTarget::connect(qemu.stub.address(), options);
  ASSERT_TRUE(target) << target.error().message();
  GdbstubTarget& small = **target;
  ASSERT_TRUE(small.read_virtual(0xffffffff81000208, field));
  std::vector<std::byte> block(1000);
  ASSERT_TRUE(small.read_virtual(0xffffffff810000f0, block));
  EXPECT_EQ(block[0], std::byte{0xf0});
  EXPECT_EQ(block[999], std::byte{(0xf0 + 999) & 0xff});
  EXPECT_EQ(qemu.take_memory_requests(),
            (std::vector<std::string>{"mffffffff81000200,100", "mffffffff81000000,200",
                                      "mffffffff81000300,200"}));
  // Unmapped: the error names the read's address, not its line's.
  auto bad = small.read_virtual(0x900000000010ULL, field);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("virtual address 0x900000000010"), std::string::npos)
      << bad.error().message();
}

TEST(GdbstubTarget, RefusesAStubWithoutRegisterDescription) {
  FakeStub stub([](Peer& peer, int) {
    if (!peer.handshake("PacketSize=1000")) return;
    peer.serve([](const std::string&) { return ""; });
  });
  GdbstubOptions options;
  options.remote = fast();
  auto target = GdbstubTarget::connect(stub.address(), options);
  ASSERT_FALSE(target);
  EXPECT_NE(target.error().message().find("qXfer:features:read"), std::string::npos)
      << target.error().message();
}

}  // namespace
}  // namespace seam::engine
