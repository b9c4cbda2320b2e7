// MainWindow: a loaded session in dock widgets: Tasks (filterable, the
// crashed task selected at start), CPUs (selecting one selects its task), Backtrace of the selected
// task, Locals of the selected frame, Memory at an address, and the kernel Log. Backtraces are read
// in a worker thread (BacktraceFetcher), so the window never waits on the session.
//
//   Result<std::shared_ptr<LoadedSession>> loaded = load_session(options);
//   MainWindow window(*loaded);
//   window.set_source_roots({"/src/linux-6.1"});  // --source-root and the settings
//   window.show();
#pragma once

#include <QMainWindow>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "gui/session_loader.h"

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QTreeView;

namespace seam::gui {

class BacktraceFetcher;
class BacktraceModel;
class CpusModel;
class LogModel;
class MemoryView;
class ModulesModel;
class RegistersModel;
class SourceView;
class TaskModel;
class VariablesModel;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(std::shared_ptr<LoadedSession> loaded, QWidget* parent = nullptr);
  ~MainWindow() override;

  // The geometry and dock layout, kept in the settings between sessions.
  void save_layout() const;
  bool restore_layout();

  // The PID of the selected task, if one is.
  std::optional<int> selected_pid() const;
  const TaskModel& task_model() const { return *task_model_; }
  const BacktraceModel& backtrace_model() const { return *backtrace_model_; }
  const VariablesModel& variables_model() const { return *variables_model_; }
  const LogModel& log_model() const { return *log_model_; }
  const RegistersModel& registers_model() const { return *registers_model_; }
  const ModulesModel& modules_model() const { return *modules_model_; }
  const CpusModel& cpus_model() const { return *cpus_model_; }
  bool backtrace_pending() const;
  QLineEdit* task_filter() const { return task_filter_; }
  const SourceView& source_view() const { return *source_view_; }
  MemoryView* memory_view() const { return memory_view_; }

  // Where the Source dock looks for the files DWARF names (see locate_source).
  void set_source_roots(std::vector<std::filesystem::path> roots);
  // Selects a row of the backtrace (as a click does); false if there is no such row.
  bool select_frame_row(int row);
  // Selects a CPU's row (as a click does), which selects its task; false if there is none.
  bool select_cpu_row(int row);

 signals:
  // A task's backtrace (or why it could not be read) is on screen.
  void backtrace_shown(int pid);

 public:
 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void build_docks();
  void build_menus();
  void add_source_root();
  void show_about();
  void select_task_row(int source_row);
  void task_selected();
  void cpu_selected();
  void frame_selected();
  void backtrace_ready(int pid);
  void backtrace_failed(int pid, const QString& message);

  std::shared_ptr<LoadedSession> loaded_;
  BacktraceFetcher* fetcher_ = nullptr;
  TaskModel* task_model_ = nullptr;
  QSortFilterProxyModel* task_filter_model_ = nullptr;
  BacktraceModel* backtrace_model_ = nullptr;
  VariablesModel* variables_model_ = nullptr;
  LogModel* log_model_ = nullptr;
  RegistersModel* registers_model_ = nullptr;
  ModulesModel* modules_model_ = nullptr;
  CpusModel* cpus_model_ = nullptr;
  QTableView* cpus_view_ = nullptr;
  QLineEdit* task_filter_ = nullptr;
  QTableView* task_view_ = nullptr;
  QTableView* backtrace_view_ = nullptr;
  QTreeView* variables_view_ = nullptr;
  QTableView* log_view_ = nullptr;
  QLabel* backtrace_status_ = nullptr;
  SourceView* source_view_ = nullptr;
  MemoryView* memory_view_ = nullptr;
};

}  // namespace seam::gui
