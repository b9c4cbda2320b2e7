#include "gui/cpus_model.h"

#include <QString>

namespace seam::gui {

std::vector<CpuState> read_cpu_states(engine::Session& session, int cpus) {
  std::vector<CpuState> states;
  for (int cpu = 0; cpu < cpus; ++cpu) {
    CpuState state;
    state.cpu = cpu;
    Result<engine::Backtrace> backtrace = session.backtrace({.cpu = cpu});
    if (backtrace) {
      state.task = backtrace->task;
      if (!backtrace->frames.empty()) state.function = backtrace->frames.front().function;
    } else {
      state.error = backtrace.error().message();
    }
    states.push_back(std::move(state));
  }
  return states;
}

void CpusModel::set_cpus(std::vector<CpuState> cpus) {
  beginResetModel();
  cpus_ = std::move(cpus);
  endResetModel();
}

int CpusModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(cpus_.size());
}

int CpusModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant CpusModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const CpuState& state = cpus_[index.row()];
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case kCpu: return state.cpu;
      case kPid: return state.task ? QVariant(state.task->pid) : QVariant();
      case kCommand:
        return state.task ? QString::fromStdString(state.task->comm)
                          : QString::fromStdString(state.error);
      case kFunction:
        return state.function.empty() && state.task ? QString("??")
                                                    : QString::fromStdString(state.function);
    }
  }
  if (role == Qt::ToolTipRole && !state.error.empty()) return QString::fromStdString(state.error);
  return {};
}

QVariant CpusModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kCpu: return QString("CPU");
    case kPid: return QString("PID");
    case kCommand: return QString("Command");
    case kFunction: return QString("Function");
  }
  return {};
}

}  // namespace seam::gui
