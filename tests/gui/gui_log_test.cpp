// seam-gui's Log pane on two dumps of the corpus (sysrq-kaslr, and
// smp-user-spin, whose log has multi-line records), held against the
// `seam log` command itself: the pane's lines are its lines, a search finds
// what `grep -ci` counts, the level filter keeps what `seam log --level`
// keeps. Runs offscreen (QT_QPA_PLATFORM=offscreen, set by tests/CMakeLists.txt).
#include <QComboBox>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QtTest>
#include <memory>

#include "gui/log_model.h"
#include "gui/log_view.h"
#include "gui/main_window.h"
#include "gui/session_loader.h"
#include "gui/theme.h"
#include "tests/gui/gui_test_support.h"

namespace seam::gui {
namespace {

using test_support::corpus_options;
using test_support::run_process;

QString seam_log(const engine::SessionOptions& options, const QStringList& extra = {}) {
  return run_process(SEAM_BINARY, QStringList{"-c", QString::fromStdString(options.vmcore), "-s",
                                              QString::fromStdString(options.vmlinux), "log"} +
                                      extra);
}

// What the pane shows, a row a line as `seam log` prints it: the Time
// column, a space, the Message column.
QString shown_lines(const QAbstractItemModel& model) {
  QString lines;
  for (int row = 0; row < model.rowCount(); ++row) {
    lines += model.index(row, LogModel::kTime).data().toString() + ' ' +
             model.index(row, LogModel::kText).data().toString() + '\n';
  }
  return lines;
}

}  // namespace

class GuiLogTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    for (const char* scenario : {"sysrq-kaslr", "smp-user-spin"}) {
      if (!std::filesystem::exists(corpus_options(scenario).vmcore) ||
          !std::filesystem::exists(corpus_options(scenario).vmlinux)) {
        QFAIL(qPrintable(QString("no corpus dump %1 (samples/kernels/make-corpus.sh)")
                             .arg(QString::fromStdString(corpus_options(scenario).vmcore))));
      }
    }
  }

  void pane_lines_are_seam_log_data() {
    QTest::addColumn<QString>("scenario");
    QTest::newRow("sysrq-kaslr") << "sysrq-kaslr";
    QTest::newRow("smp-user-spin") << "smp-user-spin";
  }

  // The window's Log pane holds the same lines as `seam log`, multi-line
  // records included; so does each row's kLineRole.
  void pane_lines_are_seam_log() {
    QFETCH(QString, scenario);
    engine::SessionOptions opts = corpus_options(scenario.toStdString());
    Result<std::shared_ptr<LoadedSession>> loaded = load_session(opts);
    QVERIFY2(loaded.ok(), loaded ? "" : loaded.error().message().c_str());
    MainWindow window(*loaded);
    auto* view = window.findChild<LogView*>();
    QVERIFY(view != nullptr);
    QString expected = seam_log(opts);
    QVERIFY(expected.count('\n') > 300);
    QCOMPARE(shown_lines(view->shown()), expected);
    QString by_role;
    for (int row = 0; row < window.log_model().rowCount(); ++row) {
      by_role += window.log_model().index(row, 0).data(LogModel::kLineRole).toString() + '\n';
    }
    QCOMPARE(by_role, expected);
    if (scenario == "smp-user-spin") {
      QVERIFY2(expected.count('\n') > window.log_model().rowCount(),
               "this dump's log was expected to have multi-line records");
    }
  }

  // "sysrq": as many rows as `grep -ci sysrq` counts lines (the records of
  // this log are one line each), the first selected; next and previous move
  // between them, around the ends.
  void search_finds_what_grep_counts() {
    engine::SessionOptions opts = corpus_options("sysrq-kaslr");
    Result<std::shared_ptr<LoadedSession>> loaded = load_session(opts);
    QVERIFY(loaded.ok());
    QString output = seam_log(opts);
    QCOMPARE(output.count('\n'), static_cast<int>((*loaded)->log.size()));
    int grep_count =
        run_process("grep", {"-ci", "sysrq"}, output.toUtf8(), {0, 1}).trimmed().toInt();
    QVERIFY(grep_count >= 2);

    LogModel model;
    model.set_records((*loaded)->log);
    LogView view(&model);
    view.search("sysrq");
    QCOMPARE(view.match_count(), grep_count);
    QCOMPARE(view.current_match(), 0);
    QCOMPARE(view.match_text(), QString("1/%1").arg(grep_count));
    QStringList lines = output.split('\n');
    int first = 0;
    while (first < lines.size() && !lines[first].contains("sysrq", Qt::CaseInsensitive)) ++first;
    QCOMPARE(view.current_record(), first);
    int highlighted = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
      highlighted += model.index(row, LogModel::kText).data(Qt::BackgroundRole).isValid();
    }
    QCOMPARE(highlighted, grep_count);
    // The records read again (a live guest's log): the search holds.
    model.set_records((*loaded)->log);
    QCOMPARE(view.match_count(), grep_count);
    QCOMPARE(view.current_record(), first);

    view.find_next();
    QCOMPARE(view.current_match(), 1);
    QVERIFY(lines[view.current_record()].contains("sysrq", Qt::CaseInsensitive));
    view.find_previous();
    QCOMPARE(view.current_match(), 0);
    view.find_previous();  // around the start: the last match
    QCOMPARE(view.current_match(), grep_count - 1);
    QVERIFY(lines[view.current_record()].contains("sysrq", Qt::CaseInsensitive));
    view.find_next();  // around the end: the first
    QCOMPARE(view.current_record(), first);

    // Case-insensitive, and a regular expression only when asked.
    view.search("SYSRQ");
    QCOMPARE(view.match_count(), grep_count);
    view.search("sysrq.*crash");
    QCOMPARE(view.match_count(), 0);
    view.set_regex(true);
    int regex_count =
        run_process("grep", {"-ciE", "sysrq.*crash"}, output.toUtf8(), {0, 1}).trimmed().toInt();
    QVERIFY(regex_count > 0);
    QCOMPARE(view.match_count(), regex_count);
    view.search("sysrq(");
    QCOMPARE(view.match_count(), 0);
    QVERIFY(view.match_text().startsWith("bad regex"));
  }

  // Enter and F3 go to the next match, Shift+Enter and Shift+F3 back, in the pane.
  void keys_move_between_matches() {
    Result<std::shared_ptr<LoadedSession>> loaded = load_session(corpus_options("sysrq-kaslr"));
    QVERIFY(loaded.ok());
    LogModel model;
    model.set_records((*loaded)->log);
    LogView view(&model);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.activateWindow();
    QTest::keyClicks(view.search_box(), "sysrq");
    QCOMPARE(view.current_match(), 0);
    QTest::keyClick(view.search_box(), Qt::Key_Return);
    QCOMPARE(view.current_match(), 1);
    QTest::keyClick(view.search_box(), Qt::Key_Return, Qt::ShiftModifier);
    QCOMPARE(view.current_match(), 0);
    view.table()->setFocus();
    QTest::keyClick(view.table(), Qt::Key_F3);
    QCOMPARE(view.current_match(), 1);
    QTest::keyClick(view.table(), Qt::Key_F3, Qt::ShiftModifier);
    QCOMPARE(view.current_match(), 0);
    QTest::keyClick(view.table(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(view.search_box()->hasFocus());
  }

  // "err and worse" shows the records of level 0..3 only: those `seam log
  // --level err` prints.
  void level_filter_keeps_err_and_worse() {
    engine::SessionOptions opts = corpus_options("sysrq-kaslr");
    Result<std::shared_ptr<LoadedSession>> loaded = load_session(opts);
    QVERIFY(loaded.ok());
    LogModel model;
    model.set_records((*loaded)->log);
    LogView view(&model);
    int item = view.level_box()->findText("err and worse");
    QVERIFY(item >= 0);
    view.level_box()->setCurrentIndex(item);
    QCOMPARE(view.max_level(), 3);
    const QAbstractItemModel& shown = view.shown();
    QVERIFY(shown.rowCount() > 0);
    QVERIFY(shown.rowCount() < model.rowCount());
    for (int row = 0; row < shown.rowCount(); ++row) {
      QVERIFY(shown.index(row, 0).data(LogModel::kLevelRole).toInt() <= 3);
    }
    QCOMPARE(shown_lines(shown), seam_log(opts, {"--level", "err"}));
    // A search then looks only at the rows shown.
    view.search("sysrq");
    QVERIFY(view.match_count() > 0);
    for (int match = 0; match < view.match_count(); ++match) {
      QVERIFY(model.index(view.current_record(), 0).data(LogModel::kLevelRole).toInt() <= 3);
      view.find_next();
    }
    view.set_max_level(7);
    QCOMPARE(view.shown().rowCount(), model.rowCount());
    QCOMPARE(view.level_box()->currentText(), QString("All levels"));
  }

  // err (and the more urgent) in red, warning in yellow/orange, debug grey,
  // info the palette's colour; a shade for light and one for dark backgrounds.
  void level_colours_differ() {
    std::vector<engine::LogRecord> records(8);
    for (int level = 0; level < 8; ++level) {
      records[level].level = level;
      records[level].text = "level " + std::to_string(level);
    }
    LogModel model;
    model.set_records(records);
    for (const QPalette& palette : {QPalette(QColor(Qt::white)), dark_palette()}) {
      model.set_palette(palette);
      QVariant err = model.index(3, LogModel::kText).data(Qt::ForegroundRole);
      QVariant info = model.index(6, LogModel::kText).data(Qt::ForegroundRole);
      QVariant warning = model.index(4, LogModel::kText).data(Qt::ForegroundRole);
      QVariant debug = model.index(7, LogModel::kText).data(Qt::ForegroundRole);
      QVERIFY(err.isValid());
      QVERIFY(err != info);
      QVERIFY(warning.isValid() && warning != err);
      QVERIFY(debug.isValid() && debug != err && debug != warning);
      QColor red = err.value<QBrush>().color();
      QVERIFY(red.red() > 2 * red.green());
      // Readable: far enough from the background in lightness.
      int background = palette.color(QPalette::Base).lightness();
      for (const QVariant& colour : {err, warning, debug}) {
        QVERIFY(std::abs(colour.value<QBrush>().color().lightness() - background) > 80);
      }
    }
    // emerg, alert, crit bold as dmesg --color; notice bold; info plain.
    QVERIFY(model.index(0, LogModel::kText).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(model.index(5, LogModel::kText).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(!model.index(6, LogModel::kText).data(Qt::FontRole).isValid());

    // The real dump: its emerg records (the panic) are coloured, its info records not.
    Result<std::shared_ptr<LoadedSession>> loaded = load_session(corpus_options("sysrq-kaslr"));
    QVERIFY(loaded.ok());
    LogModel real;
    real.set_records((*loaded)->log);
    int emerg = -1, info = -1;
    for (int row = 0; row < real.rowCount(); ++row) {
      int level = real.index(row, 0).data(LogModel::kLevelRole).toInt();
      if (level == 0 && emerg < 0) emerg = row;
      if (level == 6 && info < 0) info = row;
    }
    QVERIFY(emerg >= 0 && info >= 0);
    QVERIFY(real.index(emerg, LogModel::kText).data(Qt::ForegroundRole) !=
            real.index(info, LogModel::kText).data(Qt::ForegroundRole));
  }
};

}  // namespace seam::gui

QTEST_MAIN(seam::gui::GuiLogTest)
#include "gui_log_test.moc"
