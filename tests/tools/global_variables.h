// Test helper: a binary's global variables from its DWARF (name, address,
// type DIE, language) and a ValueReader over Binary::read_at and its symbols,
// for the value formatter's tests and the seam_print_values tool.
//
//   GlobalVariables globals("build/samples/values");
//   const GlobalVariable* v = globals.find("c_point");
//   BinaryValueReader reader(*binary);
//   format_value(v->type, bytes, v->language, reader);
#pragma once

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <optional>
#include <string>

#include "engine/value_format.h"
#include "symbolizer/binary.h"
#include "symbolizer/demangle.h"
#include "symbolizer/dwarf_type_walk.h"
#include "symbolizer/printf_format.h"

namespace seam::test {

struct GlobalVariable {
  std::string name;
  uint64_t address = 0;
  Dwarf_Die type;
  Language language = Language::Unknown;
};

class GlobalVariables {
 public:
  // Only units whose DW_AT_name ends with `unit_suffix` are read (all when
  // empty): a vmlinux has 2000+ units and one is enough.
  explicit GlobalVariables(const std::string& path, const std::string& unit_suffix = "") {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return;
    dwarf_ = dwarf_begin(fd_, DWARF_C_READ);
    if (dwarf_ == nullptr) return;
    Dwarf_Off offset = 0, next = 0;
    size_t header_size = 0;
    while (dwarf_nextcu(dwarf_, offset, &next, &header_size, nullptr, nullptr, nullptr) == 0) {
      Dwarf_Die cu;
      if (dwarf_offdie(dwarf_, offset + header_size, &cu) != nullptr) {
        std::string name = die_name(cu);
        if (unit_suffix.empty() ||
            (name.size() >= unit_suffix.size() &&
             name.compare(name.size() - unit_suffix.size(), unit_suffix.size(), unit_suffix) == 0))
          collect(cu, die_language(cu), 0);
      }
      offset = next;
    }
  }
  ~GlobalVariables() {
    if (dwarf_ != nullptr) dwarf_end(dwarf_);
    if (fd_ >= 0) ::close(fd_);
  }
  GlobalVariables(const GlobalVariables&) = delete;
  GlobalVariables& operator=(const GlobalVariables&) = delete;

  const GlobalVariable* find(const std::string& name) const {
    auto it = variables_.find(name);
    return it == variables_.end() ? nullptr : &it->second;
  }
  const std::map<std::string, GlobalVariable>& all() const { return variables_; }

 private:
  void collect(Dwarf_Die parent, Language language, int depth) {
    for (Dwarf_Die child : child_dies(parent)) {
      int tag = dwarf_tag(&child);
      if (tag == DW_TAG_namespace && depth < 8) collect(child, language, depth + 1);
      if (tag != DW_TAG_variable) continue;
      Dwarf_Attribute attr;
      Dwarf_Op* ops = nullptr;
      size_t count = 0;
      if (dwarf_attr(&child, DW_AT_location, &attr) == nullptr ||
          dwarf_getlocation(&attr, &ops, &count) != 0 || count != 1 || ops[0].atom != DW_OP_addr)
        continue;
      std::optional<Dwarf_Die> type = die_type(child);
      std::string name = die_name(child);
      if (!type || name.empty()) continue;
      variables_.emplace(name, GlobalVariable{name, ops[0].number, *type, language});
    }
  }

  int fd_ = -1;
  Dwarf* dwarf_ = nullptr;
  std::map<std::string, GlobalVariable> variables_;
};

// .bss has no bytes in the file: a -no-pie program's are zero before it runs.
inline bool in_bss(Binary& binary, uint64_t address) {
  std::optional<SymbolMatch> match = binary.symbols().lookup(address);
  return match && (match->type == 'B' || match->type == 'b') &&
         (match->size == 0 || match->offset < match->size);
}

// Memory is the file's sections (what a -no-pie program has before it runs,
// and a vmlinux's .data/.rodata); symbols are its ELF symbols, demangled.
class BinaryValueReader : public engine::ValueReader {
 public:
  explicit BinaryValueReader(Binary& binary) : binary_(binary) {}
  Result<void> read(uint64_t address, std::span<std::byte> out) override {
    Result<std::vector<uint8_t>> bytes = binary_.read_at(address, out.size());
    if (!bytes && in_bss(binary_, address)) {
      std::memset(out.data(), 0, out.size());
      return {};
    }
    if (!bytes) return bytes.error();
    if (bytes->size() < out.size()) return Error("short read at " + hex(address));
    std::memcpy(out.data(), bytes->data(), out.size());
    return {};
  }
  std::optional<std::string> symbol_for(uint64_t address) override {
    std::optional<SymbolMatch> match = binary_.symbols().lookup(address);
    if (!match) return std::nullopt;
    std::string name = demangle(match->name).name;
    if (match->offset != 0) name += "+" + hex(match->offset);
    return name;
  }

 private:
  Binary& binary_;
};

// The variable's bytes from the file: its type's size at its address.
inline std::vector<std::byte> variable_bytes(Binary& binary, const GlobalVariable& variable) {
  std::optional<uint64_t> size = type_byte_size(variable.type);
  if (!size || *size == 0) return {};
  Result<std::vector<uint8_t>> bytes = binary.read_at(variable.address, *size);
  if (!bytes && in_bss(binary, variable.address)) return std::vector<std::byte>(*size);
  if (!bytes) return {};
  std::vector<std::byte> out(bytes->size());
  std::memcpy(out.data(), bytes->data(), out.size());
  return out;
}

}  // namespace seam::test
