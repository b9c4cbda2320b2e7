// seam-gui's Disassembly dock and the centre's fallback to the disassembly,
// on the corpus's sysrq-kaslr dump, compared with what Session::disassemble
// of an independent session returns. Runs offscreen (QT_QPA_PLATFORM=offscreen,
// set by tests/CMakeLists.txt).
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <memory>

#include "gui/backtrace_model.h"
#include "gui/disassembly_view.h"
#include "gui/main_window.h"
#include "gui/session_loader.h"
#include "gui/source_view.h"
#include "tests/gui/gui_test_support.h"

namespace seam::gui {

class GuiDisassemblyTest : public QObject {
  Q_OBJECT

 private:
  std::shared_ptr<LoadedSession> loaded_;
  std::unique_ptr<engine::Session> reference_;

  // A window on the crashed task with its backtrace read, and no source roots
  // (none from the settings either: QStandardPaths test mode).
  static void wait_for_backtrace(MainWindow& window) {
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(!window.backtrace_pending(), 60000);
    QTRY_VERIFY(window.backtrace_model().rowCount() > 0);
  }

  // The reference's whole-function disassembly at `pc`, as the view asks for it.
  engine::Disassembly reference_code(uint64_t pc) {
    Result<engine::Disassembly> code =
        reference_->disassemble({.address = pc, .whole_function = true});
    if (!code) qFatal("Session::disassemble: %s", code.error().message().c_str());
    return *code;
  }

  static void compare_with(const DisassemblyView& view, const engine::Disassembly& expected,
                           uint64_t pc) {
    QCOMPARE(view.row_count(), static_cast<int>(expected.instructions.size()));
    for (int row = 0; row < view.row_count(); ++row) {
      QCOMPARE(view.instruction_text(row),
               QString::fromStdString(engine::instruction_text(expected.instructions[row])));
    }
    QVERIFY(view.highlighted_row() >= 0);
    QCOMPARE(expected.instructions[view.highlighted_row()].address, pc);
    // The highlighted row is the selected one, and painted.
    QList<QTableWidgetItem*> selected = view.table()->selectedItems();
    QVERIFY(!selected.isEmpty());
    QCOMPARE(selected.front()->row(), view.highlighted_row());
    QVERIFY(
        view.table()->item(view.highlighted_row(), DisassemblyView::kInstruction)->font().bold());
  }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // no source roots from the user's settings
    Result<test_support::ComparedSessions> sessions =
        test_support::open_compared_sessions(test_support::corpus_options("sysrq-kaslr"));
    QVERIFY2(sessions.ok(), sessions ? "" : sessions.error().message().c_str());
    loaded_ = sessions->loaded;
    reference_ = std::move(sessions->reference);
  }

  void frame_zero_shows_its_function_with_the_pc_highlighted() {
    MainWindow window(loaded_);
    window.set_source_roots({});
    wait_for_backtrace(window);
    QVERIFY(window.select_frame_row(0));
    const engine::Frame& frame = *window.backtrace_model().frame_at(0);
    engine::Disassembly expected = reference_code(frame.pc);
    QVERIFY(!expected.function.empty());
    QVERIFY(expected.instructions.size() > 1);
    compare_with(*window.disassembly_view(), expected, frame.pc);
    QCOMPARE(window.disassembly_view()->disassembly().function, expected.function);
  }

  void without_sources_the_centre_shows_the_disassembly_under_the_message() {
    MainWindow window(loaded_);
    window.set_source_roots({});
    wait_for_backtrace(window);
    QVERIFY(window.select_frame_row(0));
    const engine::Frame& frame = *window.backtrace_model().frame_at(0);
    QVERIFY(window.source_view().shown_file().isEmpty());
    QVERIFY(window.showing_centre_disassembly());
    DisassemblyView& centre = *window.centre_disassembly();
    QVERIFY(centre.isVisible());
    QVERIFY2(centre.banner_text().startsWith("source not available: "),
             qPrintable(centre.banner_text()));
    QVERIFY(centre.banner_text().contains(QString::fromStdString(frame.file)));
    compare_with(centre, reference_code(frame.pc), frame.pc);
  }

  void with_the_source_the_centre_shows_it() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window(loaded_);
    window.set_source_roots({});
    wait_for_backtrace(window);
    // The first frame whose file is given under a root: that file, faked.
    int row = 0;
    const engine::Frame* frame = nullptr;
    for (; row < window.backtrace_model().rowCount(); ++row) {
      frame = window.backtrace_model().frame_at(row);
      if (frame && !frame->file.empty() && frame->line > 0) break;
    }
    QVERIFY(frame && row < window.backtrace_model().rowCount());
    std::filesystem::path file = std::filesystem::path(dir.path().toStdString()) / frame->file;
    std::filesystem::create_directories(file.parent_path());
    {
      std::ofstream fake(file);
      for (int line = 1; line <= frame->line + 10; ++line) fake << "/* line " << line << " */\n";
    }
    window.set_source_roots({dir.path().toStdString()});
    QVERIFY(window.select_frame_row(row));
    QVERIFY(!window.source_view().shown_file().isEmpty());
    QVERIFY(!window.showing_centre_disassembly());
    // The dock still shows the frame's code.
    QCOMPARE(window.disassembly_view()
                 ->disassembly()
                 .instructions.at(window.disassembly_view()->highlighted_row())
                 .address,
             frame->pc);
  }

  void a_branch_target_is_followed_and_back_returns() {
    DisassemblyView view(loaded_);
    Result<uint64_t> start = reference_->evaluate_address("sysrq_handle_crash");
    QVERIFY(start.ok());
    view.show_pc(*start);
    int call = -1;
    for (int row = 0; row < view.row_count(); ++row) {
      if (view.instruction_text(row).endsWith("<panic>")) call = row;
    }
    QVERIFY2(call >= 0, "sysrq_handle_crash calls panic");
    QVERIFY(!view.follow_target(0));  // its first instruction is a NOP
    view.show_pc(*start);
    QVERIFY(view.follow_target(call));
    QCOMPARE(view.disassembly().function, std::string("panic"));
    Result<uint64_t> panic = reference_->evaluate_address("panic");
    QVERIFY(panic.ok());
    QCOMPARE(view.disassembly().instructions.at(view.highlighted_row()).address, *panic);
    QVERIFY(view.go_back());
    QCOMPARE(view.disassembly().function, std::string("sysrq_handle_crash"));
    QVERIFY(!view.go_back());
  }

  void an_unreadable_address_says_so() {
    DisassemblyView view(loaded_);
    QVERIFY(!view.show_address(0x1234));
    QVERIFY2(view.error_text().contains("cannot read code at 0x1234"),
             qPrintable(view.error_text()));
    QCOMPARE(view.row_count(), 0);
  }
};

}  // namespace seam::gui

QTEST_MAIN(seam::gui::GuiDisassemblyTest)
#include "gui_disassembly_test.moc"
