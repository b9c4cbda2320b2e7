#include "gui/main_window.h"

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>
#include <mutex>

#include "gui/about.h"
#include "gui/backtrace_fetcher.h"
#include "gui/backtrace_model.h"
#include "gui/breakpoints_in_file.h"
#include "gui/breakpoints_model.h"
#include "gui/cpus_model.h"
#include "gui/disassembly_view.h"
#include "gui/keyboard_navigation.h"
#include "gui/live_controller.h"
#include "gui/log_model.h"
#include "gui/log_view.h"
#include "gui/memory_view.h"
#include "gui/modules_model.h"
#include "gui/read_only_table.h"
#include "gui/registers_model.h"
#include "gui/source_roots.h"
#include "gui/source_view.h"
#include "gui/task_model.h"
#include "gui/theme.h"
#include "gui/variables_model.h"

namespace seam::gui {
namespace {

QTableView* make_table(QAbstractItemModel* model, QWidget* parent) {
  auto* view = new QTableView(parent);
  view->setModel(model);
  set_up_read_only_table(view);
  return view;
}

QDockWidget* make_dock(const QString& title, QWidget* content, QMainWindow* window) {
  auto* dock = new QDockWidget(title, window);
  dock->setObjectName(title);
  dock->setWidget(content);
  dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  return dock;
}

// A line on the kernel: what the central label shows.
QString summary(const LoadedSession& loaded) {
  const engine::SystemInfo& info = loaded.info;
  QString text = QString::fromStdString(loaded.session->describe());
  if (!info.release.empty()) {
    text += QString("  —  Linux %1 (%2), %3 CPUs")
                .arg(QString::fromStdString(info.release), QString::fromStdString(info.machine))
                .arg(info.cpus);
  }
  if (!info.panic_message.empty()) {
    text += "\nPanic: " + QString::fromStdString(info.panic_message).trimmed();
  }
  return text;
}

// Says in the status line where the breakpoint is, or why there is none.
// Says in the status line where the breakpoint is, or why there is none.
bool report_breakpoint(QLabel* status, const QString& location,
                       const Result<engine::LiveBreakpoint>& added) {
  if (!added) {
    status->setText(QString("No breakpoint at %1: %2")
                        .arg(location, QString::fromStdString(added.error().message())));
    return false;
  }
  const engine::LiveBreakpoint& b = *added;
  QString where =
      b.sites.size() == 1 && !b.sites[0].file.empty()
          ? QString("%1:%2").arg(QString::fromStdString(b.sites[0].file)).arg(b.sites[0].line)
          : QString("%1 locations").arg(b.sites.size());
  status->setText(QString("Breakpoint %1 at %2").arg(b.id).arg(where));
  return true;
}

}  // namespace

MainWindow::MainWindow(std::shared_ptr<LoadedSession> loaded, QWidget* parent)
    : QMainWindow(parent), loaded_(std::move(loaded)) {
  setWindowTitle("seam-gui — " + QString::fromStdString(loaded_->session->describe()));
  fetcher_ = new BacktraceFetcher(loaded_->session, loaded_->session_lock, this);
  connect(fetcher_, &BacktraceFetcher::ready, this, &MainWindow::backtrace_ready);
  connect(fetcher_, &BacktraceFetcher::failed, this, &MainWindow::backtrace_failed);

  task_model_ = new TaskModel(this);
  task_model_->set_tasks(loaded_->tasks, loaded_->info.crashed_task);
  task_filter_model_ = new QSortFilterProxyModel(this);
  task_filter_model_->setSourceModel(task_model_);
  task_filter_model_->setFilterKeyColumn(-1);  // PID, command, state or CPU
  task_filter_model_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  backtrace_model_ = new BacktraceModel(this);
  variables_model_ = new VariablesModel(this);
  log_model_ = new LogModel(this);
  log_model_->set_records(loaded_->log);
  registers_model_ = new RegistersModel(this);
  modules_model_ = new ModulesModel(this);
  modules_model_->set_modules(loaded_->modules);
  cpus_model_ = new CpusModel(this);
  cpus_model_->set_cpus(loaded_->cpus);

  // The centre: the kernel in a line, then the selected frame's source, which
  // takes what room the docks leave, as a debugger's editor does.
  auto* central = new QWidget(this);
  auto* central_layout = new QVBoxLayout(central);
  central_layout->setContentsMargins(0, 0, 0, 0);
  auto* kernel = new QLabel(summary(*loaded_), central);
  kernel->setTextInteractionFlags(Qt::TextSelectableByMouse);
  kernel->setMargin(6);
  kernel->setWordWrap(true);
  source_view_ = new SourceView(central);
  central_layout->addWidget(kernel);
  // What the CLI warns about loudly (a vmlinux of another kernel, a truncated
  // dump) stays in sight above the code, not only in the status bar.
  if (!loaded_->warnings.empty()) {
    QStringList lines;
    for (const std::string& warning : loaded_->warnings) {
      lines << "⚠ " + QString::fromStdString(warning);
    }
    auto* warnings = new QLabel(lines.join('\n'), central);
    warnings->setObjectName("warnings");
    warnings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    warnings->setMargin(6);
    warnings->setWordWrap(true);
    QPalette palette = warnings->palette();
    palette.setColor(QPalette::WindowText, highlight_colour(ColourRole::kErrorText));
    warnings->setPalette(palette);
    central_layout->addWidget(warnings);
  }
  central_layout->addWidget(build_centre_stack(central), 1);  // the source, or its code
  setCentralWidget(central);
  build_docks();
  build_menus();
  if (loaded_->session->live()) build_live_controls();
  build_view_menu();  // after every dock, the live ones too
  statusBar()->showMessage(
      loaded_->warnings.empty()
          ? QString("%1 tasks, %2 log records").arg(loaded_->tasks.size()).arg(loaded_->log.size())
          : QString("%1 warnings (see the tooltip)").arg(loaded_->warnings.size()));
  QString warnings;
  for (const std::string& warning : loaded_->warnings) {
    warnings += (warnings.isEmpty() ? "" : "\n") + QString::fromStdString(warning);
  }
  statusBar()->setToolTip(warnings);

  int crashed = task_model_->crashed_row();
  select_task_row(crashed >= 0 ? crashed : 0);
  if (task_model_->rowCount() == 0) {
    // Nothing to read a backtrace of: say why, and that the window is ready
    // (--screenshot waits for it).
    backtrace_status_->setText(
        "No tasks: the task list could not be read (see the warnings above the source)");
    QTimer::singleShot(0, this, [this] { emit backtrace_shown(-1); });
  }
  resize(1280, 860);
  // First run: the backtrace gets the room its columns (function, module,
  // file:line) need; a saved layout replaces this.
  if (auto* backtrace = findChild<QDockWidget*>("Backtrace")) {
    resizeDocks({backtrace}, {760}, Qt::Horizontal);
    resizeDocks({backtrace}, {300}, Qt::Vertical);
  }
  restore_layout();
}

MainWindow::~MainWindow() = default;

void MainWindow::build_docks() {
  // Tasks: a filter over the table.
  auto* tasks = new QWidget(this);
  auto* layout = new QVBoxLayout(tasks);
  layout->setContentsMargins(0, 0, 0, 0);
  task_filter_ = new QLineEdit(tasks);
  task_filter_->setPlaceholderText("Filter: PID, command, state...");
  task_filter_->setClearButtonEnabled(true);
  connect(task_filter_, &QLineEdit::textChanged, task_filter_model_,
          &QSortFilterProxyModel::setFilterFixedString);
  task_view_ = make_table(task_filter_model_, tasks);
  task_view_->setSortingEnabled(true);
  task_view_->sortByColumn(-1, Qt::AscendingOrder);  // the session's order until a click
  layout->addWidget(task_filter_);
  layout->addWidget(task_view_);
  connect(task_view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &MainWindow::task_selected);
  addDockWidget(Qt::LeftDockWidgetArea, make_dock("Tasks", tasks, this));

  // CPUs under the tasks: few rows, and a way to the tasks that were running.
  cpus_view_ = make_table(cpus_model_, this);
  cpus_view_->resizeColumnsToContents();
  connect(cpus_view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &MainWindow::cpu_selected);
  addDockWidget(Qt::LeftDockWidgetArea, make_dock("CPUs", cpus_view_, this));

  // Backtrace, with a line for what is being read or what failed.
  auto* backtrace = new QWidget(this);
  auto* backtrace_layout = new QVBoxLayout(backtrace);
  backtrace_layout->setContentsMargins(0, 0, 0, 0);
  backtrace_status_ = new QLabel(backtrace);
  backtrace_view_ = make_table(backtrace_model_, backtrace);
  backtrace_view_->setTextElideMode(Qt::ElideMiddle);
  backtrace_layout->addWidget(backtrace_status_);
  backtrace_layout->addWidget(backtrace_view_);
  connect(backtrace_view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &MainWindow::frame_selected);
  // Under the source, as in Qt Creator's debugger layout: a stack's rows are
  // wide (function, module, file:line), and the Log beside it stays in sight.
  QDockWidget* backtrace_dock = make_dock("Backtrace", backtrace, this);
  addDockWidget(Qt::BottomDockWidgetArea, backtrace_dock);

  variables_view_ = new QTreeView(this);
  variables_view_->setModel(variables_model_);
  variables_view_->setRootIsDecorated(true);  // variables expand to their parts
  variables_view_->setUniformRowHeights(true);
  addDockWidget(Qt::RightDockWidgetArea, make_dock("Locals", variables_view_, this));

  // Registers beside the locals, Modules beside the log: looked at less often.
  QDockWidget* locals = findChild<QDockWidget*>("Locals");
  QDockWidget* registers = make_dock("Registers", make_table(registers_model_, this), this);
  addDockWidget(Qt::RightDockWidgetArea, registers);
  tabifyDockWidget(locals, registers);
  build_disassembly_dock(registers);
  locals->raise();

  log_view_ = new LogView(log_model_, this);  // searchable, filtered by level
  QDockWidget* log = make_dock("Log", log_view_, this);
  splitDockWidget(backtrace_dock, log, Qt::Horizontal);
  auto* modules_view = make_table(modules_model_, this);
  modules_view->resizeColumnsToContents();
  QDockWidget* modules = make_dock("Modules", modules_view, this);
  addDockWidget(Qt::BottomDockWidgetArea, modules);
  tabifyDockWidget(log, modules);
  memory_view_ = new MemoryView(loaded_, this);
  QDockWidget* memory = make_dock("Memory", memory_view_, this);
  addDockWidget(Qt::BottomDockWidgetArea, memory);
  tabifyDockWidget(log, memory);
  log->raise();
  log_view_->scroll_to_end();  // the panic is at the end
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu("&File");
  file->addAction("&Open Dump...", QKeySequence::Open, this, &MainWindow::open_dump_requested);
  file->addAction("&Connect to QEMU...", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
                  &MainWindow::connect_requested);
  file->addSeparator();
  file->addAction("Add &Source Root...", this, &MainWindow::add_source_root);
  file->addSeparator();
  file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);
  QMenu* help = menuBar()->addMenu("&Help");
  help->setObjectName("help_menu");
  help->addAction("&Keyboard Shortcuts", this, &MainWindow::show_keyboard_shortcuts);
  help->addAction("&About seam-gui", this, &MainWindow::show_about);
}

// View, before Help: a go-to action per dock (Alt+1..9), the task filter
// (Ctrl+L anywhere, Ctrl+F in the Tasks dock), the theme.
void MainWindow::build_view_menu() {
  auto* view = new QMenu("&View", menuBar());
  view->setObjectName("view_menu");
  auto* help = menuBar()->findChild<QMenu*>("help_menu");
  menuBar()->insertMenu(help ? help->menuAction() : nullptr, view);
  // As they are laid out: left, right, then bottom; docks added later follow.
  add_dock_actions(*this, view,
                   {"Tasks", "CPUs", "Backtrace", "Locals", "Registers", "Disassembly", "Log",
                    "Modules", "Memory"});
  view->addSeparator();
  add_theme_menu(view);
  task_filter_->setObjectName("task_filter");
  add_focus_shortcut(*this, QKeySequence(Qt::CTRL | Qt::Key_L), task_filter_, "Task filter");
  add_pane_find_shortcut(task_filter_->parentWidget(), task_filter_);
}

void MainWindow::show_keyboard_shortcuts() {
  QMessageBox::information(this, "Keyboard shortcuts — seam-gui", keyboard_shortcuts_text(*this));
}

void MainWindow::show_about() {
  QMessageBox::about(this, "About seam-gui", about_text());
}

// Versioned: a layout saved by a build with other docks is ignored, not half-applied.
constexpr int kLayoutVersion = 2;  // 2: the Backtrace under the source

void MainWindow::save_layout() const {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState(kLayoutVersion));
}

bool MainWindow::restore_layout() {
  QSettings settings;
  QByteArray geometry = settings.value("window/geometry").toByteArray();
  QByteArray state = settings.value("window/state").toByteArray();
  if (geometry.isEmpty() || state.isEmpty()) return false;
  return restoreGeometry(geometry) && restoreState(state, kLayoutVersion);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  save_layout();
  QMainWindow::closeEvent(event);
}

// The root is kept in the settings, for the next sessions too.
void MainWindow::add_source_root() {
  QString dir = QFileDialog::getExistingDirectory(this, "Add a source root (a kernel tree)");
  if (dir.isEmpty()) return;
  QSettings settings;
  add_stored_source_root(settings, dir.toStdString());
  std::vector<std::filesystem::path> roots = source_view_->roots();
  roots.emplace_back(dir.toStdString());
  set_source_roots(std::move(roots));
}

void MainWindow::set_source_roots(std::vector<std::filesystem::path> roots) {
  source_view_->set_roots(std::move(roots));
  show_centre_code();  // the frame's file may be found now, or no more
}

bool MainWindow::select_frame_row(int row) {
  if (row < 0 || row >= backtrace_model_->rowCount()) return false;
  backtrace_view_->selectRow(row);
  return true;
}

bool MainWindow::select_cpu_row(int row) {
  if (row < 0 || row >= cpus_model_->rowCount()) return false;
  cpus_view_->selectRow(row);
  return true;
}

// The task by its task_struct: the idle tasks all have PID 0.
void MainWindow::cpu_selected() {
  QModelIndexList rows = cpus_view_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return;
  const CpuState& state = cpus_model_->cpu_at(rows.front().row());
  if (!state.task) return;
  for (int row = 0; row < task_model_->rowCount(); ++row) {
    if (task_model_->task_at(row).address == state.task->address) {
      task_filter_->clear();  // the task may be filtered out
      select_task_row(row);
      return;
    }
  }
}

std::optional<int> MainWindow::selected_pid() const {
  QModelIndexList rows = task_view_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return std::nullopt;
  return task_model_->task_at(task_filter_model_->mapToSource(rows.front()).row()).pid;
}

bool MainWindow::backtrace_pending() const {
  return fetcher_->busy();
}

QString MainWindow::backtrace_status() const {
  return backtrace_status_->text();
}

void MainWindow::select_task_row(int source_row) {
  if (source_row < 0 || source_row >= task_model_->rowCount()) return;
  QModelIndex index = task_filter_model_->mapFromSource(task_model_->index(source_row, 0));
  task_view_->selectionModel()->select(
      index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  task_view_->setCurrentIndex(index);
  task_view_->scrollTo(index, QAbstractItemView::PositionAtCenter);
}

void MainWindow::task_selected() {
  std::optional<int> pid = selected_pid();
  if (!pid || showing_stop_) return;
  backtrace_status_->setText(QString("Reading the backtrace of PID %1...").arg(*pid));
  fetcher_->request(*pid);
}

void MainWindow::backtrace_ready(int pid) {
  // Read before the guest was resumed: what it shows is gone.
  if (live_ && live_->running()) return;
  show_backtrace(pid, fetcher_->take());
}

void MainWindow::show_backtrace(int pid, engine::Backtrace backtrace) {
  QString end = QString::fromStdString(backtrace.end_reason);
  backtrace_status_->setText(QString("PID %1 \"%2\" on CPU %3%4")
                                 .arg(pid)
                                 .arg(QString::fromStdString(backtrace.task.comm))
                                 .arg(backtrace.cpu)
                                 .arg(end == "user space" || end == "end of stack"
                                          ? QString()
                                          : "  —  the backtrace stops: " + end));
  backtrace_model_->set_backtrace(std::move(backtrace));
  backtrace_view_->resizeColumnsToContents();
  // A long Rust or C++ name must not push the module and file:line out of
  // sight: it is cut in the middle, its offset kept (the row's tooltip and
  // the Source pane say the rest).
  constexpr int kFunctionWidth = 340;
  if (backtrace_view_->columnWidth(BacktraceModel::kFunction) > kFunctionWidth) {
    backtrace_view_->setColumnWidth(BacktraceModel::kFunction, kFunctionWidth);
  }
  int row = backtrace_model_->first_frame_row();
  if (row >= 0) {
    backtrace_view_->selectRow(row);
  } else {
    variables_model_->set_frame(nullptr);
    registers_model_->set_frame(nullptr);
    source_view_->show_location({}, 0);
    show_frame_code(nullptr);
  }
  emit backtrace_shown(pid);
}

void MainWindow::backtrace_failed(int pid, const QString& message) {
  backtrace_status_->setText(QString("PID %1: %2").arg(pid).arg(message));
  backtrace_model_->clear();
  variables_model_->set_frame(nullptr);
  registers_model_->set_frame(nullptr);
  source_view_->show_location({}, 0);
  show_frame_code(nullptr);
  emit backtrace_shown(pid);
}

void MainWindow::frame_selected() {
  QModelIndexList rows = backtrace_view_->selectionModel()->selectedRows();
  const engine::Frame* frame =
      rows.isEmpty() ? nullptr : backtrace_model_->frame_at(rows.front().row());
  variables_model_->set_frame(frame);
  registers_model_->set_frame(frame, registers_before_stop(frame));
  source_view_->show_location(frame ? frame->file : std::string(), frame ? frame->line : 0);
  show_frame_code(frame);
  show_inline_marks();
  if (live_) show_breakpoints_in_source();
  variables_view_->resizeColumnToContents(VariablesModel::kName);
  variables_view_->resizeColumnToContents(VariablesModel::kType);
}

// Live mode: the run toolbar with a debugger's keys, the status line, and
// breakpoints from the source gutter (F9) or by name (Ctrl+B).
void MainWindow::build_live_controls() {
  live_ = new LiveController(loaded_, this);
  run_toolbar_ = addToolBar("Run");
  run_toolbar_->setObjectName("Run");
  auto add = [this](const QString& text, const QKeySequence& key, auto slot) {
    QAction* action = run_toolbar_->addAction(text, this, slot);
    action->setShortcut(key);
    action->setToolTip(QString("%1 (%2)").arg(text, key.toString(QKeySequence::NativeText)));
    return action;
  };
  using Command = LiveController::Command;
  stopped_actions_ << add("Continue", Qt::Key_F5, [this] { live_->run(Command::kContinue); });
  interrupt_action_ = add("Interrupt", Qt::SHIFT | Qt::Key_F5, [this] { live_->interrupt(); });
  stopped_actions_ << add("Step", Qt::Key_F11, [this] { live_->run(Command::kStep); });
  stopped_actions_ << add("Next", Qt::Key_F10, [this] { live_->run(Command::kNext); });
  stopped_actions_ << add("Finish", Qt::SHIFT | Qt::Key_F11,
                          [this] { live_->run(Command::kFinish); });
  stopped_actions_ << add("Step Instruction", Qt::CTRL | Qt::Key_F11,
                          [this] { live_->run(Command::kStepInstruction); });
  run_toolbar_->addSeparator();
  stopped_actions_ << add("Toggle Breakpoint", Qt::Key_F9,
                          [this] { toggle_breakpoint_at_line(source_view_->cursor_line()); });
  stopped_actions_ << add("Break at Function...", Qt::CTRL | Qt::Key_B,
                          [this] { break_at_function(); });

  live_status_ = new QLabel("Stopped", this);
  live_status_->setToolTip(QString::fromStdString(loaded_->info.live_state));
  live_status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  statusBar()->addPermanentWidget(live_status_, 1);

  source_view_->set_breakpoints_enabled(true);
  connect(source_view_, &SourceView::breakpoint_toggle_requested, this,
          &MainWindow::toggle_breakpoint_at_line);
  connect(live_, &LiveController::started, this, [this](const QString& what) {
    live_status_->setText(what == "Continue" ? QString("Running…") : what + "…");
    fetcher_->discard();  // a backtrace asked for before the resume would show a gone state
    set_running(true);
  });
  connect(live_, &LiveController::stopped, this, &MainWindow::live_stopped);
  connect(live_, &LiveController::failed, this, &MainWindow::live_failed);
  connect(live_, &LiveController::breakpoints_changed, this,
          &MainWindow::show_breakpoints_in_source);
  build_breakpoints_dock();
  set_running(false);
}

// Beside the Modules: as `info breakpoints`, with Delete to remove one.
void MainWindow::build_breakpoints_dock() {
  breakpoints_model_ = new BreakpointsModel(this);
  breakpoints_view_ = make_table(breakpoints_model_, this);
  QDockWidget* dock = make_dock("Breakpoints", breakpoints_view_, this);
  addDockWidget(Qt::BottomDockWidgetArea, dock);
  if (auto* modules = findChild<QDockWidget*>("Modules")) tabifyDockWidget(modules, dock);
  if (auto* log = findChild<QDockWidget*>("Log")) log->raise();
  auto* remove = new QAction("Delete Breakpoint", breakpoints_view_);
  remove->setShortcut(QKeySequence::Delete);
  remove->setShortcutContext(Qt::WidgetShortcut);
  connect(remove, &QAction::triggered, this, &MainWindow::delete_selected_breakpoint);
  breakpoints_view_->addAction(remove);
  breakpoints_view_->setContextMenuPolicy(Qt::ActionsContextMenu);
  stopped_actions_ << remove;
  connect(live_, &LiveController::breakpoints_changed, this, [this] {
    breakpoints_model_->set_breakpoints(live_->breakpoints());
    breakpoints_view_->resizeColumnsToContents();
  });
}

void MainWindow::delete_selected_breakpoint() {
  QModelIndexList rows = breakpoints_view_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return;
  int id = breakpoints_model_->breakpoint_id(rows.front().row());
  Result<void> deleted = live_->delete_breakpoint(id);
  live_status_->setText(deleted ? QString("Breakpoint %1 deleted").arg(id)
                                : QString("Breakpoint %1: %2")
                                      .arg(id)
                                      .arg(QString::fromStdString(deleted.error().message())));
}

QString MainWindow::live_status() const {
  return live_status_ ? live_status_->text() : QString();
}

// While the guest runs the worker holds the session: nothing here may wait
// for it, so what reads the session is disabled until the guest stops.
void MainWindow::set_running(bool running) {
  for (QAction* action : stopped_actions_) action->setEnabled(!running);
  interrupt_action_->setEnabled(running);
  task_view_->setEnabled(!running);
  cpus_view_->setEnabled(!running);
  backtrace_view_->setEnabled(!running);  // a frame's disassembly reads memory
  memory_view_->setEnabled(!running);
  if (disassembly_view_) disassembly_view_->setEnabled(!running);
}

void MainWindow::live_stopped() {
  const LiveStopReport& report = live_->report();
  if (report.tasks) task_model_->set_tasks(*report.tasks, loaded_->info.crashed_task);
  cpus_model_->set_cpus(report.cpus);
  registers_before_.reset();
  if (report.backtrace && !report.backtrace->frames.empty()) {
    const engine::Frame& top = report.backtrace->frames.front();
    auto previous = stop_registers_.find(report.stop.cpu);
    if (previous != stop_registers_.end()) {
      registers_before_ = RegistersBefore{top.pc, top.sp, previous->second};
    }
    stop_registers_[report.stop.cpu] = top.registers;
  }
  set_running(false);
  memory_view_->reread();
  if (report.backtrace) {
    // The stopped task selected, its backtrace the one just read.
    showing_stop_ = true;
    task_filter_->clear();
    for (int row = 0; row < task_model_->rowCount(); ++row) {
      if (task_model_->task_at(row).address == report.backtrace->task.address) {
        select_task_row(row);
        break;
      }
    }
    showing_stop_ = false;
    show_backtrace(report.backtrace->task.pid, *report.backtrace);
  } else {
    backtrace_status_->setText(QString("CPU %1: %2")
                                   .arg(report.stop.cpu)
                                   .arg(QString::fromStdString(report.backtrace_error)));
    backtrace_model_->clear();
    variables_model_->set_frame(nullptr);
    registers_model_->set_frame(nullptr);
    source_view_->show_location({}, 0);
  }
  live_status_->setText(report.description);
  emit live_stop_shown(report.description);
}

void MainWindow::live_failed(const QString& message) {
  set_running(false);
  live_status_->setText("Error: " + message);
  emit live_stop_shown(live_status_->text());
}

// Frame 0 of the stop shown (or an inlined frame at the same place) is
// compared with the previous stop of its CPU; other frames are not.
const engine::Registers* MainWindow::registers_before_stop(const engine::Frame* frame) const {
  if (!frame || !registers_before_ || frame->pc != registers_before_->pc ||
      frame->sp != registers_before_->sp) {
    return nullptr;
  }
  return &registers_before_->registers;
}

void MainWindow::show_breakpoints_in_source() {
  source_view_->set_breakpoint_lines(
      breakpoint_lines(live_->breakpoints(), source_view_->dwarf_file()));
}

bool MainWindow::add_breakpoint(const QString& location) {
  if (!live_) return false;
  return report_breakpoint(live_status_, location,
                           live_->add_breakpoint(location.trimmed().toStdString()));
}

bool MainWindow::toggle_breakpoint_at_line(int line) {
  if (!live_) return false;
  std::string file = source_view_->dwarf_file();
  if (file.empty() || line <= 0) {
    live_status_->setText("No source file shown: a breakpoint needs a line of one");
    return false;
  }
  if (std::optional<int> id = breakpoint_at_line(live_->breakpoints(), file, line)) {
    Result<void> deleted = live_->delete_breakpoint(*id);
    live_status_->setText(deleted ? QString("Breakpoint %1 deleted").arg(*id)
                                  : QString("Breakpoint %1: %2")
                                        .arg(*id)
                                        .arg(QString::fromStdString(deleted.error().message())));
    return deleted.ok();
  }
  return report_breakpoint(live_status_,
                           QString("%1:%2").arg(QString::fromStdString(file)).arg(line),
                           live_->add_breakpoint_at_line(file, line));
}

void MainWindow::break_at_function() {
  bool ok = false;
  QString location = QInputDialog::getText(
      this, "Break at Function",
      "Function or FILE:LINE (ksys_write, fs/read_write.c:637):", QLineEdit::Normal, QString(),
      &ok);
  if (ok && !location.trimmed().isEmpty()) add_breakpoint(location);
}

QWidget* MainWindow::build_centre_stack(QWidget* parent) {
  centre_stack_ = new QStackedWidget(parent);
  source_view_->setParent(centre_stack_);
  centre_stack_->addWidget(source_view_);
  centre_disassembly_ = new DisassemblyView(loaded_, centre_stack_);
  centre_disassembly_->setObjectName("centre_disassembly");
  centre_stack_->addWidget(centre_disassembly_);
  return centre_stack_;
}

void MainWindow::build_disassembly_dock(QDockWidget* beside) {
  disassembly_view_ = new DisassemblyView(loaded_, this);
  QDockWidget* disassembly = make_dock("Disassembly", disassembly_view_, this);
  addDockWidget(Qt::RightDockWidgetArea, disassembly);
  tabifyDockWidget(beside, disassembly);
}

bool MainWindow::showing_centre_disassembly() const {
  return centre_stack_->currentWidget() == centre_disassembly_;
}

// The dock follows every frame; the centre shows the disassembly only when
// the source view could not find the frame's file (its message stays above).
void MainWindow::show_frame_code(const engine::Frame* frame) {
  frame_pc_ = frame ? frame->pc : 0;
  disassembly_view_->show_pc(frame_pc_);
  show_centre_code();
}

void MainWindow::show_centre_code() {
  bool fallback = frame_pc_ != 0 && source_view_->shown_file().isEmpty();
  if (fallback) {
    centre_disassembly_->set_banner(source_view_->toPlainText().trimmed());
    centre_disassembly_->show_pc(frame_pc_);
  }
  centre_stack_->setCurrentWidget(fallback ? static_cast<QWidget*>(centre_disassembly_)
                                           : source_view_);
}

// The session may be busy (a backtrace read in the worker, a running live
// guest): the window does not wait for it, it tries again a little later.
void MainWindow::show_inline_marks() {
  QModelIndexList rows = backtrace_view_->selectionModel()->selectedRows();
  const engine::Frame* frame =
      rows.isEmpty() ? nullptr : backtrace_model_->frame_at(rows.front().row());
  if (frame == nullptr || frame->file.empty() || source_view_->shown_file().isEmpty()) {
    source_view_->set_inline_marks({});
    return;
  }
  std::unique_lock<std::mutex> held(*loaded_->session_lock, std::try_to_lock);
  if (!held.owns_lock()) {
    QTimer::singleShot(100, this, &MainWindow::show_inline_marks);
    return;
  }
  std::vector<InlineMark> marks;
  if (Result<std::vector<engine::InlinedCall>> calls = loaded_->session->inlined_calls(frame->pc)) {
    for (const engine::InlinedCall& call : *calls) {
      if (call.call_file == frame->file && call.call_line > 0) {
        marks.push_back({call.call_line, QString::fromStdString(call.callee)});
      }
    }
  }
  source_view_->set_inline_marks(std::move(marks));
}

}  // namespace seam::gui
