#include "engine/gdb_target_xml.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

// Includes deeper than this are a loop or a hostile stub.
constexpr int kMaxIncludeDepth = 8;

// The value of attribute `name` in a tag's text (`reg name="rax" bitsize="64"`).
std::optional<std::string> attribute(std::string_view tag, std::string_view name) {
  size_t pos = 0;
  while ((pos = tag.find(name, pos)) != std::string_view::npos) {
    bool starts_word = pos > 0 && (tag[pos - 1] == ' ' || tag[pos - 1] == '\t' ||
                                   tag[pos - 1] == '\n' || tag[pos - 1] == '\r');
    size_t after = pos + name.size();
    while (after < tag.size() && tag[after] == ' ') ++after;
    if (starts_word && after < tag.size() && tag[after] == '=') {
      size_t quote = after + 1;
      while (quote < tag.size() && tag[quote] == ' ') ++quote;
      if (quote >= tag.size() || (tag[quote] != '"' && tag[quote] != '\'')) return std::nullopt;
      size_t end = tag.find(tag[quote], quote + 1);
      if (end == std::string_view::npos) return std::nullopt;
      return std::string(tag.substr(quote + 1, end - quote - 1));
    }
    pos = after;
  }
  return std::nullopt;
}

std::optional<int> to_int(const std::string& text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

struct Parser {
  const FeatureReader& read;
  RegisterLayout layout;
  int next_regnum = 0;

  Result<void> parse(const std::string& file, int depth) {
    if (depth > kMaxIncludeDepth) return Error("target description includes nest too deep");
    Result<std::string> text = read(file);
    if (!text) return text.error().context("reading " + file);
    std::string_view xml = *text;
    size_t pos = 0;
    while ((pos = xml.find('<', pos)) != std::string_view::npos) {
      if (xml.substr(pos, 4) == "<!--") {
        size_t end = xml.find("-->", pos);
        if (end == std::string_view::npos) return Error(file + ": unterminated comment");
        pos = end + 3;
        continue;
      }
      size_t end = xml.find('>', pos);
      if (end == std::string_view::npos) return Error(file + ": unterminated tag");
      std::string_view tag = xml.substr(pos + 1, end - pos - 1);
      pos = end + 1;
      size_t name_end = tag.find_first_of(" \t\r\n/");
      std::string_view name = tag.substr(0, name_end);
      if (name == "architecture") {
        size_t close = xml.find('<', pos);
        if (close != std::string_view::npos) layout.architecture = xml.substr(pos, close - pos);
      } else if (name == "xi:include") {
        std::optional<std::string> href = attribute(tag, "href");
        if (!href) return Error(file + ": <xi:include> without href");
        if (auto ok = parse(*href, depth + 1); !ok) return ok.error().context(file);
      } else if (name == "reg") {
        if (auto ok = add_register(file, tag); !ok) return ok;
      }
    }
    return {};
  }

  Result<void> add_register(const std::string& file, std::string_view tag) {
    std::optional<std::string> name = attribute(tag, "name");
    std::optional<std::string> bits = attribute(tag, "bitsize");
    std::optional<int> bitsize = bits ? to_int(*bits) : std::nullopt;
    if (!name || !bitsize || *bitsize <= 0 || *bitsize > 4096) {
      return Error(file + ": <reg> without a name or a valid bitsize: <" + std::string(tag) + ">");
    }
    RegisterDesc reg;
    reg.name = *name;
    reg.bitsize = *bitsize;
    reg.regnum = next_regnum;
    if (std::optional<std::string> num = attribute(tag, "regnum")) {
      std::optional<int> value = to_int(*num);
      if (!value || *value < 0 || *value > 100000) {
        return Error(file + ": bad regnum in <" + std::string(tag) + ">");
      }
      reg.regnum = *value;
    }
    reg.type = attribute(tag, "type").value_or("int");
    reg.group = attribute(tag, "group").value_or("");
    next_regnum = reg.regnum + 1;
    layout.regs.push_back(std::move(reg));
    return {};
  }
};

}  // namespace

const RegisterDesc* RegisterLayout::find(std::string_view name) const {
  for (const RegisterDesc& reg : regs) {
    if (reg.name == name) return &reg;
  }
  return nullptr;
}

Result<RegisterLayout> parse_target_xml(const std::string& file, const FeatureReader& read) {
  Parser parser{read, {}, 0};
  if (auto ok = parser.parse(file, 0); !ok) return ok.error();
  RegisterLayout layout = std::move(parser.layout);
  std::stable_sort(
      layout.regs.begin(), layout.regs.end(),
      [](const RegisterDesc& a, const RegisterDesc& b) { return a.regnum < b.regnum; });
  // `g` holds the registers in number order, back to back.
  size_t offset = 0;
  for (RegisterDesc& reg : layout.regs) {
    reg.offset = offset;
    offset += reg.size();
  }
  if (layout.regs.empty()) return Error(file + ": the target description names no registers");
  return layout;
}

}  // namespace seam::engine
