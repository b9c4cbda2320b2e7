// The kernel's tasks: every process and thread, plus each CPU's idle task,
// read from the task list as `ps` and crash do.
//
//   Result<std::vector<Task>> tasks = read_tasks(kernel);
//   for (const Task& t : *tasks) if (t.active_cpu >= 0) ...;   // running on a CPU
#pragma once

#include <vector>

#include "engine/linux_kernel.h"
#include "engine/session.h"

namespace seam::engine {

// Idle tasks (pid 0, one per online CPU) first, then init_task.tasks in list
// order with each process followed by its other threads.
Result<std::vector<Task>> read_tasks(LinuxKernel& kernel);

// One task's summary (used for the crashed task without reading them all).
Result<Task> read_task(LinuxKernel& kernel, uint64_t task_address);

}  // namespace seam::engine
