// Result<T>: a value, or an Error that says what went wrong and where.
//
// Errors are values in Seam (as in libdrgn and llvm::Expected): nothing throws
// across a library boundary, and every layer adds the context it knows about.
//
//   Result<ElfFile> elf = ElfFile::open(path);
//   if (!elf) return elf.error().context("loading debug info");
//   use(*elf);
//
//   Result<void> ok = check(x);
//   if (!ok) std::cerr << "seam: " << ok.error().message() << '\n';
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace seam {

class Error {
 public:
  explicit Error(std::string message) : message_(std::move(message)) {}

  const std::string& message() const { return message_; }

  // Prefixes what the caller was doing: "loading foo: bad ELF header".
  Error context(const std::string& what) const { return Error(what + ": " + message_); }

 private:
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : storage_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(storage_); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<T>(storage_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(storage_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(storage_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<Error>(storage_);
  }

 private:
  std::variant<T, Error> storage_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(failed_);
    return error_;
  }

 private:
  Error error_{""};
  bool failed_ = false;
};

}  // namespace seam
