// seam-gui's live mode on a QEMU guest, driven by its keys as a user does:
// F5 runs to a breakpoint, F10 moves the highlighted source line, Shift+F5
// interrupts a Continue, the gutter and F9 toggle breakpoints, the registers
// a step changed are highlighted. Run by tests/integration/test_gui_live.py,
// which boots the guest, gives its gdbstub and vmlinux here, and compares
// what this test writes (SEAM_GUI_LIVE_RESULT, a JSON object) with what
// `seam next` prints. Offscreen (QT_QPA_PLATFORM=offscreen).
//
//   SEAM_GDBSTUB=127.0.0.1:1234 SEAM_VMLINUX=vmlinux SEAM_GUI_LIVE_RESULT=out.json
//   seam_gui_live_tests  (all three in its environment)
#include <QAction>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolBar>
#include <QtTest>
#include <fstream>
#include <memory>

#include "engine/live_control.h"
#include "gui/backtrace_model.h"
#include "gui/breakpoints_model.h"
#include "gui/cpus_model.h"
#include "gui/live_controller.h"
#include "gui/main_window.h"
#include "gui/memory_view.h"
#include "gui/registers_model.h"
#include "gui/session_loader.h"
#include "gui/source_view.h"
#include "gui/task_model.h"
#include "tests/gui/gui_test_support.h"

namespace seam::gui {

// A guest runs to a breakpoint under TCG in seconds, but a loaded machine may be slow.
constexpr int kStopTimeoutMs = 180000;

class GuiLiveTest : public QObject {
  Q_OBJECT

 private:
  std::shared_ptr<LoadedSession> loaded_;
  std::unique_ptr<MainWindow> window_;
  QTemporaryDir source_root_;
  QJsonObject result_;

  static QString env(const char* name) { return qEnvironmentVariable(name); }

  // Presses `key` on the window and waits until the window shows the stop.
  bool press_and_wait(QKeyCombination key) {
    QSignalSpy shown(window_.get(), &MainWindow::live_stop_shown);
    QTest::keyClick(window_.get(), key.key(), key.keyboardModifiers());
    return shown.wait(kStopTimeoutMs);
  }

  QAction* action(const QString& text) const {
    for (QAction* a : window_->run_toolbar()->actions()) {
      if (a->text() == text) return a;
    }
    return nullptr;
  }

  const engine::Frame* top_frame() const {
    int row = window_->backtrace_model().first_frame_row();
    return row < 0 ? nullptr : window_->backtrace_model().frame_at(row);
  }

  int register_row(const char* name) const {
    const RegistersModel& model = window_->registers_model();
    for (int row = 0; row < model.rowCount(); ++row) {
      if (model.data(model.index(row, RegistersModel::kName), Qt::DisplayRole).toString() == name)
        return row;
    }
    return -1;
  }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // not the user's settings (saved layout)
    QSettings().clear();
    if (env("SEAM_GDBSTUB").isEmpty() || env("SEAM_VMLINUX").isEmpty()) {
      QFAIL(
          "SEAM_GDBSTUB (a QEMU gdbstub HOST:PORT) and SEAM_VMLINUX are not set: run "
          "tests/integration/test_gui_live.py (ctest -R test_gui_live), which boots the guest");
    }
    // A fake fs/read_write.c: line N reads "/* line N */", so that the view has every line.
    QVERIFY(source_root_.isValid());
    std::filesystem::path root = source_root_.path().toStdString();
    std::filesystem::create_directories(root / "fs");
    std::ofstream fake(root / "fs/read_write.c");
    for (int line = 1; line <= 3000; ++line) fake << "/* line " << line << " */\n";
  }

  void cleanupTestCase() {
    window_.reset();
    loaded_.reset();
    if (QString out = env("SEAM_GUI_LIVE_RESULT"); !out.isEmpty()) {
      QFile file(out);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(QJsonDocument(result_).toJson());
    }
  }

  void a_dump_has_no_run_toolbar() {
    engine::SessionOptions options = test_support::corpus_options("sysrq-kaslr");
    if (!std::filesystem::exists(options.vmcore) || !std::filesystem::exists(options.vmlinux)) {
      QFAIL("no corpus (samples/kernels/make-corpus.sh)");
    }
    Result<std::shared_ptr<LoadedSession>> dump = load_session(options);
    QVERIFY2(dump.ok(), dump ? "" : dump.error().message().c_str());
    MainWindow window(*dump);
    QCOMPARE(window.run_toolbar(), nullptr);
    QCOMPARE(window.live_controller(), nullptr);
    QVERIFY(window.findChildren<QToolBar*>().isEmpty());
    QCOMPARE(window.live_status(), QString());
  }

  void connects_with_a_run_toolbar() {
    engine::SessionOptions options;
    options.gdbstub = env("SEAM_GDBSTUB").toStdString();
    options.vmlinux = env("SEAM_VMLINUX").toStdString();
    Result<std::shared_ptr<LoadedSession>> loaded = load_session(options);
    QVERIFY2(loaded.ok(), loaded ? "" : loaded.error().message().c_str());
    loaded_ = *loaded;
    window_ = std::make_unique<MainWindow>(loaded_);
    window_->set_source_roots({source_root_.path().toStdString()});
    window_->show();
    window_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    QTRY_VERIFY_WITH_TIMEOUT(!window_->backtrace_pending(), 60000);
    QVERIFY(window_->run_toolbar() != nullptr);
    QVERIFY(window_->live_controller() != nullptr);
    for (const char* name : {"Continue", "Step", "Next", "Finish", "Step Instruction"}) {
      QVERIFY2(action(name) && action(name)->isEnabled(), name);
    }
    QVERIFY(!action("Interrupt")->isEnabled());
    QCOMPARE(action("Continue")->shortcut(), QKeySequence(Qt::Key_F5));
    QCOMPARE(action("Next")->shortcut(), QKeySequence(Qt::Key_F10));
    QCOMPARE(action("Interrupt")->shortcut(), QKeySequence(Qt::SHIFT | Qt::Key_F5));
    QVERIFY(window_->live_status().startsWith("Stopped"));
  }

  void f5_runs_to_a_breakpoint_and_f10_moves_the_line() {
    QVERIFY(window_);
    QVERIFY(window_->add_breakpoint("ksys_write"));
    QVERIFY2(window_->live_status().startsWith("Breakpoint 1 at "),
             qPrintable(window_->live_status()));

    QVERIFY(press_and_wait(Qt::Key_F5));
    QString status = window_->live_status();
    QVERIFY2(status.startsWith("Stopped: Breakpoint 1, ksys_write (fd="), qPrintable(status));
    QVERIFY2(status.contains(QRegularExpression(R"(at \S*fs/read_write\.c:\d+ on CPU \d+$)")),
             qPrintable(status));
    const engine::Frame* frame = top_frame();
    QVERIFY(frame);
    QCOMPARE(frame->function, std::string("ksys_write"));
    const SourceView& view = window_->source_view();
    QVERIFY2(view.shown_file().endsWith("/fs/read_write.c"), qPrintable(view.toPlainText()));
    int at_break = view.highlighted_line();
    QCOMPARE(at_break, frame->line);
    QVERIFY(status.contains(QString("read_write.c:%1 ").arg(at_break)));
    // The breakpoint's dot is on the line it stopped at.
    QVERIFY(std::count(view.breakpoint_lines().begin(), view.breakpoint_lines().end(), at_break));
    // The Breakpoints dock counts the hit, as `info breakpoints` does.
    const BreakpointsModel& listed = *window_->breakpoints_model();
    QCOMPARE(listed.rowCount(), 1);
    QCOMPARE(listed.data(listed.index(0, BreakpointsModel::kHits), Qt::DisplayRole).toInt(), 1);
    QCOMPARE(listed.data(listed.index(0, BreakpointsModel::kFunction), Qt::DisplayRole).toString(),
             QString("ksys_write"));
    uint64_t rip_at_break = frame->pc;

    QVERIFY(press_and_wait(Qt::Key_F10));
    frame = top_frame();
    QVERIFY(frame);
    QCOMPARE(frame->function, std::string("ksys_write"));
    int after_next = view.highlighted_line();
    QCOMPARE(after_next, frame->line);
    QVERIFY2(after_next != at_break, qPrintable(QString::number(after_next)));
    QVERIFY2(window_->live_status().startsWith("Stopped: ksys_write ("),
             qPrintable(window_->live_status()));
    // rip moved: it is highlighted; cs (the kernel's code segment) is not.
    const RegistersModel& regs = window_->registers_model();
    int rip = register_row("rip");
    QVERIFY(rip >= 0);
    QVERIFY(frame->pc != rip_at_break);
    QVERIFY(
        regs.data(regs.index(rip, RegistersModel::kValue), RegistersModel::kChangedRole).toBool());
    QVERIFY(regs.data(regs.index(rip, RegistersModel::kValue), Qt::ForegroundRole).isValid());
    int cs = register_row("cs");
    QVERIFY(cs >= 0);
    QVERIFY(
        !regs.data(regs.index(cs, RegistersModel::kValue), RegistersModel::kChangedRole).toBool());

    result_["break_status"] = status;
    result_["break_line"] = at_break;
    result_["next_function"] = QString::fromStdString(frame->function);
    result_["next_line"] = after_next;
    result_["next_status"] = window_->live_status();
    // For a look at the window (not checked): SEAM_GUI_LIVE_SCREENSHOT=FILE.png.
    if (QString shot = env("SEAM_GUI_LIVE_SCREENSHOT"); !shot.isEmpty()) {
      QVERIFY(window_->add_breakpoint(QString("fs/read_write.c:%1").arg(after_next + 2)));
      QVERIFY(window_->grab().save(shot));
      QVERIFY(window_->live_controller()->delete_breakpoint(2).ok());
    }
  }

  void gutter_click_and_f9_toggle_a_breakpoint() {
    QVERIFY(window_);
    LiveController& live = *window_->live_controller();
    for (const engine::LiveBreakpoint& b : std::vector(live.breakpoints())) {
      QVERIFY(live.delete_breakpoint(b.id).ok());
    }
    const SourceView& view = window_->source_view();
    int line = view.highlighted_line();  // a line with code: the guest stopped on it
    QVERIFY(line > 0);
    QRect rect = view.gutter_line_rect(line);
    QVERIFY(!rect.isEmpty());
    QTest::mouseClick(view.gutter(), Qt::LeftButton, {}, rect.center());
    QVERIFY2(live.breakpoints().size() == 1, qPrintable(window_->live_status()));
    const engine::LiveBreakpoint& added = live.breakpoints().front();
    QVERIFY(!added.sites.empty());
    for (const engine::BreakpointSite& site : added.sites) {
      QCOMPARE(site.line, line);
      QVERIFY(site.file.ends_with("fs/read_write.c"));
    }
    // The frame's path without the unit's directory, as the line table has it.
    QVERIFY2(added.location.ends_with("fs/read_write.c:" + std::to_string(line)),
             added.location.c_str());
    QVERIFY(view.dwarf_file().ends_with(added.location.substr(0, added.location.find(':'))));
    QCOMPARE(view.breakpoint_lines(), std::vector<int>{line});
    // The Breakpoints dock lists its site.
    const BreakpointsModel& listed = *window_->breakpoints_model();
    QCOMPARE(listed.rowCount(), static_cast<int>(added.sites.size()));
    QVERIFY(listed.data(listed.index(0, BreakpointsModel::kWhere), Qt::DisplayRole)
                .toString()
                .endsWith(QString("fs/read_write.c:%1").arg(line)));
    QCOMPARE(listed.breakpoint_id(0), added.id);
    QVERIFY(view.gutter_tooltip(line).contains("breakpoint"));

    // F9 at the cursor line (where the view put it) deletes it; a click adds it back.
    QCOMPARE(view.cursor_line(), line);
    QTest::keyClick(window_.get(), Qt::Key_F9);
    QVERIFY(live.breakpoints().empty());
    QVERIFY(view.breakpoint_lines().empty());
    QTest::mouseClick(view.gutter(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(live.breakpoints().size(), size_t(1));
    QTest::mouseClick(view.gutter(), Qt::LeftButton, {}, rect.center());
    QVERIFY(live.breakpoints().empty());
    QVERIFY(window_->live_status().contains("deleted"));
    QCOMPARE(window_->breakpoints_model()->rowCount(), 0);
  }

  void a_line_without_code_is_said_in_the_status_line() {
    QVERIFY(window_);
    QVERIFY(!window_->add_breakpoint("no_such_function_in_the_kernel"));
    QVERIFY2(window_->live_status().startsWith("No breakpoint at no_such_function_in_the_kernel: "),
             qPrintable(window_->live_status()));
    QVERIFY(window_->live_controller()->breakpoints().empty());
  }

  void shift_f5_interrupts_a_continue() {
    QVERIFY(window_);
    QVERIFY(window_->live_controller()->breakpoints().empty());
    QSignalSpy shown(window_.get(), &MainWindow::live_stop_shown);
    QTest::keyClick(window_.get(), Qt::Key_F5);
    QVERIFY(window_->live_controller()->running());
    QCOMPARE(window_->live_status(), QString("Running…"));
    QVERIFY(action("Interrupt")->isEnabled());
    QVERIFY(!action("Continue")->isEnabled());
    QVERIFY(!action("Next")->isEnabled());
    QVERIFY(!window_->memory_view()->isEnabled());  // it would wait on the running session
    int disabled_tables = 0;  // Tasks, CPUs and Backtrace: a click would read the session
    for (QTableView* table : window_->findChildren<QTableView*>()) {
      const QAbstractItemModel* model = table->model();
      if (auto* proxy = qobject_cast<const QSortFilterProxyModel*>(model)) {
        model = proxy->sourceModel();
      }
      if (model == &window_->task_model() || model == &window_->cpus_model() ||
          model == &window_->backtrace_model()) {
        QVERIFY(!table->isEnabled());
        ++disabled_tables;
      }
    }
    QCOMPARE(disabled_tables, 3);
    QTest::qWait(1000);  // the UI stays responsive meanwhile: this loop runs
    QCOMPARE(shown.count(), 0);
    QTest::keyClick(window_.get(), Qt::Key_F5, Qt::ShiftModifier);
    QVERIFY(shown.count() > 0 || shown.wait(kStopTimeoutMs));
    QString status = window_->live_status();
    QVERIFY2(status.startsWith("Interrupted: CPU "), qPrintable(status));
    QVERIFY(action("Continue")->isEnabled());
    QVERIFY(!action("Interrupt")->isEnabled());
    QVERIFY(window_->memory_view()->isEnabled());
    QVERIFY(window_->backtrace_model().rowCount() > 0);
    result_["interrupt_status"] = status;
  }

  void inline_marks_paint_and_explain_themselves() {
    SourceView view;
    view.set_roots({source_root_.path().toStdString()});
    view.resize(600, 400);
    view.show_location("debian/build/fs/read_write.c", 10);
    QCOMPARE(view.highlighted_line(), 10);
    int lines = view.blockCount();
    // A mark past the end of the file is kept but never painted or hit.
    view.set_inline_marks({{10, "fdget_pos"}, {lines + 50, "beyond"}});
    QCOMPARE(view.gutter_tooltip(10), QString("inlined: fdget_pos()"));
    QCOMPARE(view.gutter_tooltip(lines + 50), QString("inlined: beyond()"));
    QCOMPARE(view.gutter_tooltip(11), QString());
    QImage image(view.gutter()->size(), QImage::Format_ARGB32);
    view.gutter()->render(&image);  // paints without tripping on the mark past the end
    QVERIFY(view.gutter_line_rect(lines + 50).isEmpty());
    // Another line of the same file keeps them; another file drops them.
    view.show_location("debian/build/fs/read_write.c", 12);
    QCOMPARE(view.inline_marks().size(), size_t(2));
    view.show_location("fs/other.c", 1);
    QVERIFY(view.inline_marks().empty());
    QCOMPARE(view.gutter_tooltip(10), QString());
  }
};

}  // namespace seam::gui

QTEST_MAIN(seam::gui::GuiLiveTest)
#include "gui_live_test.moc"
