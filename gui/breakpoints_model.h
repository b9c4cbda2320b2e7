// BreakpointsModel: the live guest's breakpoints as `info breakpoints` lists
// them, one row a site: number (N, or N.M for a breakpoint with several
// sites), hits, address, function, file:line, and the location as given.
//
//   BreakpointsModel model;
//   model.set_breakpoints(live->breakpoints());  // on LiveController::breakpoints_changed
//   int id = model.breakpoint_id(row);            // what Delete removes
#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "engine/live_control.h"

namespace seam::gui {

class BreakpointsModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kNumber, kHits, kAddress, kFunction, kWhere, kLocation, kColumnCount };

  explicit BreakpointsModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

  void set_breakpoints(const std::vector<engine::LiveBreakpoint>& breakpoints);
  int breakpoint_id(int row) const { return rows_.at(row).id; }
  const engine::BreakpointSite& site(int row) const { return rows_.at(row).site; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  struct Row {
    int id = 0;
    QString number;  // "1", "2.1"
    int hits = 0;
    QString location;
    engine::BreakpointSite site;
  };
  std::vector<Row> rows_;
};

}  // namespace seam::gui
