// MemoryModel: kernel memory as `seam rd` prints it, 16 bytes a row: the
// address, two 8-byte words in hex bytes, and the row's ASCII. It shows a
// window of kWindowPages 4 KiB pages from the page holding the address gone
// to, and reads each page once, when a row of it is first shown. A page that
// cannot be read shows its bytes as "??".
//
//   MemoryModel model([&](uint64_t address, std::span<std::byte> out) {
//     return session->read_memory(address, out, engine::AddressSpace::kVirtual);
//   });
//   model.go_to(0xffffffff82a0e5b8);
//   std::optional<uint64_t> next = model.pointer_at(model.index(0, MemoryModel::kWord0));
#pragma once

#include <QAbstractTableModel>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>

#include "symbolizer/result.h"

namespace seam::gui {

class MemoryModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kAddress, kWord0, kWord1, kAscii, kColumnCount };
  static constexpr uint64_t kPageSize = 4096;
  static constexpr uint64_t kWindowPages = 4;
  static constexpr uint64_t kBytesPerRow = 16;

  using Reader = std::function<Result<void>(uint64_t address, std::span<std::byte> out)>;

  explicit MemoryModel(Reader reader, QObject* parent = nullptr)
      : QAbstractTableModel(parent), reader_(std::move(reader)) {}

  // Shows the window holding `address`; forgets the pages read, as memory may
  // be read again after a live guest ran.
  void go_to(uint64_t address);
  uint64_t start() const { return start_; }
  // The row holding `address`, or -1 outside the window.
  int row_of(uint64_t address) const;
  uint64_t row_address(int row) const { return start_ + uint64_t(row) * kBytesPerRow; }
  // The 8-byte word of a kWord0/kWord1 cell (little-endian), if it was read.
  std::optional<uint64_t> pointer_at(const QModelIndex& index) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  using Page = std::optional<std::array<std::byte, kPageSize>>;  // nullopt: unreadable
  const Page& page(uint64_t page_address) const;
  // The byte at `address`, or nullopt when its page could not be read.
  std::optional<uint8_t> byte_at(uint64_t address) const;

  Reader reader_;
  uint64_t start_ = 0;
  bool shown_ = false;
  mutable std::map<uint64_t, Page> pages_;  // read on first display
};

}  // namespace seam::gui
