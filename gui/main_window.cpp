#include "gui/main_window.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

#include "gui/about.h"
#include "gui/backtrace_fetcher.h"
#include "gui/backtrace_model.h"
#include "gui/cpus_model.h"
#include "gui/log_model.h"
#include "gui/memory_view.h"
#include "gui/modules_model.h"
#include "gui/registers_model.h"
#include "gui/source_roots.h"
#include "gui/source_view.h"
#include "gui/task_model.h"
#include "gui/variables_model.h"

namespace seam::gui {
namespace {

QTableView* make_table(QAbstractItemModel* model, QWidget* parent) {
  auto* view = new QTableView(parent);
  view->setModel(model);
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::SingleSelection);
  view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view->verticalHeader()->hide();
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
  view->horizontalHeader()->setStretchLastSection(true);
  view->setWordWrap(false);
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
  central_layout->addWidget(source_view_, 1);
  setCentralWidget(central);
  build_docks();
  build_menus();
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
  resize(1280, 860);
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
  backtrace_layout->addWidget(backtrace_status_);
  backtrace_layout->addWidget(backtrace_view_);
  connect(backtrace_view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &MainWindow::frame_selected);
  addDockWidget(Qt::RightDockWidgetArea, make_dock("Backtrace", backtrace, this));

  variables_view_ = new QTreeView(this);
  variables_view_->setModel(variables_model_);
  variables_view_->setRootIsDecorated(false);
  variables_view_->setUniformRowHeights(true);
  addDockWidget(Qt::RightDockWidgetArea, make_dock("Locals", variables_view_, this));

  // Registers beside the locals, Modules beside the log: looked at less often.
  QDockWidget* locals = findChild<QDockWidget*>("Locals");
  QDockWidget* registers = make_dock("Registers", make_table(registers_model_, this), this);
  addDockWidget(Qt::RightDockWidgetArea, registers);
  tabifyDockWidget(locals, registers);
  locals->raise();

  log_view_ = make_table(log_model_, this);
  QDockWidget* log = make_dock("Log", log_view_, this);
  addDockWidget(Qt::BottomDockWidgetArea, log);
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
  log_view_->scrollToBottom();  // the panic is at the end
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu("&File");
  file->addAction("Add &Source Root...", this, &MainWindow::add_source_root);
  file->addSeparator();
  file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);
  QMenu* help = menuBar()->addMenu("&Help");
  help->addAction("&About seam-gui", this, &MainWindow::show_about);
}

void MainWindow::show_about() {
  QMessageBox::about(this, "About seam-gui", about_text());
}

// Versioned: a layout saved by a build with other docks is ignored, not half-applied.
constexpr int kLayoutVersion = 1;

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
  if (!pid) return;
  backtrace_status_->setText(QString("Reading the backtrace of PID %1...").arg(*pid));
  fetcher_->request(*pid);
}

void MainWindow::backtrace_ready(int pid) {
  engine::Backtrace backtrace = fetcher_->take();
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
  int row = backtrace_model_->first_frame_row();
  if (row >= 0) {
    backtrace_view_->selectRow(row);
  } else {
    variables_model_->set_frame(nullptr);
    registers_model_->set_frame(nullptr);
    source_view_->show_location({}, 0);
  }
  emit backtrace_shown(pid);
}

void MainWindow::backtrace_failed(int pid, const QString& message) {
  backtrace_status_->setText(QString("PID %1: %2").arg(pid).arg(message));
  backtrace_model_->clear();
  variables_model_->set_frame(nullptr);
  registers_model_->set_frame(nullptr);
  source_view_->show_location({}, 0);
  emit backtrace_shown(pid);
}

void MainWindow::frame_selected() {
  QModelIndexList rows = backtrace_view_->selectionModel()->selectedRows();
  const engine::Frame* frame =
      rows.isEmpty() ? nullptr : backtrace_model_->frame_at(rows.front().row());
  variables_model_->set_frame(frame);
  registers_model_->set_frame(frame);
  source_view_->show_location(frame ? frame->file : std::string(), frame ? frame->line : 0);
  variables_view_->resizeColumnToContents(VariablesModel::kName);
  variables_view_->resizeColumnToContents(VariablesModel::kType);
}

}  // namespace seam::gui
