#include "engine/address_expression.h"

#include <charconv>
#include <string>

namespace seam::engine {
namespace {

std::optional<uint64_t> parse_number(std::string_view text) {
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
    base = 16;
  } else if (text.size() >= 8 || text.find_first_of("abcdefABCDEF") != std::string_view::npos) {
    base = 16;  // bare kernel addresses, as crash accepts them
  }
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

Result<AddressExpression> parse_address_expression(std::string_view expression) {
  std::string_view text = expression;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (std::optional<uint64_t> number = parse_number(text)) {
    return AddressExpression{.symbol = std::nullopt, .value = *number};
  }
  uint64_t offset = 0;
  if (size_t plus = text.find('+'); plus != std::string_view::npos) {
    std::optional<uint64_t> parsed = parse_number(text.substr(plus + 1));
    if (!parsed) return Error("cannot parse the offset in '" + std::string(expression) + "'");
    offset = *parsed;
    text = text.substr(0, plus);
  }
  return AddressExpression{.symbol = text, .value = offset};
}

Result<uint64_t> evaluate_address_expression(
    std::string_view expression,
    const std::function<Result<std::vector<SymbolInfo>>(std::string_view)>& lookup,
    const std::string& searched) {
  Result<AddressExpression> parsed = parse_address_expression(expression);
  if (!parsed) return parsed.error();
  if (!parsed->symbol) return parsed->value;
  Result<std::vector<SymbolInfo>> symbols = lookup(*parsed->symbol);
  if (!symbols) return symbols.error();
  if (symbols->empty())
    return Error("no symbol '" + std::string(*parsed->symbol) + "' in " + searched +
                 " (names are as `sym` prints them: C names, Rust paths, C++ qualified names; "
                 "Tab completes them at the prompt)");
  return symbols->front().address + parsed->value;
}

}  // namespace seam::engine
