#include "engine/module_kallsyms.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <span>

#include "symbolizer/demangle.h"
#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

// The largest modules (amdgpu, i915) keep tens of thousands of symbols; a
// count past this is a corrupt struct, not a module.
constexpr uint64_t kMaxSymbols = 1'000'000;
// KSYM_NAME_LEN is 512 since 6.1 (Rust's long mangled names); older kernels 128.
constexpr size_t kMaxName = 512;
constexpr uint64_t kMaxStrtab = 64ULL << 20;

// A module allocation (core or init): symbols extend at most to the end of its
// text when they are in it, else to the end of the allocation.
struct Region {
  uint64_t start = 0;
  uint64_t text_end = 0;
  uint64_t end = 0;
};

// ARM and RISC-V mapping symbols ("$x", "$d.1"): the kernel skips them too.
bool is_mapping_symbol(std::string_view name) {
  return name.size() >= 2 && name[0] == '$' && std::strchr("axtd", name[1]) != nullptr &&
         (name.size() == 2 || name[2] == '.');
}

// For kernels without typetab (before 5.2): nm's letter from the ELF symbol.
char type_of(const Elf64_Sym& sym) {
  char c = ELF64_ST_TYPE(sym.st_info) == STT_FUNC ? 't' : 'd';
  if (ELF64_ST_BIND(sym.st_info) != STB_LOCAL) c = static_cast<char>(c - 'a' + 'A');
  return c;
}

std::optional<Region> read_region(LinuxKernel& kernel, uint64_t module, const std::string& layout) {
  Result<uint64_t> base = kernel.read_member(module, "module", layout + ".base");
  Result<uint64_t> size = kernel.read_member(module, "module", layout + ".size");
  if (!base || !size || *base == 0 || *size == 0) return std::nullopt;
  Result<uint64_t> text = kernel.read_member(module, "module", layout + ".text_size");
  uint64_t text_size = text && *text <= *size ? *text : *size;
  return Region{*base, *base + text_size, *base + *size};
}

}  // namespace

Result<ModuleKallsyms> ModuleKallsyms::read(LinuxKernel& kernel, uint64_t module,
                                            std::string_view name) {
  const std::string where = "module " + std::string(name);
  KernelMemory& memory = kernel.memory();
  // mod_kallsyms is reached through struct module (whose layout is found
  // cheaply, see linux_kernel.cpp): its members' offsets are those of
  // core_kallsyms.X less core_kallsyms.
  Result<Member> pointer = kernel.member("module", "kallsyms");
  Result<Member> core = kernel.member("module", "core_kallsyms");
  Result<Member> symtab = kernel.member("module", "core_kallsyms.symtab");
  Result<Member> num = kernel.member("module", "core_kallsyms.num_symtab");
  Result<Member> strtab = kernel.member("module", "core_kallsyms.strtab");
  Result<Member> typetab = kernel.member("module", "core_kallsyms.typetab");
  if (!pointer || !core || !symtab || !num || !strtab) {
    return Error(where +
                 ": this kernel's struct module has no kallsyms symbol table "
                 "(CONFIG_KALLSYMS off?)");
  }
  // `kallsyms` points at the full table while the module initializes, then
  // at core_kallsyms once its init sections are freed.
  Result<uint64_t> table = memory.read_u64(module + pointer->offset);
  if (!table) return table.error().context(where + ": reading its kallsyms pointer");
  uint64_t ks = *table ? *table : module + core->offset;
  auto field = [&](const Member& m) {
    return memory.read_unsigned(ks + (m.offset - core->offset), m.size);
  };
  Result<uint64_t> symtab_address = field(*symtab);
  Result<uint64_t> count = field(*num);
  Result<uint64_t> strtab_address = field(*strtab);
  if (!symtab_address || !count || !strtab_address) {
    const Error& e = !symtab_address ? symtab_address.error()
                     : !count        ? count.error()
                                     : strtab_address.error();
    return e.context(sformat("%s: reading struct mod_kallsyms at 0x%" PRIx64, where.c_str(), ks));
  }
  ModuleKallsyms result;
  result.module_name_ = std::string(name);
  if (*count == 0) return result;
  if (*count > kMaxSymbols) {
    return Error(sformat("%s: its kallsyms table claims %" PRIu64 " symbols (at most %" PRIu64
                         " are believed): corrupt struct module?",
                         where.c_str(), *count, kMaxSymbols));
  }
  if (*symtab_address == 0 || *strtab_address == 0) {
    return Error(where + ": its kallsyms table has symbols but no symtab or strtab pointer");
  }

  std::vector<Elf64_Sym> syms(*count);
  if (auto ok = memory.read(*symtab_address, std::as_writable_bytes(std::span(syms))); !ok) {
    return ok.error().context(sformat("%s: reading its %" PRIu64 " kallsyms symbols at 0x%" PRIx64,
                                      where.c_str(), *count, *symtab_address));
  }
  std::vector<char> types;
  if (typetab) {
    if (Result<uint64_t> types_address = field(*typetab); types_address && *types_address) {
      types.resize(*count);
      if (!memory.read(*types_address, std::as_writable_bytes(std::span(types)))) types.clear();
    }
  }

  // The strings in one read, up to the last name's start; names running past
  // it are read one by one.
  uint32_t last_name = 0;
  for (const Elf64_Sym& sym : syms) {
    if (sym.st_shndx != SHN_UNDEF && sym.st_name != 0) last_name = std::max(last_name, sym.st_name);
  }
  if (last_name >= kMaxStrtab) {
    return Error(
        sformat("%s: a kallsyms name is at offset %u of its string table (more than "
                "%" PRIu64 " MiB): corrupt table?",
                where.c_str(), last_name, kMaxStrtab >> 20));
  }
  std::string strings(last_name, '\0');
  if (auto ok = memory.read(*strtab_address, std::as_writable_bytes(std::span(strings))); !ok) {
    return ok.error().context(
        sformat("%s: reading its kallsyms strings at 0x%" PRIx64, where.c_str(), *strtab_address));
  }

  struct Pending {
    KallsymsSymbol symbol;
    uint32_t order;
  };
  std::vector<Pending> pending;
  for (uint32_t i = 0; i < syms.size(); ++i) {
    const Elf64_Sym& sym = syms[i];
    if (sym.st_shndx == SHN_UNDEF || sym.st_name == 0) continue;
    std::string text;
    size_t nul = sym.st_name < strings.size() ? strings.find('\0', sym.st_name) : std::string::npos;
    if (nul != std::string::npos) {
      text = strings.substr(sym.st_name, std::min(nul - sym.st_name, kMaxName));
    } else {
      Result<std::string> read = memory.read_string(*strtab_address + sym.st_name, kMaxName);
      if (!read) {
        return read.error().context(
            sformat("%s: reading the name of kallsyms symbol %u", where.c_str(), i));
      }
      text = std::move(*read);
    }
    if (text.empty() || is_mapping_symbol(text)) continue;
    KallsymsSymbol s;
    s.address = sym.st_value;
    s.size = sym.st_size;
    s.type = types.empty() ? type_of(sym) : types[i];
    if (s.type == 'U') continue;
    // typetab holds lower-case letters (/proc/kallsyms raises those of
    // exported symbols); Seam's letters are nm's: upper case for globals.
    if (ELF64_ST_BIND(sym.st_info) == STB_GLOBAL && s.type >= 'a' && s.type <= 'z') {
      s.type = static_cast<char>(s.type - 'a' + 'A');
    }
    DemangledName demangled = demangle(text);
    s.demangled = demangled.demangled ? demangled.display() : text;
    s.name = std::move(text);
    pending.push_back({std::move(s), i});
  }
  std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
    return a.symbol.address < b.symbol.address;
  });

  std::vector<Region> regions;
  for (const char* layout : {"core_layout", "init_layout"}) {
    if (auto region = read_region(kernel, module, layout)) regions.push_back(*region);
  }
  result.symbols_.reserve(pending.size());
  for (Pending& p : pending) result.symbols_.push_back(std::move(p.symbol));
  // Each symbol ends at the next higher address, bounded by its region; a
  // symbol outside every region (per-CPU, absolute) by its own size.
  uint64_t next = 0;
  bool have_next = false;
  for (size_t i = result.symbols_.size(); i-- > 0;) {
    KallsymsSymbol& s = result.symbols_[i];
    if (i + 1 < result.symbols_.size() && result.symbols_[i + 1].address > s.address) {
      next = result.symbols_[i + 1].address;
      have_next = true;
    }
    const Region* region = nullptr;
    for (const Region& r : regions) {
      if (s.address >= r.start && s.address < r.end) region = &r;
    }
    if (region) {
      uint64_t bound = s.address < region->text_end ? region->text_end : region->end;
      s.end = have_next ? std::min(next, bound) : bound;
    } else {
      s.end = s.address + std::max<uint64_t>(s.size, 1);
    }
  }
  return result;
}

std::optional<KallsymsMatch> ModuleKallsyms::lookup(uint64_t address) const {
  auto it = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                             [](uint64_t a, const KallsymsSymbol& s) { return a < s.address; });
  if (it == symbols_.begin()) return std::nullopt;
  --it;
  // Several names at one address: the kernel reports the first in its table.
  while (it != symbols_.begin() && std::prev(it)->address == it->address) --it;
  if (address >= it->end) return std::nullopt;
  return KallsymsMatch{&*it, address - it->address};
}

std::vector<const KallsymsSymbol*> ModuleKallsyms::find(std::string_view name) const {
  std::vector<const KallsymsSymbol*> found;
  for (const KallsymsSymbol& s : symbols_) {
    if (s.name == name || s.demangled == name) found.push_back(&s);
  }
  return found;
}

std::optional<std::pair<std::string, uint64_t>> ModuleKallsyms::symbolize(uint64_t pc) const {
  std::optional<KallsymsMatch> match = lookup(pc);
  if (!match) return std::nullopt;
  return std::make_pair(match->symbol->demangled, match->offset);
}

}  // namespace seam::engine
