#include "gui/memory_model.h"

#include <QFontDatabase>
#include <QString>

namespace seam::gui {

void MemoryModel::go_to(uint64_t address) {
  beginResetModel();
  start_ = address & ~(kPageSize - 1);
  // The window must not wrap past the top of the address space.
  const uint64_t window = kWindowPages * kPageSize;
  if (start_ > UINT64_MAX - window + 1) start_ = UINT64_MAX - window + 1;
  shown_ = true;
  pages_.clear();
  endResetModel();
}

int MemoryModel::row_of(uint64_t address) const {
  if (!shown_ || address < start_ || address - start_ >= kWindowPages * kPageSize) return -1;
  return static_cast<int>((address - start_) / kBytesPerRow);
}

const MemoryModel::Page& MemoryModel::page(uint64_t page_address) const {
  auto found = pages_.find(page_address);
  if (found != pages_.end()) return found->second;
  std::array<std::byte, kPageSize> bytes{};
  Page read;
  if (reader_(page_address, bytes)) read = bytes;
  return pages_.emplace(page_address, read).first->second;
}

std::optional<uint8_t> MemoryModel::byte_at(uint64_t address) const {
  const Page& bytes = page(address & ~(kPageSize - 1));
  if (!bytes) return std::nullopt;
  return static_cast<uint8_t>((*bytes)[address & (kPageSize - 1)]);
}

std::optional<uint64_t> MemoryModel::pointer_at(const QModelIndex& index) const {
  if (!index.isValid() || index.row() >= rowCount()) return std::nullopt;
  if (index.column() != kWord0 && index.column() != kWord1) return std::nullopt;
  uint64_t address = row_address(index.row()) + (index.column() == kWord1 ? 8 : 0);
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) {
    std::optional<uint8_t> byte = byte_at(address + i);
    if (!byte) return std::nullopt;
    value = value << 8 | *byte;
  }
  return value;
}

int MemoryModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !shown_) return 0;
  return static_cast<int>(kWindowPages * kPageSize / kBytesPerRow);
}

int MemoryModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant MemoryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  if (role == Qt::FontRole) return QFontDatabase::systemFont(QFontDatabase::FixedFont);
  if (role != Qt::DisplayRole) return {};
  uint64_t address = row_address(index.row());
  switch (index.column()) {
    case kAddress: return QString("%1").arg(address, 16, 16, QLatin1Char('0'));
    case kWord0:
    case kWord1: {
      QString text;
      uint64_t first = address + (index.column() == kWord1 ? 8 : 0);
      for (uint64_t i = 0; i < 8; ++i) {
        std::optional<uint8_t> byte = byte_at(first + i);
        if (i) text += ' ';
        text += byte ? QString("%1").arg(*byte, 2, 16, QLatin1Char('0')) : QString("??");
      }
      return text;
    }
    case kAscii: {
      QString text;
      for (uint64_t i = 0; i < kBytesPerRow; ++i) {
        std::optional<uint8_t> byte = byte_at(address + i);
        text += byte && *byte >= 0x20 && *byte < 0x7f ? QChar(*byte) : QChar('.');
      }
      return text;
    }
  }
  return {};
}

QVariant MemoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kAddress: return QString("Address");
    case kWord0: return QString("+0");
    case kWord1: return QString("+8");
    case kAscii: return QString("ASCII");
  }
  return {};
}

}  // namespace seam::gui
