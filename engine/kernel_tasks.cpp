#include "engine/kernel_tasks.h"

#include <map>
#include <set>

#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

// task_state_index() of fs/proc/array.c: the letters `ps` shows.
char state_letter(uint64_t state, uint64_t exit_state) {
  constexpr uint64_t kTaskReport = 0x7f;  // RUNNING..PARKED
  constexpr uint64_t kTaskIdle = 0x402;   // TASK_UNINTERRUPTIBLE | TASK_NOLOAD
  constexpr uint64_t kRtLockWait = 0x1000;
  constexpr const char* kLetters = "RSDTtXZPI";
  if (state == kTaskIdle) return 'I';
  uint64_t report = (state | exit_state) & kTaskReport;
  if (state == kRtLockWait) report = 2;
  int index = 0;
  while (report) {  // fls()
    ++index;
    report >>= 1;
  }
  return kLetters[index];
}

// Walks a kernel list_head ring starting at `head`, calling visit(entry) with
// the address of each embedded list_head, stopping on loops and bad pointers.
template <typename Visit>
Result<void> walk_list(KernelMemory& memory, uint64_t head, Visit&& visit) {
  std::set<uint64_t> seen;
  Result<uint64_t> next = memory.read_u64(head);
  while (next && *next != head) {
    if (!seen.insert(*next).second) {
      return Error(sformat("the list at 0x%" PRIx64 " loops at 0x%" PRIx64, head, *next));
    }
    if (seen.size() > 4'000'000)
      return Error(sformat("the list at 0x%" PRIx64 " is endless", head));
    if (auto ok = visit(*next); !ok) return ok;
    next = memory.read_u64(*next);
  }
  if (!next) return next.error().context(sformat("walking the list at 0x%" PRIx64, head));
  return {};
}

class TaskReader {
 public:
  explicit TaskReader(LinuxKernel& kernel) : kernel_(kernel) {}

  Result<Task> read(uint64_t address) {
    Task task;
    task.address = address;
    auto field = [&](std::string_view path) {
      return kernel_.read_member(address, "task_struct", path);
    };
    Result<uint64_t> pid = field("pid");
    Result<uint64_t> tgid = field("tgid");
    if (!pid || !tgid) {
      return (pid ? tgid.error() : pid.error())
          .context(sformat("reading task 0x%" PRIx64, address));
    }
    task.pid = static_cast<int32_t>(*pid);
    task.tgid = static_cast<int32_t>(*tgid);
    if (Result<std::string> comm = kernel_.read_member_string(address, "task_struct", "comm")) {
      task.comm = *comm;
    }
    if (Result<uint64_t> parent = field("real_parent"); parent && *parent) {
      if (Result<uint64_t> ppid = kernel_.read_member(*parent, "task_struct", "pid")) {
        task.ppid = static_cast<int32_t>(*ppid);
      }
    }
    if (task.pid == 0) task.ppid = 0;
    Result<uint64_t> cpu =
        kernel_.member("task_struct", "thread_info.cpu") ? field("thread_info.cpu") : field("cpu");
    if (cpu) task.cpu = static_cast<int>(*cpu);
    Result<uint64_t> state = field("__state");
    if (!state) state = field("state");
    Result<uint64_t> exit_state = field("exit_state");
    if (state) task.state = state_letter(*state, exit_state ? *exit_state : 0);
    // Kernel threads have no mm (PF_KTHREAD would also say so).
    if (Result<uint64_t> mm = field("mm")) task.kernel_thread = *mm == 0;
    return task;
  }

 private:
  LinuxKernel& kernel_;
};

}  // namespace

Result<Task> read_task(LinuxKernel& kernel, uint64_t task_address) {
  return TaskReader(kernel).read(task_address);
}

Result<std::vector<Task>> read_tasks(LinuxKernel& kernel) {
  TaskReader reader(kernel);
  KernelMemory& memory = kernel.memory();
  std::vector<Task> tasks;

  Result<std::vector<int>> cpus = kernel.cpus();
  if (!cpus) return cpus.error();
  std::map<uint64_t, int> active;  // task -> CPU it runs on
  for (int cpu : *cpus) {
    if (Result<uint64_t> current = kernel.current_task(cpu)) active[*current] = cpu;
  }
  for (int cpu : *cpus) {
    Result<uint64_t> idle = kernel.idle_task(cpu);
    if (!idle) continue;
    Result<Task> task = reader.read(*idle);
    if (!task) return task.error();
    task->cpu = cpu;
    tasks.push_back(std::move(*task));
  }

  Result<uint64_t> init_task = kernel.symbol_address("init_task");
  Result<Member> tasks_member = kernel.member("task_struct", "tasks");
  Result<Member> signal_member = kernel.member("task_struct", "signal");
  Result<Member> thread_node = kernel.member("task_struct", "thread_node");
  Result<Member> thread_head = kernel.member("signal_struct", "thread_head");
  if (!init_task) return init_task.error();
  if (!tasks_member) return tasks_member.error();
  if (!signal_member || !thread_node || !thread_head) {
    return Error(
        "this kernel's task_struct has no signal->thread_head list (kernels before 3.14 "
        "are not supported)");
  }

  Result<void> walked =
      walk_list(memory, *init_task + tasks_member->offset, [&](uint64_t entry) -> Result<void> {
        uint64_t leader = entry - tasks_member->offset;
        Result<uint64_t> signal = memory.read_u64(leader + signal_member->offset);
        if (!signal) return signal.error().context(sformat("reading task 0x%" PRIx64, leader));
        // Every thread of the group, leader included, is on signal->thread_head.
        return walk_list(memory, *signal + thread_head->offset, [&](uint64_t node) -> Result<void> {
          Result<Task> task = reader.read(node - thread_node->offset);
          if (!task) return task.error();
          tasks.push_back(std::move(*task));
          return {};
        });
      });
  if (!walked) return walked.error().context("walking the task list");

  for (Task& task : tasks) {
    if (auto it = active.find(task.address); it != active.end()) task.active_cpu = it->second;
  }
  return tasks;
}

}  // namespace seam::engine
