// GdbRemote: a GDB Remote Serial Protocol client over TCP, as QEMU's gdbstub
// speaks it. Every exchange has a timeout; a closed connection, a malformed
// or corrupt packet, or an `E xx` reply is an Error naming the stub's
// HOST:PORT and the command, never a hang. After an error the client drops
// whatever the stub still sends and stays usable; reconnect() starts over.
//
//   Result<std::unique_ptr<GdbRemote>> remote = GdbRemote::connect("127.0.0.1:1234", {});
//   if (!remote) die(remote.error().message());  // "gdbstub 127.0.0.1:1234: connection refused"
//   std::vector<int64_t> threads = *(*remote)->thread_ids();
//   (*remote)->select_thread('g', threads[0]);
//   std::vector<std::byte> g = *(*remote)->read_registers();
//   std::vector<std::byte> page(4096);
//   (*remote)->read_memory(0xffffffff81000000, page);
//   std::string out = *(*remote)->monitor("info mtree");
//
// Acknowledgement mode is kept (QEMU 7.2 has no QStartNoAckMode): each packet
// is resent on '-'. Console output (`O` packets) is gathered for monitor().
//
// Traffic is counted (stats()); with SEAM_RSP_STATS=1 in the environment the
// client prints "rsp: N packets, B bytes sent, R bytes received" to stderr
// when it is destroyed, for benchmarks that compare it with gdb's.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gdb_packet.h"
#include "engine/gdb_target_xml.h"
#include "symbolizer/result.h"

namespace seam::engine {

struct GdbRemoteOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // How long one exchange (a packet out, its ack, its reply) may take.
  std::chrono::milliseconds timeout{10000};
  // How many times a packet is resent when the peer asks ('-'), and how many
  // corrupt packets in a row are asked again before giving up.
  int retries = 3;
};

enum class BreakpointType { kSoftware, kHardware };

// What went over the wire since connect(), across reconnects.
struct RspStats {
  uint64_t packets_sent = 0;  // framed packets written, resends included
  uint64_t bytes_sent = 0;    // packets, acks and interrupts
  uint64_t bytes_received = 0;
};

class GdbRemote {
 public:
  // "HOST:PORT" (or "[V6ADDR]:PORT"). Connects and negotiates qSupported.
  static Result<std::unique_ptr<GdbRemote>> connect(const std::string& address,
                                                    const GdbRemoteOptions& options);
  ~GdbRemote();
  GdbRemote(const GdbRemote&) = delete;
  GdbRemote& operator=(const GdbRemote&) = delete;

  const std::string& address() const { return address_; }
  bool connected() const { return fd_ >= 0; }
  Result<void> reconnect();
  void close();
  void set_timeout(std::chrono::milliseconds timeout) { options_.timeout = timeout; }
  // True when the stub announced a stop of its own as we connected: QEMU
  // does so only when it had to stop a running guest for us.
  bool connect_stopped_guest() const { return connect_stopped_guest_; }

  // One exchange: sends `packet`, waits for its ack and the reply (gathering
  // `O` console packets before it). An `E xx` reply is an Error.
  Result<std::string> request(std::string_view packet);
  // Sends `packet` and waits for its ack only (resume packets: the reply is
  // the stop, much later).
  Result<void> send(std::string_view packet);

  // What qSupported said: the largest packet the stub takes, its features.
  size_t packet_size() const { return packet_size_; }
  bool supports(std::string_view feature) const;  // "qXfer:features:read"

  const RspStats& stats() const { return stats_; }

  // qXfer:features:read of one description file, whole.
  Result<std::string> read_feature(const std::string& file);
  // target.xml and its includes.
  Result<RegisterLayout> read_register_layout();

  Result<StopReply> halt_reason();  // `?`
  // qfThreadInfo/qsThreadInfo, in the stub's order (QEMU: vCPU order).
  Result<std::vector<int64_t>> thread_ids();
  // `Hg` (registers, memory) or `Hc` (resume) of one thread.
  Result<void> select_thread(char op, int64_t thread);

  Result<std::vector<std::byte>> read_registers();  // `g`; "xx" (unavailable) bytes read as 0
  Result<std::vector<std::byte>> read_register(int regnum);  // `p`
  // The most bytes one `m` asks for: half the packet size (two hex digits a byte).
  size_t memory_chunk() const;
  // `m`, split to fit packet_size(); the error names the first address that failed.
  Result<void> read_memory(uint64_t address, std::span<std::byte> out);
  Result<void> write_memory(uint64_t address, std::span<const std::byte> data);  // `M`
  // QEMU's Qqemu.PhyMemMode: `m`/`M` address physical memory while on.
  Result<void> set_physical_memory_mode(bool on);

  Result<void> insert_breakpoint(BreakpointType type, uint64_t address, int kind = 1);
  Result<void> remove_breakpoint(BreakpointType type, uint64_t address, int kind = 1);

  // Resumes every thread (`vCont;c`, else `c`), or steps one (`vCont;s:T`,
  // else `Hc` + `s`) while the others stay stopped. Returns once acked.
  Result<void> resume_all();
  Result<void> step_thread(int64_t thread);
  // Waits for the stop reply after a resume: nullopt when `timeout` passes or
  // `*cancel` becomes true first (the guest still runs: interrupt()).
  Result<std::optional<StopReply>> wait_for_stop(std::chrono::milliseconds timeout,
                                                 const std::atomic<bool>* cancel = nullptr);
  // Ctrl-C (0x03): asks a running target to stop; the stop reply follows.
  Result<void> interrupt();

  // qRcmd: a monitor command ("info registers"); its output from `O` packets.
  Result<std::string> monitor(std::string_view command);

  // `D`: the stub resumes the guest and forgets us; the connection closes.
  Result<void> detach();

 private:
  GdbRemote(std::string address, std::string host, std::string port, GdbRemoteOptions options);
  using Clock = std::chrono::steady_clock;
  Result<void> open_socket();
  Result<void> handshake();
  Error fail(const std::string& what);  // closes nothing, marks the stream suspect
  Error closed(const std::string& what);
  void drain();
  Result<void> write_all(std::string_view bytes, Clock::time_point deadline,
                         const std::string& what);
  Result<char> read_byte(Clock::time_point deadline, const std::string& what);
  Result<void> send_packet(std::string_view payload, const std::string& what);
  Result<std::string> read_packet(Clock::time_point deadline, const std::string& what);
  Result<std::string> read_reply(const std::string& what);
  std::string describe(std::string_view packet) const;

  std::string address_;
  std::string host_;
  std::string port_;
  GdbRemoteOptions options_;
  int fd_ = -1;
  std::string input_;  // received, not yet consumed
  size_t input_pos_ = 0;
  bool suspect_ = false;                      // an exchange failed midway: drop stale input first
  std::optional<std::string> pending_reply_;  // a reply that came without its ack
  size_t packet_size_ = 0x400;
  std::vector<std::string> features_;
  std::optional<bool> vcont_;
  uint64_t process_id_ = 1;  // from "pPID.TID" thread ids
  std::string console_;      // `O` output since the last monitor() started
  bool connect_stopped_guest_ = false;
  RspStats stats_;
};

}  // namespace seam::engine
