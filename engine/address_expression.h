// The address expressions the sessions' evaluate_address reads: a number, or
// SYMBOL[+OFFSET]. A number is hex with 0x, or bare hex when it has a-f or
// 8 digits or more (kernel addresses, as crash accepts them), else decimal.
//
//   Result<uint64_t> address = evaluate_address_expression(
//       "panic+0x10", [&](std::string_view name) { return session.symbols_named(name); },
//       "vmlinux-6.1.0-56");   // where the symbol was looked for, for the error
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/session.h"
#include "symbolizer/result.h"

namespace seam::engine {

struct AddressExpression {
  // The symbol named, a view into the expression; none for a number.
  std::optional<std::string_view> symbol;
  // The number, or the offset after the symbol (0 without one).
  uint64_t value = 0;
};

// Spaces around `expression` are ignored; an offset that is no number is an
// error.
Result<AddressExpression> parse_address_expression(std::string_view expression);

// The address an expression names: a number as it is, SYMBOL[+OFFSET] as the
// first symbol `lookup` finds plus the offset; an unknown symbol is an error
// saying it was looked for in `searched` ("vmlinux or the modules' symbols").
Result<uint64_t> evaluate_address_expression(
    std::string_view expression,
    const std::function<Result<std::vector<SymbolInfo>>(std::string_view)>& lookup,
    const std::string& searched);

}  // namespace seam::engine
