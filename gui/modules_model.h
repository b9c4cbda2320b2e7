// ModulesModel: the kernel's loaded modules (Session::modules()): name, base
// of the core text, its size, and the .ko whose DWARF was loaded for it (a
// module without one shows why its frames have no source: "none").
//
//   ModulesModel model;
//   model.set_modules(loaded->modules);
#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "engine/session.h"

namespace seam::gui {

class ModulesModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kName, kBase, kSize, kDebugFile, kColumnCount };

  explicit ModulesModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

  void set_modules(std::vector<engine::ModuleInfo> modules);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<engine::ModuleInfo> modules_;
};

}  // namespace seam::gui
