// What the QtTest files of tests/gui share: the options of a corpus dump,
// the session a window shows opened beside an independent reference session
// (what the window is compared with), a backtrace row by its function, and
// the `seam` command itself run on the same files (the other oracle: what the
// CLI prints, the GUI must show).
//
//   Result<ComparedSessions> sessions = open_compared_sessions(corpus_options("sysrq-kaslr"));
//   QVERIFY2(sessions.ok(), sessions ? "" : sessions.error().message().c_str());
//   MainWindow window(sessions->loaded);
//   int row = frame_row(window.backtrace_model(), "sysrq_handle_crash");
//   QJsonDocument bt = seam_json(corpus_options("sysrq-kaslr"), {"bt"});  // needs SEAM_BINARY
//   compare_with_seam_bt(window.backtrace_model(), bt.object());
//   if (QTest::currentTestFailed()) return;
#pragma once

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStringList>
#include <QtTest>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/session.h"
#include "gui/backtrace_model.h"
#include "gui/session_loader.h"
#include "symbolizer/printf_format.h"
#include "symbolizer/result.h"
#include "tests/corpus/corpus_paths.h"

namespace seam::gui::test_support {

// The paging ELF dump of a corpus scenario, with Debian's vmlinux.
inline engine::SessionOptions corpus_options(const std::string& scenario) {
  engine::SessionOptions options;
  options.vmcore = (test::scenario_dir(scenario) / "vmcore.elf-paging").string();
  options.vmlinux = test::vmlinux_path().string();
  return options;
}

struct ComparedSessions {
  std::shared_ptr<LoadedSession> loaded;       // what the window shows
  std::unique_ptr<engine::Session> reference;  // opened on its own, the oracle
};

// Both sessions on `options`; an error names a file that is missing (with
// `missing_hint`: how to make it) or why a session did not open.
inline Result<ComparedSessions> open_compared_sessions(
    const engine::SessionOptions& options,
    const std::string& missing_hint = "make the corpus with samples/kernels/make-corpus.sh") {
  std::vector<std::string> files = options.module_paths;
  files.insert(files.begin(), {options.vmcore, options.vmlinux});
  for (const std::string& file : files) {
    if (!std::filesystem::exists(file))
      return Error(sformat("no %s: %s", file.c_str(), missing_hint.c_str()));
  }
  Result<std::shared_ptr<LoadedSession>> loaded = load_session(options);
  if (!loaded) return loaded.error();
  Result<std::unique_ptr<engine::Session>> reference = engine::Session::open(options);
  if (!reference) return reference.error().context("the reference session");
  return ComparedSessions{*loaded, std::move(*reference)};
}

// The backtrace row of the first frame of `function`, or -1.
inline int frame_row(const BacktraceModel& backtrace, const std::string& function) {
  for (int row = 0; row < backtrace.rowCount(); ++row) {
    const engine::Frame* frame = backtrace.frame_at(row);
    if (frame && frame->function == function) return row;
  }
  return -1;
}

// The stdout of `program arguments...` fed `input`. A failure (not started,
// killed, or an exit code not in `accepted_exit_codes`) fails the test with
// its stderr; grep -c, which exits 1 when it counts 0, accepts {0, 1}.
inline QString run_process(const QString& program, const QStringList& arguments,
                           const QByteArray& input = {},
                           const QList<int>& accepted_exit_codes = {0}) {
  QProcess process;
  process.start(program, arguments);
  if (!process.waitForStarted(10000)) {
    QTest::qFail(qPrintable("cannot run " + program), __FILE__, __LINE__);
    return {};
  }
  process.write(input);
  process.closeWriteChannel();
  process.waitForFinished(120000);
  if (process.exitStatus() != QProcess::NormalExit ||
      !accepted_exit_codes.contains(process.exitCode())) {
    QTest::qFail(qPrintable(program + " " + arguments.join(' ') +
                            " failed: " + QString::fromUtf8(process.readAllStandardError())),
                 __FILE__, __LINE__);
  }
  return QString::fromUtf8(process.readAllStandardOutput());
}

// `seam -c DUMP -s VMLINUX [-s MODULE...] COMMAND... --json` on `options`'
// files, parsed; a failure or unparsable output fails the test and returns
// a null document. Every gui test target gets SEAM_BINARY from
// seam_add_gui_test in tests/CMakeLists.txt.
inline QJsonDocument seam_json(const engine::SessionOptions& options, const QStringList& command) {
  QStringList arguments{"-c", QString::fromStdString(options.vmcore), "-s",
                        QString::fromStdString(options.vmlinux)};
  for (const std::string& module : options.module_paths)
    arguments << "-s" << QString::fromStdString(module);
  arguments << command << "--json";
  QString output = run_process(SEAM_BINARY, arguments);
  QJsonParseError error;
  QJsonDocument document = QJsonDocument::fromJson(output.toUtf8(), &error);
  if (document.isNull()) {
    QTest::qFail(qPrintable("seam " + arguments.join(' ') + ": not JSON (" + error.errorString() +
                            "): " + output.left(200)),
                 __FILE__, __LINE__);
  }
  return document;
}

// The badge the Backtrace pane is expected to show for a `seam bt --json`
// language: written out here, not taken from gui/, so the two are compared.
inline QString expected_language_badge(const QString& language) {
  if (language == "c") return "C";
  if (language == "rust") return "Rust";
  if (language == "c++") return "C++";
  return language;  // "asm", and "" for user space
}

// The Backtrace pane's rows against `seam bt --json` (`bt`): a frame row per
// frame in order, with its pc, function (+0xOFFSET unless inlined), linkage
// name as tooltip, language badge, module, file:line and inline mark; and a
// "[...]" row right before each frame whose `boundary` is set, saying it.
// Fails the test on the first difference (check QTest::currentTestFailed()).
inline void compare_with_seam_bt(const BacktraceModel& model, const QJsonObject& bt) {
  QJsonArray frames = bt["frames"].toArray();
  QVERIFY(!frames.isEmpty());
  QCOMPARE(model.backtrace().task.pid, bt["pid"].toInt());
  auto cell = [&](int row, int column, int role = Qt::DisplayRole) {
    return model.data(model.index(row, column), role).toString();
  };
  int row = 0;
  for (const auto& value : frames) {
    QJsonObject want = value.toObject();
    QString where =
        QString("frame #%1 (%2)").arg(want["index"].toInt()).arg(want["function"].toString());
    if (!want["boundary"].isNull()) {
      QVERIFY2(row < model.rowCount() && model.frame_at(row) == nullptr,
               qPrintable(where + ": no boundary row before it"));
      QCOMPARE(cell(row, BacktraceModel::kFunction), "[" + want["boundary"].toString() + "]");
      ++row;
    }
    QVERIFY2(row < model.rowCount(), qPrintable(where + ": the pane has no row for it"));
    const engine::Frame* frame = model.frame_at(row);
    QVERIFY2(frame != nullptr, qPrintable(where + ": a boundary row where seam bt has none"));
    QCOMPARE(frame->pc, want["pc"].toString().toULongLong(nullptr, 16));
    QRegularExpressionMatch pc = QRegularExpression("^pc 0x([0-9a-f]+),")
                                     .match(cell(row, BacktraceModel::kIndex, Qt::ToolTipRole));
    QVERIFY2(pc.hasMatch(), qPrintable(where + ": no pc in the # column's tooltip"));
    QCOMPARE(pc.captured(1).toULongLong(nullptr, 16), frame->pc);
    QCOMPARE(cell(row, BacktraceModel::kIndex), QString("#%1").arg(want["index"].toInt()));
    QString function = want["function"].toString();
    QCOMPARE(QString::fromStdString(frame->function), function);
    if (!function.isEmpty()) {
      QString shown = function;
      int offset = want["offset"].toInt();
      if (!want["inlined"].toBool() && offset != 0) shown += QString("+0x%1").arg(offset, 0, 16);
      QCOMPARE(cell(row, BacktraceModel::kFunction), shown);
    }
    QCOMPARE(cell(row, BacktraceModel::kFunction, Qt::ToolTipRole),
             want["linkage_name"].toString());
    QCOMPARE(cell(row, BacktraceModel::kLanguage),
             expected_language_badge(want["language"].toString()));
    QCOMPARE(cell(row, BacktraceModel::kModule), want["module"].toString());
    QString file = want["file"].toString();  // null: ""
    int line = want["line"].toInt();         // null: 0
    QCOMPARE(QString::fromStdString(frame->file), file);
    QCOMPARE(frame->line, line);
    QString source = file.isEmpty() ? QString()
                     : line > 0     ? QString("%1:%2").arg(file).arg(line)
                                    : file;
    QCOMPARE(cell(row, BacktraceModel::kSource), source);
    QCOMPARE(frame->inlined, want["inlined"].toBool());
    QCOMPARE(cell(row, BacktraceModel::kInlined),
             QString(want["inlined"].toBool() ? "inline" : ""));
    ++row;
  }
  QCOMPARE(row, model.rowCount());  // nothing after the last frame
}

}  // namespace seam::gui::test_support
