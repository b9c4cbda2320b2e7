// The text and JSON formats of seam's session commands, over hand-filled
// engine structs (no dump needed).
#include "cli/session_printer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

namespace seam::cli {
namespace {

using engine::AddressSpace;
using engine::LogRecord;
using engine::ModuleInfo;
using engine::SymbolInfo;
using engine::SystemInfo;
using engine::Task;
using engine::TaskRef;

SystemInfo sample_system() {
  SystemInfo info;
  info.dump_path = "/path/vmcore.kdump";
  info.dump_format = "kdump-compressed (zlib)";
  info.vmlinux_path = "/path/vmlinux-6.1.0-56-cloud-amd64";
  info.release = "6.1.0-56-cloud-amd64";
  info.version = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-01-01)";
  info.machine = "x86_64";
  info.nodename = "(none)";
  info.cpus = 2;
  info.dump_cpus = 2;
  info.memory_bytes = 114923520;  // 109.6 MiB
  info.uptime_seconds = 3.12;
  info.panic_message = "sysrq triggered crash";
  info.crashed_cpu = 0;
  info.crashed_task = TaskRef{1, "init", 0xffff8880033b0000};
  info.kaslr_offset = 0xe800000;
  info.kaslr_source = "VMCOREINFO";
  info.paging_levels = 5;
  return info;
}

template <typename Print>
std::string render(bool json, Print print) {
  std::ostringstream out;
  SessionPrinter printer(out, json);
  print(printer);
  return out.str();
}

TEST(SessionPrinterTest, SysTextIsRightAligned) {
  std::string text = render(false, [](SessionPrinter& p) { p.system_info(sample_system()); });
  EXPECT_EQ(text,
            "    DUMPFILE: /path/vmcore.kdump\n"
            " DUMP FORMAT: kdump-compressed (zlib)\n"
            "     VMLINUX: /path/vmlinux-6.1.0-56-cloud-amd64\n"
            "     RELEASE: 6.1.0-56-cloud-amd64\n"
            "     VERSION: #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-01-01)\n"
            "     MACHINE: x86_64\n"
            "    NODENAME: (none)\n"
            "        CPUS: 2 (2 in the dump)\n"
            "      MEMORY: 109.6 MiB\n"
            "      UPTIME: 00:00:03 (3.12 s)\n"
            "       PANIC: \"sysrq triggered crash\"\n"
            " CRASHED CPU: 0\n"
            "CRASHED TASK: PID 1 \"init\" (task 0xffff8880033b0000)\n"
            "KASLR OFFSET: 0xe800000 (VMCOREINFO)\n"
            "      PAGING: 5-level\n");
}

TEST(SessionPrinterTest, SysTextSaysUnknown) {
  SystemInfo info;
  info.dump_path = "/d";
  info.dump_cpus = 1;
  std::string text = render(false, [&](SessionPrinter& p) { p.system_info(info); });
  EXPECT_NE(text.find("     RELEASE: unknown\n"), std::string::npos) << text;
  EXPECT_NE(text.find("        CPUS: unknown (1 in the dump)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("      MEMORY: unknown\n"), std::string::npos) << text;
  EXPECT_NE(text.find("      UPTIME: unknown\n"), std::string::npos) << text;
  EXPECT_NE(text.find("       PANIC: unknown\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" CRASHED CPU: unknown\n"), std::string::npos) << text;
  EXPECT_NE(text.find("CRASHED TASK: unknown\n"), std::string::npos) << text;
  EXPECT_NE(text.find("KASLR OFFSET: unknown\n"), std::string::npos) << text;
  EXPECT_NE(text.find("      PAGING: unknown\n"), std::string::npos) << text;
}

TEST(SessionPrinterTest, SysJson) {
  EXPECT_EQ(
      render(true, [](SessionPrinter& p) { p.system_info(sample_system()); }),
      R"J({"dump_path":"/path/vmcore.kdump","dump_format":"kdump-compressed (zlib)",)J"
      R"J("live":"","live_state":"","no_kernel_model":null,)J"
      R"J("vmlinux_path":"/path/vmlinux-6.1.0-56-cloud-amd64","release":"6.1.0-56-cloud-amd64",)J"
      R"J("version":"#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-01-01)","machine":"x86_64",)J"
      R"J("nodename":"(none)","cpus":2,"dump_cpus":2,"memory_bytes":114923520,)J"
      R"J("uptime_seconds":3.12,"panic_message":"sysrq triggered crash","crashed_cpu":0,)J"
      R"J("crashed_task":{"pid":1,"comm":"init","address":"0xffff8880033b0000"},)J"
      R"J("kaslr_offset":"0xe800000","kaslr_source":"VMCOREINFO","paging_levels":5})J"
      "\n");
  SystemInfo empty;
  std::string json = render(true, [&](SessionPrinter& p) { p.system_info(empty); });
  EXPECT_NE(json.find(R"J("uptime_seconds":null)J"), std::string::npos) << json;
  EXPECT_NE(json.find(R"J("crashed_cpu":null,"crashed_task":null)J"), std::string::npos) << json;
  EXPECT_NE(json.find(R"J("kaslr_offset":"0x0")J"), std::string::npos) << json;
}

// A live kernel: where it is instead of a dump file, and no crash when it has
// not panicked.
TEST(SessionPrinterTest, SysLive) {
  SystemInfo info = sample_system();
  info.dump_path.clear();
  info.dump_format = "gdbstub 127.0.0.1:1234 (i386:x86-64, 2 vCPUs, stopped)";
  info.live = "QEMU gdbstub 127.0.0.1:1234";
  info.live_state = "stopped (it was stopped when Seam connected, and stays stopped)";
  info.panic_message.clear();
  info.crashed_cpu.reset();
  info.crashed_task.reset();
  std::string text = render(false, [&](SessionPrinter& p) { p.system_info(info); });
  EXPECT_NE(text.find("        LIVE: QEMU gdbstub 127.0.0.1:1234\n"), std::string::npos) << text;
  EXPECT_NE(text.find("      TARGET: gdbstub 127.0.0.1:1234 (i386"), std::string::npos) << text;
  EXPECT_NE(text.find("       STATE: stopped (it was stopped"), std::string::npos) << text;
  EXPECT_NE(text.find("        CPUS: 2 (2 vCPUs)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("       PANIC: none: the kernel has not panicked"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("DUMPFILE"), std::string::npos) << text;
  EXPECT_EQ(text.find("CRASHED"), std::string::npos) << text;
}

TEST(SessionPrinterTest, SysBareMetal) {
  SystemInfo info;
  info.dump_path = "/tmp/bare.vmcore";
  info.dump_format = "ELF core (physical)";
  info.vmlinux_path = "/b/seam-baremetal.elf";
  info.no_kernel_model = "no Linux kernel here (/b/seam-baremetal.elf has no linux_banner)";
  info.dump_cpus = 1;
  info.crashed_cpu = 0;
  info.paging_levels = 4;
  std::string text = render(false, [&](SessionPrinter& p) { p.system_info(info); });
  EXPECT_EQ(text,
            "   DUMPFILE: /tmp/bare.vmcore\n"
            "DUMP FORMAT: ELF core (physical)\n"
            "        ELF: /b/seam-baremetal.elf\n"
            "     KERNEL: no Linux kernel here (/b/seam-baremetal.elf has no linux_banner)\n"
            "       CPUS: 1 in the dump\n"
            "   DUMP CPU: 0\n"
            "     PAGING: 4-level\n");
}

TEST(SessionPrinterTest, SizesAndUptimes) {
  EXPECT_EQ(format_size(0), "0 B");
  EXPECT_EQ(format_size(1023), "1023 B");
  EXPECT_EQ(format_size(1024), "1.0 KiB");
  EXPECT_EQ(format_size(1048575), "1.0 MiB");
  EXPECT_EQ(format_size(8ULL << 30), "8.0 GiB");
  EXPECT_EQ(format_uptime(0), "00:00:00 (0.00 s)");
  EXPECT_EQ(format_uptime(3723.5), "01:02:03 (3723.50 s)");
  EXPECT_EQ(format_uptime(86400 + 61), "1 day, 00:01:01 (86461.00 s)");
  EXPECT_EQ(format_uptime(3 * 86400), "3 days, 00:00:00 (259200.00 s)");
  EXPECT_EQ(format_uptime(-1), "unknown");
  EXPECT_EQ(format_uptime(std::numeric_limits<double>::quiet_NaN()), "unknown");
}

TEST(SessionPrinterTest, LogTextLikeDmesgWithTheStampOncePerRecord) {
  std::vector<LogRecord> records = {
      {0, 0, 5, 0, "Linux version 6.1.0"},
      {1, 3123456789, 4, 0, "first\nsecond"},
      {2, 12345000001000, 6, 0, ""},
  };
  EXPECT_EQ(render(false, [&](SessionPrinter& p) { p.log(records); }),
            "[    0.000000] Linux version 6.1.0\n"
            "[    3.123456] first\n"
            "second\n"
            "[12345.000001] \n");
}

TEST(SessionPrinterTest, LogJson) {
  std::vector<LogRecord> records = {{7, 1000, 3, 1, "a \"quoted\"\nline"}};
  EXPECT_EQ(render(true, [&](SessionPrinter& p) { p.log(records); }),
            R"J([{"sequence":7,"timestamp_ns":1000,"level":3,"facility":1,)J"
            R"J("text":"a \"quoted\"\nline"}])J"
            "\n");
  EXPECT_EQ(render(true, [](SessionPrinter& p) { p.log({}); }), "[]\n");
}

std::vector<Task> sample_tasks() {
  return {
      {0xffffffff8d613940, 0, 0, 0, 0, 0, 'R', "swapper/0", true},
      {0xffff8880033b0000, 1, 1, 0, 0, 0, 'R', "init", false},
      {0xffff8880033b1f00, 2, 2, 0, 1, -1, 'S', "kthreadd", true},
  };
}

TEST(SessionPrinterTest, PsText) {
  EXPECT_EQ(render(false, [](SessionPrinter& p) { p.tasks(sample_tasks()); }),
            "   PID    PPID  CPU  TASK              ST  COMM\n"
            ">    0       0    0  ffffffff8d613940  R   [swapper/0]\n"
            ">    1       0    0  ffff8880033b0000  R   init\n"
            "     2       0    1  ffff8880033b1f00  S   [kthreadd]\n");
}

TEST(SessionPrinterTest, PsJson) {
  std::vector<Task> tasks = sample_tasks();
  EXPECT_EQ(render(true, [&](SessionPrinter& p) { p.tasks(std::span(tasks).subspan(1)); }),
            R"J([{"pid":1,"tgid":1,"ppid":0,"cpu":0,"active_cpu":0,"state":"R","comm":"init",)J"
            R"J("task":"0xffff8880033b0000","kernel_thread":false},)J"
            R"J({"pid":2,"tgid":2,"ppid":0,"cpu":1,"active_cpu":null,"state":"S",)J"
            R"J("comm":"kthreadd","task":"0xffff8880033b1f00","kernel_thread":true}])J"
            "\n");
}

std::vector<ModuleInfo> sample_modules() {
  ModuleInfo crashme{.name = "rust_crashme",
                     .base = 0xffffffffc0123000,
                     .size = 16384,
                     .state = "live",
                     .debug_file = "/m/rust_crashme.ko"};
  crashme.sections = {{".text", 0xffffffffc0123000}, {".data", 0xffffffffc0127000}};
  ModuleInfo plain{.name = "a_module_with_a_long_name",
                   .base = 0xffffffffc0200000,
                   .size = 8192,
                   .state = "live"};
  return {crashme, plain};
}

TEST(SessionPrinterTest, ModText) {
  EXPECT_EQ(render(false, [](SessionPrinter& p) { p.modules(sample_modules()); }),
            "NAME                       BASE                  SIZE  DEBUG INFO\n"
            "rust_crashme               ffffffffc0123000     16384  /m/rust_crashme.ko\n"
            "a_module_with_a_long_name  ffffffffc0200000      8192  -\n");
}

TEST(SessionPrinterTest, ModJson) {
  EXPECT_EQ(render(true, [](SessionPrinter& p) { p.modules(sample_modules()); }),
            R"J([{"name":"rust_crashme","base":"0xffffffffc0123000","size":16384,"state":"live",)J"
            R"J("sections":{".data":"0xffffffffc0127000",".text":"0xffffffffc0123000"},)J"
            R"J("debug_file":"/m/rust_crashme.ko"},)J"
            R"J({"name":"a_module_with_a_long_name","base":"0xffffffffc0200000","size":8192,)J"
            R"J("state":"live","sections":{},"debug_file":null}])J"
            "\n");
}

std::vector<std::byte> bytes_of(std::string_view text) {
  std::vector<std::byte> bytes;
  for (char c : text) bytes.push_back(static_cast<std::byte>(c));
  return bytes;
}

TEST(SessionPrinterTest, RdTextTwoWordsAndAscii) {
  std::vector<std::byte> bytes =
      bytes_of(std::string_view("H\x8d\x25\x00\x00\x00\x00\x01"
                                "abcdefgh"
                                "\x01\x02\x03\x04\x05\x06\x07\x08",
                                24));
  EXPECT_EQ(render(false,
                   [&](SessionPrinter& p) {
                     p.memory(0xffffffff81000000, AddressSpace::kVirtual, bytes);
                   }),
            "ffffffff81000000:  0100000000258d48  6867666564636261  H.%.....abcdefgh\n"
            "ffffffff81000010:  0807060504030201                    ........\n");
}

TEST(SessionPrinterTest, RdJson) {
  std::vector<std::byte> bytes = bytes_of(std::string_view("\x00\xff\x10", 3));
  EXPECT_EQ(
      render(true, [&](SessionPrinter& p) { p.memory(0x1000, AddressSpace::kPhysical, bytes); }),
      R"J({"address":"0x1000","space":"physical","bytes":"00ff10"})J"
      "\n");
}

TEST(SessionPrinterTest, SymText) {
  std::vector<SymbolInfo> symbols = {
      {0xffffffff8f9c5a30, 0x10, 0x40, "sysrq_handle_crash", "sysrq_handle_crash", "vmlinux", 'T',
       "drivers/tty/sysrq.c", 150},
      {0xffffffffc0123450, 0, 0x80, "_RNvCs1234_12rust_crashme10compare_cb",
       "rust_crashme::compare_cb", "rust_crashme", 't', "", 0},
      {0xffffffff81000000, 0, 0, "startup_64", "startup_64", "vmlinux", 'T', "head_64.S", 0},
  };
  EXPECT_EQ(render(false, [&](SessionPrinter& p) { p.symbols(symbols); }),
            "ffffffff8f9c5a40 (T) sysrq_handle_crash+0x10 [vmlinux] drivers/tty/sysrq.c:150\n"
            "ffffffffc0123450 (t) rust_crashme::compare_cb [rust_crashme] "
            "(_RNvCs1234_12rust_crashme10compare_cb)\n"
            "ffffffff81000000 (T) startup_64 [vmlinux] head_64.S\n");
}

TEST(SessionPrinterTest, SymJson) {
  std::vector<SymbolInfo> symbols = {
      {0xffffffff8f9c5a30, 0x10, 0x40, "sysrq_handle_crash", "sysrq_handle_crash", "vmlinux", 'T',
       "drivers/tty/sysrq.c", 150},
      {0xffffffffc0123450, 0, 0x80, "_RNv", "x::y", "m", 't', "", 0},
  };
  EXPECT_EQ(render(true, [&](SessionPrinter& p) { p.symbols(symbols); }),
            R"J([{"address":"0xffffffff8f9c5a30","offset":16,"size":64,)J"
            R"J("name":"sysrq_handle_crash","demangled":"sysrq_handle_crash","module":"vmlinux",)J"
            R"J("type":"T","file":"drivers/tty/sysrq.c","line":150},)J"
            R"J({"address":"0xffffffffc0123450","offset":0,"size":128,"name":"_RNv",)J"
            R"J("demangled":"x::y","module":"m","type":"t","file":null,"line":null}])J"
            "\n");
}

}  // namespace
}  // namespace seam::cli
