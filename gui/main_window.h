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
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "gui/session_loader.h"

class QLabel;
class QLineEdit;
class QDockWidget;
class QStackedWidget;
class QSortFilterProxyModel;
class QTableView;
class QToolBar;
class QTreeView;

namespace seam::gui {

class BacktraceFetcher;
class BacktraceModel;
class CpusModel;
class LiveController;
class BreakpointsModel;
class LogModel;
class LogView;
class MemoryView;
class DisassemblyView;
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
  // The Disassembly dock, and the centre's disassembly shown when the
  // selected frame's source is not found (showing_centre_disassembly()).
  DisassemblyView* disassembly_view() const { return disassembly_view_; }
  DisassemblyView* centre_disassembly() const { return centre_disassembly_; }
  bool showing_centre_disassembly() const;
  const ModulesModel& modules_model() const { return *modules_model_; }
  const CpusModel& cpus_model() const { return *cpus_model_; }
  bool backtrace_pending() const;
  // The line above the backtrace: whose it is, why it stops or could not be read.
  QString backtrace_status() const;
  // What went wrong while opening without stopping it (shown above the source).
  const std::vector<std::string>& warnings() const { return loaded_->warnings; }
  QLineEdit* task_filter() const { return task_filter_; }
  const SourceView& source_view() const { return *source_view_; }
  MemoryView* memory_view() const { return memory_view_; }

  // Where the Source dock looks for the files DWARF names (see locate_source).
  void set_source_roots(std::vector<std::filesystem::path> roots);
  // Selects a row of the backtrace (as a click does); false if there is no such row.
  bool select_frame_row(int row);
  // Selects a CPU's row (as a click does), which selects its task; false if there is none.
  bool select_cpu_row(int row);

  // Live mode only (null / "" on a dump): run control, its toolbar and status line.
  LiveController* live_controller() const { return live_; }
  QToolBar* run_toolbar() const { return run_toolbar_; }
  const BreakpointsModel* breakpoints_model() const { return breakpoints_model_; }
  QString live_status() const;
  // Sets a breakpoint at FUNCTION or FILE:LINE (the Break at Function action);
  // false, and the status line says why, when it cannot be set.
  bool add_breakpoint(const QString& location);
  // Sets or deletes a breakpoint at a line of the file shown (a gutter click, F9).
  bool toggle_breakpoint_at_line(int line);

 signals:
  // A task's backtrace (or why it could not be read) is on screen.
  void backtrace_shown(int pid);
  // Live: the guest stopped (or a run command failed) and the window shows where.
  void live_stop_shown(const QString& status);
  // File > Open Dump..., File > Connect to QEMU...: for gui/startup.h, which
  // owns the dialogs and opens the session in a new window.
  void open_dump_requested();
  void connect_requested();

 public:
 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void build_docks();
  void build_menus();
  void build_view_menu();  // gui/keyboard_navigation.h, gui/theme.h
  void show_keyboard_shortcuts();
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
  LogView* log_view_ = nullptr;
  QLabel* backtrace_status_ = nullptr;
  SourceView* source_view_ = nullptr;
  MemoryView* memory_view_ = nullptr;

  // Live mode (gui/live_controller.h).
  void build_live_controls();
  void set_running(bool running);
  void live_stopped();
  void live_failed(const QString& message);
  void show_breakpoints_in_source();
  void build_breakpoints_dock();
  void delete_selected_breakpoint();
  void break_at_function();
  const engine::Registers* registers_before_stop(const engine::Frame* frame) const;
  void show_backtrace(int pid, engine::Backtrace backtrace);
  LiveController* live_ = nullptr;
  BreakpointsModel* breakpoints_model_ = nullptr;
  QTableView* breakpoints_view_ = nullptr;
  QToolBar* run_toolbar_ = nullptr;
  QLabel* live_status_ = nullptr;
  QList<QAction*> stopped_actions_;  // enabled while the guest is stopped
  QAction* interrupt_action_ = nullptr;
  bool showing_stop_ = false;  // selecting the stopped task must not read its backtrace again
  // Frame 0's registers at each CPU's last stop, and what the stop shown is compared with.
  std::map<int, engine::Registers> stop_registers_;
  struct RegistersBefore {
    uint64_t pc = 0;
    uint64_t sp = 0;
    engine::Registers registers;
  };
  std::optional<RegistersBefore> registers_before_;

  // The selected frame's code: the Disassembly dock, and in the centre the
  // source view or, without its file, the disassembly under its message.
  QWidget* build_centre_stack(QWidget* parent);
  void build_disassembly_dock(QDockWidget* beside);
  void show_frame_code(const engine::Frame* frame);
  void show_centre_code();
  uint64_t frame_pc_ = 0;  // the selected frame's pc, 0 for none

  // The source gutter's marks for the calls inlined into the selected frame's
  // function (Session::inlined_calls), those made from the file shown.
  void show_inline_marks();
  QStackedWidget* centre_stack_ = nullptr;
  DisassemblyView* centre_disassembly_ = nullptr;
  DisassemblyView* disassembly_view_ = nullptr;
};

}  // namespace seam::gui
