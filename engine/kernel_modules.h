// Loaded kernel modules: the kernel's `modules` list with each module's
// placement and section addresses, and the `.ko` files that match them.
//
//   Result<std::vector<ModuleInfo>> modules = read_modules(kernel);
//   std::optional<std::string> ko = find_module_file("seam_crash", {"build/", "x.ko"});
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/linux_kernel.h"
#include "engine/session.h"

namespace seam::engine {

// In list order (newest first, as lsmod). debug_file is left empty.
Result<std::vector<ModuleInfo>> read_modules(LinuxKernel& kernel);

// The module name a .ko file declares (.modinfo "name="), else its file name
// without ".ko", with '-' as '_' as the kernel does.
std::string module_name_of_file(const std::string& path);

// The first of `paths` that is a .ko of module `name`: files are matched by
// their declared name; directories are searched (recursively, at most a few
// levels and thousands of entries) for NAME.ko with '-' and '_' equivalent.
std::optional<std::string> find_module_file(const std::string& name,
                                            const std::vector<std::string>& paths);

}  // namespace seam::engine
