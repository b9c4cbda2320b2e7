// What DwarfTypes and the symbol name index cost on a real vmlinux: each step
// timed in a fresh process, with the peak RSS at the end.
//
//   cmake --build build --target seam_symbolizer
//   g++ -std=c++20 -O2 -I. bench/dwarf_types_bench.cpp build/symbolizer/libseam_symbolizer.a \
//       /usr/lib/llvm-19/lib/libLLVMDemangle.a -ldw -lelf -lzstd -lz -ldl -o /tmp/dwarf_types_bench
//   /tmp/dwarf_types_bench vmlinux [--fallback]
//
// --fallback also times a lookup without anchors, which builds the whole-file
// index (.debug_pubtypes, then a top-level scan of the other units).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "symbolizer/binary.h"

using seam::Binary;
using seam::Member;
using seam::Result;
using seam::StructLayout;

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void report(const char* what, double start) {
  std::printf("%-44s %8.2f ms\n", what, now_ms() - start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s vmlinux [--fallback]\n", argv[0]);
    return 2;
  }
  double t = now_ms();
  Result<std::unique_ptr<Binary>> binary = Binary::open(argv[1], {});
  if (!binary) {
    std::fprintf(stderr, "%s\n", binary.error().message().c_str());
    return 1;
  }
  report("Binary::open", t);

  t = now_ms();
  const seam::SymbolTable& symbols = (*binary)->symbols();
  report("symbols() (address table)", t);
  t = now_ms();
  Result<uint64_t> address = (*binary)->symbol_address("copy_process");
  report("first symbol_address (name index build)", t);
  t = now_ms();
  for (int i = 0; i < 1000; ++i) (void)symbols.find("init_task");
  report("1000 x find(name)", t);

  seam::DwarfTypes* types = (*binary)->types();
  if (!types) return 1;
  t = now_ms();
  Result<StructLayout> task = types->find_struct("task_struct", {"copy_process"});
  report("find_struct(task_struct, {copy_process})", t);
  if (!task) {
    std::fprintf(stderr, "%s\n", task.error().message().c_str());
    return 1;
  }
  t = now_ms();
  Result<StructLayout> list = types->find_struct("list_head", {"copy_process"});
  Result<StructLayout> signal = types->find_struct("signal_struct", {"copy_process"});
  report("2 more find_struct in the same unit", t);
  t = now_ms();
  Result<StructLayout> module = types->find_struct("module", {"load_module", "do_init_module"});
  report("find_struct(module, {load_module})", t);
  t = now_ms();
  Result<StructLayout> prb = types->find_struct("printk_ringbuffer", {"prb_reserve"});
  report("find_struct(printk_ringbuffer, {prb_reserve})", t);
  t = now_ms();
  Result<int64_t> live = types->enumerator("MODULE_STATE_LIVE", {"load_module"});
  report("enumerator(MODULE_STATE_LIVE, {load_module})", t);
  t = now_ms();
  int members = 0;
  for (const char* path : {"pid", "tgid", "comm", "tasks", "real_parent", "mm", "__state",
                           "thread_info.cpu", "thread.sp", "stack", "signal", "thread_node"}) {
    members += task->member(path).ok();
  }
  report("12 task_struct members", t);
  std::printf("members found: %d/12; comm at %llu; MODULE_STATE_LIVE=%lld\n", members,
              task->member("comm").ok() ? (unsigned long long)task->member("comm")->offset : 0ULL,
              live ? (long long)*live : -1LL);

  if (argc > 2 && std::strcmp(argv[2], "--fallback") == 0) {
    t = now_ms();
    Result<StructLayout> sched = types->find_struct("sched_entity");
    report("find_struct(sched_entity) without anchors", t);
    if (!sched) std::printf("%s\n", sched.error().message().c_str());
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS %.1f MB\n", usage.ru_maxrss / 1024.0);
  return address ? 0 : 1;
}
