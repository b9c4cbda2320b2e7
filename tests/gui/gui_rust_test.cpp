// seam-gui on the Rust fixture kernel's crash dump (made by
// samples/kernels/make_rust_dump.py, ctest fixture rust_dump): the crashed
// task selected, its backtrace rows those `seam bt --json` prints (C ->
// Rust -> C -> Rust, demangled), selecting rust_crashme::crash_here shows
// its locals in Rust syntax, as the Session gives them, expandable to the
// fields the module printed on the serial console before it crashed
// ("a.key=2 a.tag=0x120 b.key=1 marker=0x..."), and with the module's source
// as a source root, its panic! line. Runs offscreen (QT_QPA_PLATFORM=offscreen,
// set by tests/CMakeLists.txt).
//
// SEAM_GUI_RUST_SCREENSHOT=FILE.png saves the window of the source case, at
// 1400x900 (docs/seam-gui.png, the README's picture, is made so).
//
// Files: SEAM_CACHE_DIR (else ~/.cache/seam)/fixtures/rust-kernel-6.1/
// vmcore.elf-paging and .../fixtures/vmlinux-rust-6.1; SEAM_SHARED_DIR (else
// the repository's ../shared)/fixtures/rust-kernel-6.1/rust_crashme.ko and
// serial.log, as tests/integration/seamtest.py finds them.
#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTextBlock>
#include <QTreeView>
#include <QtTest>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "gui/backtrace_model.h"
#include "gui/main_window.h"
#include "gui/session_loader.h"
#include "gui/source_view.h"
#include "gui/variables_model.h"
#include "tests/gui/gui_test_support.h"

namespace seam::gui {
namespace {

namespace fs = std::filesystem;

fs::path cache_dir() {
  if (const char* dir = std::getenv("SEAM_CACHE_DIR")) return dir;
  const char* home = std::getenv("HOME");
  return fs::path(home ? home : "/root") / ".cache" / "seam";
}

fs::path fixture_dir() {
  const char* shared = std::getenv("SEAM_SHARED_DIR");
  fs::path dir = shared ? fs::path(shared) : fs::path(SEAM_SOURCE_DIR).parent_path() / "shared";
  return dir / "fixtures" / "rust-kernel-6.1";
}

engine::SessionOptions options() {
  engine::SessionOptions options;
  options.vmcore = (cache_dir() / "fixtures" / "rust-kernel-6.1" / "vmcore.elf-paging").string();
  options.vmlinux = (cache_dir() / "fixtures" / "vmlinux-rust-6.1").string();
  options.module_paths = {(fixture_dir() / "rust_crashme.ko").string()};
  return options;
}

// What the module printed before it crashed: "a.key=2 a.tag=0x120 b.key=1
// marker=0xc0decafef00d0002", as decimal text (how the locals show them).
struct CrashFacts {
  QString a_key, a_tag, b_key, marker;
};

std::optional<CrashFacts> crash_facts() {
  QFile log(QString::fromStdString((fixture_dir() / "serial.log").string()));
  if (!log.open(QIODevice::ReadOnly)) return std::nullopt;
  QRegularExpression line(
      "a\\.key=(\\d+) a\\.tag=0x([0-9a-f]+) b\\.key=(\\d+) marker=0x([0-9a-f]+)");
  QRegularExpressionMatch match = line.match(QString::fromUtf8(log.readAll()));
  if (!match.hasMatch()) return std::nullopt;
  auto decimal = [&](int group, int base) {
    return QString::number(match.captured(group).toULongLong(nullptr, base));
  };
  return CrashFacts{decimal(1, 10), decimal(2, 16), decimal(3, 10), decimal(4, 16)};
}

const engine::Frame* frame_named(const engine::Backtrace& bt, const std::string& function) {
  for (const engine::Frame& f : bt.frames) {
    if (f.function == function) return &f;
  }
  return nullptr;
}

QString cell(const QAbstractItemModel& model, int row, int column, const QModelIndex& parent = {}) {
  return model.data(model.index(row, column, parent), Qt::DisplayRole).toString();
}

// The row named `name` under `parent`, or an invalid index.
QModelIndex row_named(const VariablesModel& model, const QString& name,
                      const QModelIndex& parent = {}) {
  for (int row = 0; row < model.rowCount(parent); ++row) {
    if (cell(model, row, VariablesModel::kName, parent) == name)
      return model.index(row, 0, parent);  // column 0 holds the children, as in any tree
  }
  return {};
}

// The Locals tree view of a window.
QTreeView* locals_view(MainWindow& window) {
  return qobject_cast<QTreeView*>(window.findChild<QDockWidget*>("Locals")->widget());
}

}  // namespace

class GuiRustTest : public QObject {
  Q_OBJECT

 private:
  std::shared_ptr<LoadedSession> loaded_;
  std::unique_ptr<engine::Session> reference_;  // what the window is compared with
  CrashFacts facts_;

 private slots:
  void initTestCase() {
    Result<test_support::ComparedSessions> sessions = test_support::open_compared_sessions(
        options(),
        "the Rust fixture dump is made by samples/kernels/make_rust_dump.py "
        "(ctest -R rust_dump_generate), from ../shared/fixtures/rust-kernel-6.1");
    QVERIFY2(sessions.ok(), sessions ? "" : sessions.error().message().c_str());
    std::optional<CrashFacts> facts = crash_facts();
    QVERIFY2(facts.has_value(),
             "no 'crashing in Rust (a.key=...' line in the fixture's serial.log");
    facts_ = *facts;
    loaded_ = sessions->loaded;
    reference_ = std::move(sessions->reference);
    QStandardPaths::setTestModeEnabled(true);  // no layout or source roots from the user's settings
    QSettings().clear();
  }

  // The crashed task's rows are what `seam bt` prints with the module: the
  // Rust frames demangled (the v0 linkage name as tooltip), badged Rust, in
  // the module's .rs file.
  void backtrace_rows_are_seam_bt() {
    MainWindow window(loaded_);
    QSignalSpy shown(&window, &MainWindow::backtrace_shown);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, 60000);
    QJsonDocument bt = test_support::seam_json(options(), {"bt"});
    QVERIFY(bt.isObject());
    QCOMPARE(bt["pid"].toInt(), loaded_->info.crashed_task->pid);
    const BacktraceModel& backtrace = window.backtrace_model();
    test_support::compare_with_seam_bt(backtrace, bt.object());
    if (QTest::currentTestFailed()) return;

    int rust_rows = 0;
    for (int row = 0; row < backtrace.rowCount(); ++row) {
      const engine::Frame* frame = backtrace.frame_at(row);
      if (!frame || frame->module != "rust_crashme") continue;
      ++rust_rows;
      QCOMPARE(cell(backtrace, row, BacktraceModel::kLanguage), QString("Rust"));
      QVERIFY2(cell(backtrace, row, BacktraceModel::kFunction).contains("rust_crashme::"),
               qPrintable(cell(backtrace, row, BacktraceModel::kFunction)));
      QVERIFY2(cell(backtrace, row, BacktraceModel::kSource).contains("rust_crashme.rs:"),
               qPrintable(cell(backtrace, row, BacktraceModel::kSource)));
    }
    QVERIFY(rust_rows >= 4);  // crash_here, compare_cb, sort_through_c, init, ...
    int row = test_support::frame_row(backtrace, "rust_crashme::crash_here");
    QVERIFY(row >= 0);
    QVERIFY(backtrace.data(backtrace.index(row, BacktraceModel::kFunction), Qt::ToolTipRole)
                .toString()
                .startsWith("_R"));  // Rust's v0 mangling
  }

  void rust_frame_shows_its_locals_expandable() {
    QVERIFY(loaded_->info.crashed_task.has_value());
    MainWindow window(loaded_);
    QSignalSpy shown(&window, &MainWindow::backtrace_shown);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, 60000);
    QCOMPARE(shown.first().first().toInt(), loaded_->info.crashed_task->pid);
    QCOMPARE(window.selected_pid(), std::optional<int>(loaded_->info.crashed_task->pid));

    // The Rust frame, by the model's rows.
    const BacktraceModel& backtrace = window.backtrace_model();
    int row = test_support::frame_row(backtrace, "rust_crashme::crash_here");
    QVERIFY2(row >= 0, "no rust_crashme::crash_here row in the backtrace");
    QCOMPARE(backtrace.frame_at(row)->language, std::string("rust"));
    QCOMPARE(cell(backtrace, row, BacktraceModel::kLanguage), QString("Rust"));
    QVERIFY(window.select_frame_row(row));

    // The Locals rows are the Session's arguments then locals, kind by kind.
    engine::BacktraceRequest request;
    request.variables = true;
    request.variable_parts = true;
    Result<engine::Backtrace> bt = reference_->backtrace(request);
    QVERIFY(bt.ok());
    const engine::Frame* want = frame_named(*bt, "rust_crashme::crash_here");
    QVERIFY(want != nullptr);
    const VariablesModel& locals = window.variables_model();
    QAbstractItemModelTester tester(const_cast<VariablesModel*>(&locals),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<std::pair<QString, engine::Variable>> expected;
    for (const engine::Variable& v : want->args) expected.emplace_back("arg", v);
    for (const engine::Variable& v : want->locals) expected.emplace_back("local", v);
    QCOMPARE(locals.rowCount(), static_cast<int>(expected.size()));
    for (int r = 0; r < locals.rowCount(); ++r) {
      QCOMPARE(cell(locals, r, VariablesModel::kKind), expected[r].first);
      QCOMPARE(cell(locals, r, VariablesModel::kName),
               QString::fromStdString(expected[r].second.name));
      QCOMPARE(cell(locals, r, VariablesModel::kType),
               QString::fromStdString(expected[r].second.type));
      QCOMPARE(cell(locals, r, VariablesModel::kValue),
               QString::fromStdString(expected[r].second.value));
    }

    // a and b: references to the module's Item, in Rust syntax; the marker a u64.
    QModelIndex a = row_named(locals, "a");
    QModelIndex b = row_named(locals, "b");
    QModelIndex marker = row_named(locals, "depth_marker");
    QVERIFY(a.isValid() && b.isValid() && marker.isValid());
    QCOMPARE(cell(locals, a.row(), VariablesModel::kType), QString("&rust_crashme::Item"));
    QCOMPARE(cell(locals, marker.row(), VariablesModel::kType), QString("u64"));
    QCOMPARE(cell(locals, marker.row(), VariablesModel::kValue), facts_.marker);
    QVERIFY(cell(locals, a.row(), VariablesModel::kValue)
                .endsWith(QString(": Item { key: %1, tag: %2 }").arg(facts_.a_key, facts_.a_tag)));

    // Expanded: the fields of the Item each reference points to.
    QCOMPARE(locals.rowCount(a), 2);
    QModelIndex key = row_named(locals, "key", a);
    QModelIndex tag = row_named(locals, "tag", a);
    QVERIFY(key.isValid() && tag.isValid());
    QCOMPARE(cell(locals, key.row(), VariablesModel::kValue, a), facts_.a_key);
    QCOMPARE(cell(locals, key.row(), VariablesModel::kType, a), QString("u64"));
    QCOMPARE(cell(locals, tag.row(), VariablesModel::kValue, a), facts_.a_tag);
    QCOMPARE(cell(locals, row_named(locals, "key", b).row(), VariablesModel::kValue, b),
             facts_.b_key);
    QCOMPARE(locals.rowCount(marker), 0);
    QCOMPARE(locals.parent(key), a.siblingAtColumn(0));

    // The keyboard expands and collapses a row, as in any tree view.
    QTreeView* view = locals_view(window);
    QVERIFY(view != nullptr);
    QVERIFY(view->rootIsDecorated());
    view->setFocus();
    view->setCurrentIndex(a.siblingAtColumn(0));
    QTest::keyClick(view, Qt::Key_Right);
    QVERIFY(view->isExpanded(a.siblingAtColumn(0)));
    QTest::keyClick(view, Qt::Key_Left);
    QVERIFY(!view->isExpanded(a.siblingAtColumn(0)));
  }

  // With the fixture directory (which holds rust_crashme.rs) as a source
  // root, the Rust frame shows the module's source at its line: the panic!.
  void rust_frame_shows_its_panic_line() {
    MainWindow window(loaded_);
    window.set_source_roots({fixture_dir()});
    window.resize(1400, 900);  // the README's picture: every pane legible
    QSignalSpy shown(&window, &MainWindow::backtrace_shown);
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, 60000);
    const BacktraceModel& backtrace = window.backtrace_model();
    int row = test_support::frame_row(backtrace, "rust_crashme::crash_here");
    QVERIFY2(row >= 0, "no rust_crashme::crash_here row in the backtrace");
    const engine::Frame& frame = *backtrace.frame_at(row);
    QVERIFY(frame.line > 0);
    QVERIFY(window.select_frame_row(row));

    const SourceView& source = window.source_view();
    QVERIFY2(source.shown_file().endsWith("/rust_crashme.rs"), qPrintable(source.shown_file()));
    QVERIFY(fs::equivalent(source.shown_file().toStdString(), fixture_dir() / "rust_crashme.rs"));
    QCOMPARE(source.highlighted_line(), frame.line);
    QString text = source.document()->findBlockByNumber(frame.line - 1).text();
    QVERIFY2(text.contains("panic!"), qPrintable(QString("line %1: %2").arg(frame.line).arg(text)));
    QCOMPARE(source.textCursor().blockNumber(), frame.line - 1);

    // For a look at it: the window, the Rust row in sight, a expanded to its fields.
    if (const char* file = std::getenv("SEAM_GUI_RUST_SCREENSHOT")) {
      // The default layout (the Backtrace under the source, wide enough for its
      // columns); the Tasks narrower, the source keeping the panic! line.
      auto* tasks_dock = window.findChild<QDockWidget*>("Tasks");
      auto* backtrace_dock = window.findChild<QDockWidget*>("Backtrace");
      window.resizeDocks({tasks_dock}, {230}, Qt::Horizontal);
      QTest::qWait(100);  // the dock layout takes the sizes on the next events
      auto* rows = backtrace_dock->findChild<QTableView*>();
      QVERIFY(rows != nullptr);
      rows->scrollTo(backtrace.index(row, 0), QAbstractItemView::PositionAtCenter);
      QTreeView* locals = locals_view(window);
      QModelIndex a = row_named(window.variables_model(), "a");
      QVERIFY(a.isValid());
      locals->expand(a);
      for (int column = 0; column < VariablesModel::kColumnCount; ++column)
        locals->resizeColumnToContents(column);
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      QVERIFY(window.grab().save(file, "PNG"));
    }
  }
};

}  // namespace seam::gui

QTEST_MAIN(seam::gui::GuiRustTest)
#include "gui_rust_test.moc"
