// CpusModel: one row per CPU of the machine: the task running on it and the
// function of its frame #0, from Session::backtrace({.cpu = N}), read once by
// the loader (read_cpu_states). A CPU whose backtrace cannot be read shows why.
//
//   std::vector<CpuState> cpus = read_cpu_states(session, info.cpus);  // worker thread
//   CpusModel model;
//   model.set_cpus(std::move(cpus));
//   const CpuState& state = model.cpu_at(1);  // state.task->pid
#pragma once

#include <QAbstractTableModel>
#include <optional>
#include <string>
#include <vector>

#include "engine/session.h"

namespace seam::gui {

struct CpuState {
  int cpu = 0;
  std::optional<engine::TaskRef> task;  // nullopt when the backtrace failed
  std::string function;                 // frame #0's, "" when unknown
  std::string error;                    // why there is no task, "" if there is
};

// Reads each CPU's backtrace (without variables: only the task and frame #0 are shown).
std::vector<CpuState> read_cpu_states(engine::Session& session, int cpus);

class CpusModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kCpu, kPid, kCommand, kFunction, kColumnCount };

  explicit CpusModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

  void set_cpus(std::vector<CpuState> cpus);
  const CpuState& cpu_at(int row) const { return cpus_.at(row); }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<CpuState> cpus_;
};

}  // namespace seam::gui
