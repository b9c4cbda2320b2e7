// seam-gui's models, loader and window on the corpus's sysrq-kaslr dump
// (paging ELF), compared with what the `seam` command prints for the same
// files (`seam ps --json`, `seam bt --json`) and with what the Session API
// itself returns. Runs offscreen (QT_QPA_PLATFORM=offscreen, set by
// tests/CMakeLists.txt).
#include <QDockWidget>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QtTest>
#include <fstream>
#include <memory>

#include "gui/about.h"
#include "gui/backtrace_model.h"
#include "gui/cpus_model.h"
#include "gui/log_model.h"
#include "gui/main_window.h"
#include "gui/memory_model.h"
#include "gui/memory_view.h"
#include "gui/modules_model.h"
#include "gui/registers_model.h"
#include "gui/session_loader.h"
#include "gui/source_locator.h"
#include "gui/source_view.h"
#include "gui/task_model.h"
#include "tests/corpus/corpus_paths.h"
#include "tests/gui/gui_test_support.h"

namespace seam::gui {

using test_support::corpus_options;
using test_support::frame_row;

class GuiTest : public QObject {
  Q_OBJECT

 private:
  std::shared_ptr<LoadedSession> loaded_;
  // A second, independent session: the reference the GUI's models are compared with.
  std::unique_ptr<engine::Session> reference_;

  static engine::SessionOptions options() { return corpus_options("sysrq-kaslr"); }

 private slots:
  void initTestCase() {
    Result<test_support::ComparedSessions> sessions =
        test_support::open_compared_sessions(options());
    QVERIFY2(sessions.ok(), sessions ? "" : sessions.error().message().c_str());
    loaded_ = sessions->loaded;
    reference_ = std::move(sessions->reference);
  }

  // The Tasks pane, as the window shows it (its filter proxy, in the
  // session's order until a header is clicked), row by row `seam ps --json`.
  void tasks_pane_lists_the_tasks_of_seam_ps() {
    QJsonDocument ps = test_support::seam_json(options(), {"ps"});
    QVERIFY(ps.isArray());
    QJsonArray tasks = ps.array();
    QVERIFY(tasks.size() > 10);
    MainWindow window(loaded_);
    window.show();
    auto* view = window.findChild<QDockWidget*>("Tasks")->findChild<QTableView*>();
    QVERIFY(view != nullptr);
    const QAbstractItemModel& shown = *view->model();
    QCOMPARE(shown.rowCount(), tasks.size());
    auto cell = [&](int row, int column) { return shown.index(row, column).data(); };
    for (int row = 0; row < shown.rowCount(); ++row) {
      QJsonObject want = tasks[row].toObject();
      QCOMPARE(cell(row, TaskModel::kPid).toInt(), want["pid"].toInt());
      QCOMPARE(cell(row, TaskModel::kCommand).toString(), want["comm"].toString());
      QCOMPARE(cell(row, TaskModel::kState).toString(), want["state"].toString());
      QCOMPARE(cell(row, TaskModel::kCpu).toInt(), want["cpu"].toInt());
    }
    QTRY_VERIFY_WITH_TIMEOUT(!window.backtrace_pending(), 60000);
  }

  void task_model_lists_the_sessions_tasks() {
    Result<std::vector<engine::Task>> tasks = reference_->tasks();
    QVERIFY(tasks.ok());
    TaskModel model;
    model.set_tasks(loaded_->tasks, loaded_->info.crashed_task);
    QCOMPARE(model.rowCount(), static_cast<int>(tasks->size()));
    QVERIFY(model.rowCount() > 10);
    for (int row = 0; row < model.rowCount(); ++row) {
      QCOMPARE(model.data(model.index(row, TaskModel::kPid), Qt::DisplayRole).toInt(),
               (*tasks)[row].pid);
      QCOMPARE(model.data(model.index(row, TaskModel::kCommand), Qt::DisplayRole).toString(),
               QString::fromStdString((*tasks)[row].comm));
    }
    QVERIFY(model.crashed_row() >= 0);
  }

  void backtrace_model_rows_are_the_frames() {
    engine::BacktraceRequest request;
    request.variables = true;
    request.variable_parts = true;
    Result<engine::Backtrace> backtrace = reference_->backtrace(request);
    QVERIFY(backtrace.ok());
    QVERIFY(!backtrace->frames.empty());
    BacktraceModel model;
    model.set_backtrace(*backtrace);
    std::vector<const engine::Frame*> frames;
    int boundaries = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
      if (const engine::Frame* frame = model.frame_at(row)) {
        frames.push_back(frame);
      } else {
        ++boundaries;
        QVERIFY(model.data(model.index(row, BacktraceModel::kFunction), Qt::DisplayRole)
                    .toString()
                    .startsWith('['));
      }
    }
    QCOMPARE(frames.size(), backtrace->frames.size());
    int expected_boundaries = 0;
    for (size_t i = 0; i < frames.size(); ++i) {
      const engine::Frame& want = backtrace->frames[i];
      QCOMPARE(frames[i]->function, want.function);
      QCOMPARE(frames[i]->file, want.file);
      QCOMPARE(frames[i]->line, want.line);
      QCOMPARE(frames[i]->inlined, want.inlined);
      expected_boundaries += want.boundary;
    }
    QCOMPARE(boundaries, expected_boundaries);
    // The sysrq crash: panic's frame, in C, its linkage name as tooltip.
    bool found_panic = false;
    for (int row = 0; row < model.rowCount(); ++row) {
      const engine::Frame* frame = model.frame_at(row);
      if (!frame || frame->function != "panic") continue;
      found_panic = true;
      QCOMPARE(model.data(model.index(row, BacktraceModel::kLanguage), Qt::DisplayRole).toString(),
               QString("C"));
      QCOMPARE(model.data(model.index(row, BacktraceModel::kFunction), Qt::ToolTipRole).toString(),
               QString::fromStdString(frame->linkage_name));
    }
    QVERIFY(found_panic);
  }

  void log_model_has_every_record() {
    Result<std::vector<engine::LogRecord>> log = reference_->log();
    QVERIFY(log.ok());
    LogModel model;
    model.set_records(loaded_->log);
    QCOMPARE(model.rowCount(), static_cast<int>(log->size()));
    QVERIFY(model.rowCount() > 0);
  }

  void window_selects_the_crashed_task_and_shows_its_backtrace() {
    Result<engine::SystemInfo> info = reference_->system_info();
    QVERIFY(info.ok());
    QVERIFY(info->crashed_task.has_value());
    MainWindow window(loaded_);
    window.show();
    QCOMPARE(window.selected_pid(), std::optional<int>(info->crashed_task->pid));
    QTRY_VERIFY_WITH_TIMEOUT(!window.backtrace_pending(), 60000);
    QVERIFY(window.backtrace_model().rowCount() > 0);
    QCOMPARE(window.backtrace_model().backtrace().task.pid, info->crashed_task->pid);
    // Its rows are what `seam bt` (the crashed task's backtrace) prints.
    QJsonDocument bt = test_support::seam_json(options(), {"bt"});
    QVERIFY(bt.isObject());
    QCOMPARE(bt["pid"].toInt(), info->crashed_task->pid);
    test_support::compare_with_seam_bt(window.backtrace_model(), bt.object());
    if (QTest::currentTestFailed()) return;
    // The filter keeps the selection's model consistent: "swapper" hides init.
    window.task_filter()->setText("swapper");
    QVERIFY(window.selected_pid() != std::optional<int>(info->crashed_task->pid));
  }

  void source_locator_tries_shorter_suffixes_under_each_root() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::filesystem::path root = dir.path().toStdString();
    std::filesystem::create_directories(root / "b" / "drivers/tty");
    std::ofstream(root / "b" / "drivers/tty/sysrq.c") << "x\n";
    std::string dwarf = "debian/build/build_amd64_none_cloud-amd64/drivers/tty/sysrq.c";
    QCOMPARE(locate_source(dwarf, {root / "a", root / "b"}),
             std::optional(root / "b" / "drivers/tty/sysrq.c"));
    QCOMPARE(locate_source(dwarf, {root / "a"}), std::nullopt);
    QCOMPARE(locate_source(dwarf, {}), std::nullopt);
  }

  void source_view_shows_the_frames_line_under_a_source_root() {
    // A fake drivers/tty/sysrq.c: line N says "line N", enough lines for any frame.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::filesystem::path root = dir.path().toStdString();
    std::filesystem::create_directories(root / "drivers/tty");
    {
      std::ofstream fake(root / "drivers/tty/sysrq.c");
      for (int line = 1; line <= 2000; ++line) fake << "/* line " << line << " */\n";
    }
    MainWindow window(loaded_);
    window.set_source_roots({root});
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(!window.backtrace_pending(), 60000);
    QTRY_VERIFY(window.backtrace_model().rowCount() > 0);
    int row = frame_row(window.backtrace_model(), "sysrq_handle_crash");
    QVERIFY(row >= 0);
    const engine::Frame& frame = *window.backtrace_model().frame_at(row);
    QVERIFY(frame.file.ends_with("drivers/tty/sysrq.c"));
    QVERIFY(frame.line > 0);
    QVERIFY(window.select_frame_row(row));
    const SourceView& view = window.source_view();
    QCOMPARE(view.shown_file(), QString::fromStdString((root / "drivers/tty/sysrq.c").string()));
    QCOMPARE(view.highlighted_line(), frame.line);
    QCOMPARE(view.textCursor().block().text(), QString("/* line %1 */").arg(frame.line));
    QCOMPARE(view.extraSelections().size(), 1);
    QCOMPARE(view.extraSelections().front().cursor.blockNumber(), frame.line - 1);
  }

  // proc_reg_write calls pde_write inlined (the backtrace's frame above it):
  // the gutter marks that line, and every mark is a call Session::inlined_calls
  // names in the file shown.
  void source_view_marks_inlined_call_sites() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::filesystem::path root = dir.path().toStdString();
    std::filesystem::create_directories(root / "fs/proc");
    {
      std::ofstream fake(root / "fs/proc/inode.c");
      for (int line = 1; line <= 2000; ++line) fake << "/* line " << line << " */\n";
    }
    MainWindow window(loaded_);
    window.set_source_roots({root});
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(!window.backtrace_pending(), 60000);
    int row = frame_row(window.backtrace_model(), "proc_reg_write");
    QVERIFY(row > 0);
    const engine::Frame& frame = *window.backtrace_model().frame_at(row);
    const engine::Frame& inlined = *window.backtrace_model().frame_at(row - 1);
    QCOMPARE(inlined.function, std::string("pde_write"));
    QVERIFY(inlined.inlined);
    QVERIFY(window.select_frame_row(row));
    const SourceView& view = window.source_view();
    QVERIFY(!view.shown_file().isEmpty());
    QTRY_VERIFY(!view.inline_marks().empty());

    Result<std::vector<engine::InlinedCall>> calls = reference_->inlined_calls(frame.pc);
    QVERIFY(calls.ok());
    bool pde_write_marked = false;
    for (const InlineMark& mark : view.inline_marks()) {
      bool named = false;
      for (const engine::InlinedCall& call : *calls) {
        named = named || (call.call_file == frame.file && call.call_line == mark.line &&
                          QString::fromStdString(call.callee) == mark.callee);
      }
      QVERIFY2(named, qPrintable(QString("mark %1 %2").arg(mark.line).arg(mark.callee)));
      pde_write_marked =
          pde_write_marked || (mark.line == frame.line && mark.callee == "pde_write");
    }
    QVERIFY(pde_write_marked);
    QVERIFY(view.gutter_tooltip(frame.line).contains("inlined: pde_write()"));
  }

  void source_view_without_roots_names_the_path() {
    MainWindow window(loaded_);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(!window.backtrace_pending(), 60000);
    QTRY_VERIFY(window.backtrace_model().rowCount() > 0);
    int row = frame_row(window.backtrace_model(), "sysrq_handle_crash");
    QVERIFY(row >= 0);
    QVERIFY(window.select_frame_row(row));
    const SourceView& view = window.source_view();
    QVERIFY(view.shown_file().isEmpty());
    QCOMPARE(view.highlighted_line(), 0);
    QString text = view.toPlainText();
    QVERIFY2(text.startsWith("source not available: " +
                             QString::fromStdString(window.backtrace_model().frame_at(row)->file)),
             qPrintable(text));
    QVERIFY(text.contains("--source-root"));
  }

  void registers_and_modules_docks_follow_the_session() {
    MainWindow window(loaded_);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(!window.backtrace_pending(), 60000);
    QTRY_VERIFY(window.backtrace_model().rowCount() > 0);
    // The first frame has every register; rip is its pc.
    int first = window.backtrace_model().first_frame_row();
    QVERIFY(window.select_frame_row(first));
    const engine::Frame& frame = *window.backtrace_model().frame_at(first);
    const RegistersModel& registers = window.registers_model();
    QVERIFY(registers.rowCount() >= 17);
    bool found_rip = false;
    for (int row = 0; row < registers.rowCount(); ++row) {
      if (registers.data(registers.index(row, RegistersModel::kName), Qt::DisplayRole) != "rip") {
        continue;
      }
      found_rip = true;
      QCOMPARE(registers.data(registers.index(row, RegistersModel::kValue), Qt::DisplayRole)
                   .toString()
                   .toULongLong(nullptr, 16),
               frame.pc);
    }
    QVERIFY(found_rip);
    // Modules: the session's, by name.
    Result<std::vector<engine::ModuleInfo>> modules = reference_->modules();
    QVERIFY(modules.ok());
    const ModulesModel& model = window.modules_model();
    QCOMPARE(model.rowCount(), static_cast<int>(modules->size()));
    QVERIFY(model.rowCount() > 0);  // qemu_fw_cfg at least
    for (int row = 0; row < model.rowCount(); ++row) {
      QCOMPARE(model.data(model.index(row, ModulesModel::kName), Qt::DisplayRole).toString(),
               QString::fromStdString((*modules)[row].name));
    }
  }

  void memory_dock_shows_linux_banner_and_follows_pointers() {
    MainWindow window(loaded_);
    window.show();
    MemoryView& memory = *window.memory_view();
    QVERIFY(memory.go_to("linux_banner"));
    QVERIFY(memory.error_text().isEmpty());
    Result<uint64_t> banner = reference_->evaluate_address("linux_banner");
    QVERIFY(banner.ok());
    const MemoryModel& model = memory.model();
    int row = model.row_of(*banner);
    QVERIFY(row >= 0);
    // The banner may start mid-row: its first two rows hold "Linux version".
    QString ascii =
        model.data(model.index(row, MemoryModel::kAscii), Qt::DisplayRole).toString() +
        model.data(model.index(row + 1, MemoryModel::kAscii), Qt::DisplayRole).toString();
    QVERIFY2(ascii.contains("Linux version"), qPrintable(ascii));
    QVERIFY(!model.data(model.index(row, MemoryModel::kWord0), Qt::DisplayRole)
                 .toString()
                 .contains("??"));

    // A bad expression: an error line, the memory shown stays.
    QVERIFY(!memory.go_to("no_such_symbol_seam"));
    QVERIFY(!memory.error_text().isEmpty());
    QCOMPARE(model.row_of(*banner), row);

    // Following init_task's first word leads where that word points.
    Result<uint64_t> init_task = reference_->evaluate_address("init_task");
    QVERIFY(init_task.ok());
    QVERIFY(memory.go_to("init_task"));
    QModelIndex word = model.index(model.row_of(*init_task & ~uint64_t{15}), MemoryModel::kWord0);
    std::optional<uint64_t> pointer = model.pointer_at(word);
    QVERIFY(pointer.has_value());
    QVERIFY(memory.follow_pointer(word));
    QVERIFY(model.row_of(*pointer) >= 0);
  }

  void memory_model_shows_unreadable_bytes_as_question_marks() {
    MemoryModel model(
        [](uint64_t, std::span<std::byte>) -> Result<void> { return Error("unmapped"); });
    model.go_to(0x1000);
    QCOMPARE(model.data(model.index(0, MemoryModel::kWord0), Qt::DisplayRole).toString(),
             QString("?? ?? ?? ?? ?? ?? ?? ??"));
    QVERIFY(!model.pointer_at(model.index(0, MemoryModel::kWord1)).has_value());
  }

  // smp-kthread-spin: a kthread spins on one CPU while the other crashes.
  void cpus_dock_lists_each_cpus_task() {
    engine::SessionOptions smp = corpus_options("smp-kthread-spin");
    smp.module_paths = {(test::scenario_dir("smp-kthread-spin") / "seam_crash.ko").string()};
    Result<test_support::ComparedSessions> sessions = test_support::open_compared_sessions(smp);
    QVERIFY2(sessions.ok(), sessions ? "" : sessions.error().message().c_str());
    std::unique_ptr<engine::Session>& reference = sessions->reference;
    QCOMPARE(sessions->loaded->info.cpus, 2);
    MainWindow window(sessions->loaded);
    window.show();
    const CpusModel& model = window.cpus_model();
    QCOMPARE(model.rowCount(), 2);
    for (int cpu = 0; cpu < 2; ++cpu) {
      Result<engine::Backtrace> backtrace = reference->backtrace({.cpu = cpu});
      QVERIFY(backtrace.ok());
      QVERIFY(!backtrace->frames.empty());
      QCOMPARE(model.data(model.index(cpu, CpusModel::kCpu), Qt::DisplayRole).toInt(), cpu);
      QCOMPARE(model.data(model.index(cpu, CpusModel::kPid), Qt::DisplayRole).toInt(),
               backtrace->task.pid);
      QCOMPARE(model.data(model.index(cpu, CpusModel::kCommand), Qt::DisplayRole).toString(),
               QString::fromStdString(backtrace->task.comm));
      QCOMPARE(model.data(model.index(cpu, CpusModel::kFunction), Qt::DisplayRole).toString(),
               QString::fromStdString(backtrace->frames.front().function));
      QVERIFY(window.select_cpu_row(cpu));
      QCOMPARE(window.selected_pid(), std::optional<int>(backtrace->task.pid));
    }
    // Two different tasks: the spinning kthread and the crashing one.
    QVERIFY(model.cpu_at(0).task->address != model.cpu_at(1).task->address);
    QTRY_VERIFY_WITH_TIMEOUT(!window.backtrace_pending(), 60000);
  }

  void about_names_the_versions() {
    QString text = about_text();
    QVERIFY2(text.contains(QT_VERSION_STR), qPrintable(text));
    QVERIFY2(text.contains("0."), qPrintable(text));  // libdw's "0.188"
    QVERIFY2(text.contains("LLVM demangler 19."), qPrintable(text));
  }

  void window_layout_is_saved_and_restored() {
    QStandardPaths::setTestModeEnabled(true);  // not the user's settings
    QSettings().clear();
    {
      MainWindow window(loaded_);
      window.show();
      QDockWidget* cpus = window.findChild<QDockWidget*>("CPUs");
      QVERIFY(cpus && !cpus->isFloating());
      cpus->setFloating(true);
      window.close();  // saves, as the user closing it does
      QTRY_VERIFY_WITH_TIMEOUT(!window.backtrace_pending(), 60000);
    }
    MainWindow restored(loaded_);
    QVERIFY(restored.findChild<QDockWidget*>("CPUs")->isFloating());
    QSettings().clear();
    QTRY_VERIFY_WITH_TIMEOUT(!restored.backtrace_pending(), 60000);
  }

  void loader_reports_a_bad_dump() {
    SessionLoader loader;
    QSignalSpy failed(&loader, &SessionLoader::failed);
    QSignalSpy loaded(&loader, &SessionLoader::loaded);
    engine::SessionOptions bad = options();
    bad.vmcore = "/nonexistent/vmcore";
    loader.start(bad);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
    QCOMPARE(loaded.count(), 0);
    QVERIFY(!failed.front().front().toString().isEmpty());
  }

  void cleanupTestCase() {
    loaded_.reset();
    reference_.reset();
  }
};

}  // namespace seam::gui

QTEST_MAIN(seam::gui::GuiTest)
#include "gui_test.moc"
