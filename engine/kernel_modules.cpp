#include "engine/kernel_modules.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

std::string state_name(uint64_t state) {
  switch (state) {
    case 0: return "live";
    case 1: return "coming";
    case 2: return "going";
    case 3: return "unformed";
    default: return sformat("state %" PRIu64, state);
  }
}

std::string normalize(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// `.modinfo` holds NUL-separated "key=value" strings; modpost adds "name=".
std::optional<std::string> modinfo_name(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> name;
  elf_version(EV_CURRENT);
  if (Elf* elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr)) {
    size_t strings_index = 0;
    if (elf_kind(elf) == ELF_K_ELF && elf_getshdrstrndx(elf, &strings_index) == 0) {
      for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn && !name; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr header;
        if (!gelf_getshdr(scn, &header)) continue;
        const char* section = elf_strptr(elf, strings_index, header.sh_name);
        if (!section || std::string_view(section) != ".modinfo") continue;
        Elf_Data* data = elf_getdata(scn, nullptr);
        if (!data || !data->d_buf) break;
        std::string_view all(static_cast<const char*>(data->d_buf), data->d_size);
        while (!all.empty()) {
          std::string_view entry = all.substr(0, all.find('\0'));
          if (entry.starts_with("name=")) name = std::string(entry.substr(5));
          all.remove_prefix(std::min(all.size(), entry.size() + 1));
        }
      }
    }
    elf_end(elf);
  }
  ::close(fd);
  return name;
}

}  // namespace

std::string module_name_of_file(const std::string& path) {
  if (auto name = modinfo_name(path)) return normalize(*name);
  std::string stem = std::filesystem::path(path).filename().string();
  if (stem.ends_with(".ko")) stem.resize(stem.size() - 3);
  return normalize(stem);
}

std::optional<std::string> find_module_file(const std::string& name,
                                            const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  const std::string wanted = normalize(name);
  for (const std::string& path : paths) {
    std::error_code error;
    if (fs::is_regular_file(path, error)) {
      if (module_name_of_file(path) == wanted) return path;
      continue;
    }
    if (!fs::is_directory(path, error)) continue;
    // A kernel's modules directory has ~4000 .ko files 6 levels deep; bound
    // the walk so that a mistaken `-s /` cannot take minutes.
    constexpr int kMaxDepth = 8;
    constexpr size_t kMaxEntries = 200'000;
    size_t entries = 0;
    for (fs::recursive_directory_iterator
             it(path, fs::directory_options::skip_permission_denied, error),
         end;
         it != end && entries < kMaxEntries; it.increment(error), ++entries) {
      if (error) break;
      if (it.depth() > kMaxDepth) {
        it.disable_recursion_pending();
        continue;
      }
      std::string file = it->path().filename().string();
      if (file.ends_with(".ko") && normalize(file.substr(0, file.size() - 3)) == wanted &&
          it->is_regular_file(error)) {
        return it->path().string();
      }
    }
  }
  return std::nullopt;
}

Result<std::vector<ModuleInfo>> read_modules(LinuxKernel& kernel) {
  KernelMemory& memory = kernel.memory();
  Result<uint64_t> head = kernel.symbol_address("modules");
  if (!head) return head.error().context("finding the module list");
  Result<Member> list = kernel.member("module", "list");
  if (!list) return list.error();
  // Linux 6.1 describes the core allocation in core_layout (6.4+ has mem[]).
  Result<Member> base = kernel.member("module", "core_layout.base");
  Result<Member> size = kernel.member("module", "core_layout.size");
  if (!base || !size) {
    return Error(
        "this kernel's struct module has no core_layout (Linux 6.4+ modules are not "
        "supported yet)");
  }
  Result<Member> sect_attrs = kernel.member("module", "sect_attrs");
  Result<Member> nsections = kernel.member("module_sect_attrs", "nsections");
  Result<Member> attrs = kernel.member("module_sect_attrs", "attrs");
  Result<Member> attr_name = kernel.member("module_sect_attr", "battr.attr.name");
  Result<Member> attr_address = kernel.member("module_sect_attr", "address");
  Result<uint64_t> attr_size = kernel.type_size("module_sect_attr");
  bool have_sections = sect_attrs && nsections && attrs && attr_name && attr_address && attr_size;

  std::vector<ModuleInfo> modules;
  std::set<uint64_t> seen;
  Result<uint64_t> next = memory.read_u64(*head);
  while (next && *next != *head) {
    if (!seen.insert(*next).second || seen.size() > 100'000) {
      return Error(sformat("the module list loops at 0x%" PRIx64, *next));
    }
    uint64_t module = *next - list->offset;
    ModuleInfo info;
    Result<std::string> name = kernel.read_member_string(module, "module", "name");
    if (!name) return name.error().context(sformat("reading module 0x%" PRIx64, module));
    info.name = *name;
    info.address = module;
    if (auto v = memory.read_u64(module + base->offset)) info.base = *v;
    if (auto v = memory.read_unsigned(module + size->offset, size->size)) info.size = *v;
    if (auto v = kernel.read_member(module, "module", "state")) info.state = state_name(*v);
    if (have_sections) {
      Result<uint64_t> table = memory.read_u64(module + sect_attrs->offset);
      Result<uint64_t> count =
          table && *table ? memory.read_unsigned(*table + nsections->offset, nsections->size)
                          : Result<uint64_t>(uint64_t{0});
      for (uint64_t i = 0; count && i < std::min<uint64_t>(*count, 1000); ++i) {
        uint64_t attr = *table + attrs->offset + i * *attr_size;
        Result<uint64_t> name_pointer = memory.read_u64(attr + attr_name->offset);
        Result<uint64_t> address = memory.read_u64(attr + attr_address->offset);
        if (!name_pointer || !address) continue;
        if (Result<std::string> section = memory.read_string(*name_pointer, 128)) {
          info.sections[*section] = *address;
        }
      }
    }
    modules.push_back(std::move(info));
    next = memory.read_u64(*next);
  }
  if (!next) return next.error().context("walking the module list");
  return modules;
}

}  // namespace seam::engine
