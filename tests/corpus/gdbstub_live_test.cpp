// GdbstubTarget on a live kernel under QEMU's gdbstub. These tests need a
// running guest: tests/integration/test_gdbstub_target.py boots the corpus
// kernel, runs them with SEAM_GDBSTUB=127.0.0.1:PORT, and compares what they
// write to SEAM_GDBSTUB_OUT with what gdb reads on the same halted guest.
// Without SEAM_GDBSTUB they are skipped.
//
// Output lines (for the Python side):
//   reg CPU NAME 0xVALUE       every register of at most 64 bits, each vCPU
//   virt 0xADDRESS HEX         virtual memory (linux_banner where KASLR put it)
//   phys 0xADDRESS HEX         physical memory
//   kaslr 0xOFFSET
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/gdb_packet.h"
#include "engine/gdbstub_target.h"
#include "engine/linux_kernel.h"
#include "symbolizer/printf_format.h"
#include "tests/corpus/corpus_paths.h"

namespace seam::engine {
namespace {

namespace fs = std::filesystem;

using namespace seam::test;

const char* stub_address() {
  return std::getenv("SEAM_GDBSTUB");
}

std::unique_ptr<GdbstubTarget> connect_or_fail() {
  GdbstubOptions options;
  options.remote.timeout = std::chrono::seconds(10);
  auto target = GdbstubTarget::connect(stub_address(), options);
  EXPECT_TRUE(target) << target.error().message();
  if (!target) return nullptr;
  return std::move(*target);
}

std::string hex_of(const std::vector<std::byte>& bytes) {
  return to_hex(std::span<const std::byte>(bytes));
}

TEST(GdbstubLive, ReadsWhatGdbReads) {
  if (!stub_address()) {
    GTEST_FAIL()
        << "needs a live guest: tests/integration/test_gdbstub_target.py boots one and "
           "runs these with SEAM_GDBSTUB=HOST:PORT (ctest's corpus_engine leaves them out)";
  }
  const char* out_path = std::getenv("SEAM_GDBSTUB_OUT");
  ASSERT_NE(out_path, nullptr);
  std::ofstream out(out_path);

  std::unique_ptr<GdbstubTarget> target = connect_or_fail();
  ASSERT_TRUE(target);
  EXPECT_FALSE(target->running());
  ASSERT_GE(target->cpu_count(), 1);
  for (int cpu = 0; cpu < target->cpu_count(); ++cpu) {
    auto regs = target->registers(cpu);
    ASSERT_TRUE(regs) << regs.error().message();
    // A running kernel: every vCPU in the kernel half, paging on.
    EXPECT_GE(*regs->get(Reg::kRip), 0xffff800000000000ULL) << "cpu " << cpu;
    EXPECT_NE(*regs->get(Reg::kCr3), 0u);
    EXPECT_TRUE(regs->get(Reg::kGsBase));
    auto raw = target->raw_registers(cpu);
    ASSERT_TRUE(raw) << raw.error().message();
    for (const RawRegister& reg : *raw) {
      if (auto value = reg.value())
        out << "reg " << cpu << ' ' << reg.name << ' ' << hex(*value) << '\n';
    }
  }

  auto vmlinux = Binary::open(vmlinux_path().string(), LoadOptions{});
  ASSERT_TRUE(vmlinux) << vmlinux.error().message();
  auto kernel = LinuxKernel::open(*target, **vmlinux, {});
  ASSERT_TRUE(kernel) << kernel.error().message();
  // Every vCPU is in the kernel: CPU 0's rip names the KASLR slot.
  EXPECT_EQ((*kernel)->kaslr_source(), "found by Seam (linux_banner, from CPU 0's rip)");
  out << "kaslr " << hex((*kernel)->kaslr_offset()) << '\n';

  auto banner_link = (*vmlinux)->symbol_address("linux_banner");
  ASSERT_TRUE(banner_link);
  auto expected = (*vmlinux)->read_string_at(*banner_link, 256);
  ASSERT_TRUE(expected);
  uint64_t banner = (*kernel)->to_runtime(*banner_link);
  std::vector<std::byte> bytes(expected->size());
  ASSERT_TRUE(target->read_virtual(banner, bytes));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), *expected);
  out << "virt " << hex(banner) << ' ' << hex_of(bytes) << '\n';

  // The same bytes through physical memory, where the page tables put them.
  auto physical = (*kernel)->memory().translate(banner);
  ASSERT_TRUE(physical) << physical.error().message();
  std::vector<std::byte> again(bytes.size());
  ASSERT_TRUE(target->read_physical(*physical, again));
  EXPECT_EQ(again, bytes);
  out << "phys " << hex(*physical) << ' ' << hex_of(again) << '\n';

  // Reads that cross pages and do not start at one; low memory.
  for (uint64_t address : {*physical + 4000, uint64_t{0x1000}, uint64_t{0x9fff0}}) {
    std::vector<std::byte> data(200);
    auto ok = target->read_physical(address, data);
    ASSERT_TRUE(ok) << ok.error().message();
    out << "phys " << hex(address) << ' ' << hex_of(data) << '\n';
  }
  // init_task's comm through the kernel model (virtual reads, cached pages).
  auto init = (*kernel)->symbol_address("init_task");
  ASSERT_TRUE(init);
  auto comm = (*kernel)->read_member_string(*init, "task_struct", "comm");
  ASSERT_TRUE(comm) << comm.error().message();
  EXPECT_EQ(*comm, "swapper/0");

  // Unmapped memory is an error naming the address; the target stays usable.
  std::vector<std::byte> small(8);
  auto bad = target->read_virtual(0x10, small);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("0x10"), std::string::npos) << bad.error().message();
  EXPECT_TRUE(target->read_virtual(banner, small));
  out.close();
  // The destructor leaves the guest stopped for gdb to look at.
}

TEST(GdbstubLive, ControlsTheGuest) {
  if (!stub_address()) {
    GTEST_FAIL()
        << "needs a live guest: tests/integration/test_gdbstub_target.py boots one and "
           "runs these with SEAM_GDBSTUB=HOST:PORT (ctest's corpus_engine leaves them out)";
  }
  std::unique_ptr<GdbstubTarget> target = connect_or_fail();
  ASSERT_TRUE(target);

  auto monitor = target->monitor("info status");
  ASSERT_TRUE(monitor) << monitor.error().message();
  EXPECT_NE(monitor->find("paused"), std::string::npos) << *monitor;

  // Running, reads are refused; a timeout interrupts the guest.
  auto stop = target->cont({.timeout = std::chrono::milliseconds(300)});
  ASSERT_TRUE(stop) << stop.error().message();
  EXPECT_TRUE(stop->interrupted);
  EXPECT_TRUE(stop->cpu.has_value()) << stop->reply.packet;
  EXPECT_FALSE(target->running());

  // A cancel from another thread interrupts too.
  ASSERT_TRUE(target->resume());
  std::vector<std::byte> byte(1);
  auto refused = target->read_virtual(0xffffffff81000000, byte);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("running"), std::string::npos);
  std::atomic<bool> cancel{true};
  auto waited = target->wait(std::chrono::seconds(10), &cancel);
  ASSERT_TRUE(waited);
  EXPECT_FALSE(waited->has_value());
  auto interrupted = target->interrupt();
  ASSERT_TRUE(interrupted) << interrupted.error().message();

  // A hardware breakpoint in the timer interrupt path: some vCPU gets there.
  auto vmlinux = Binary::open(vmlinux_path().string(), LoadOptions{});
  ASSERT_TRUE(vmlinux) << vmlinux.error().message();
  auto kernel = LinuxKernel::open(*target, **vmlinux, {});
  ASSERT_TRUE(kernel) << kernel.error().message();
  auto function = (*kernel)->symbol_address("hrtimer_interrupt");
  ASSERT_TRUE(function);
  ASSERT_TRUE(target->set_breakpoint(BreakpointType::kHardware, *function));
  stop = target->cont({.timeout = std::chrono::seconds(20)});
  ASSERT_TRUE(stop) << stop.error().message();
  EXPECT_FALSE(stop->interrupted) << "no vCPU reached hrtimer_interrupt in 20 s";
  ASSERT_TRUE(stop->cpu.has_value()) << stop->reply.packet;
  auto regs = target->registers(*stop->cpu);
  ASSERT_TRUE(regs);
  EXPECT_EQ(*regs->get(Reg::kRip), *function);
  ASSERT_TRUE(target->remove_breakpoint(BreakpointType::kHardware, *function));

  // One instruction on that vCPU: rip moves into the function's body.
  int cpu = *stop->cpu;
  auto stepped = target->step(cpu);
  ASSERT_TRUE(stepped) << stepped.error().message();
  auto after = target->registers(cpu);
  ASSERT_TRUE(after);
  EXPECT_GT(*after->get(Reg::kRip), *function);
  EXPECT_LT(*after->get(Reg::kRip), *function + 16);

  // Software breakpoints too (QEMU keeps them itself: memory is unchanged).
  ASSERT_TRUE(target->set_breakpoint(BreakpointType::kSoftware, *function));
  stop = target->cont({.timeout = std::chrono::seconds(20)});
  ASSERT_TRUE(stop) << stop.error().message();
  EXPECT_FALSE(stop->interrupted);
  ASSERT_TRUE(target->remove_breakpoint(BreakpointType::kSoftware, *function));
  auto detached = target->detach();
  ASSERT_TRUE(detached) << detached.error().message();
  EXPECT_TRUE(target->running());
}

}  // namespace
}  // namespace seam::engine
