// seam-gui's way in: the Open Dump and Connect to QEMU dialogs, the loader's
// progress, the error box for a bad dump or a closed port (and the dialog
// coming back), the View menu's dock keys, and the themes. On the corpus's
// sysrq-kaslr dump, offscreen (QT_QPA_PLATFORM=offscreen, tests/CMakeLists.txt);
// the settings are a test organisation's, in QStandardPaths' test mode.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <memory>

#include "gui/command_line.h"
#include "gui/connect_dialog.h"
#include "gui/keyboard_navigation.h"
#include "gui/main_window.h"
#include "gui/open_dump_dialog.h"
#include "gui/session_inputs.h"
#include "gui/session_loader.h"
#include "gui/startup.h"
#include "gui/task_model.h"
#include "gui/theme.h"
#include "tests/corpus/corpus_paths.h"
#include "tests/gui/gui_test_support.h"

namespace seam::gui {
namespace {

std::string dump_path() {
  return test_support::corpus_options("sysrq-kaslr").vmcore;
}

engine::SessionOptions good_options() {
  return test_support::corpus_options("sysrq-kaslr");
}

// A TCP port on 127.0.0.1 that nobody listens on: bound, then let go.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    if (fd >= 0) close(fd);
    return 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

template <typename T>
T* child(QWidget* parent, const char* name) {
  T* found = parent->findChild<T*>(name);
  if (!found) qWarning("no child %s", name);
  return found;
}

QMessageBox* modal_message_box() {
  return qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
}

QString full_text(QMessageBox* box) {
  return box->text() + "\n" + box->informativeText();
}

}  // namespace

class GuiStartupTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir temp_;

  // A dump that Session::open refuses, through Startup from the command
  // line: an error box naming it and saying what to do, then finished(1).
  void command_line_bad_dump_shows_error(const std::string& path) {
    Startup startup({});
    QSignalSpy finished(&startup, &Startup::finished);
    engine::SessionOptions options = good_options();
    options.vmcore = path;
    startup.open(options);
    QTRY_VERIFY_WITH_TIMEOUT(modal_message_box() != nullptr, 60000);
    QMessageBox* box = modal_message_box();
    QCOMPARE(box->objectName(), QString("load_error"));
    QVERIFY2(full_text(box).contains(QString::fromStdString(path)), qPrintable(full_text(box)));
    QVERIFY2(full_text(box).contains("Check that the file is a kernel crash dump"),
             qPrintable(full_text(box)));
    QCOMPARE(finished.count(), 0);  // not before OK
    box->button(QMessageBox::Ok)->click();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    QCOMPARE(finished.front().front().toInt(), 1);
    QVERIFY(startup.window() == nullptr);
  }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName("seam-gui-startup-test");
    QApplication::setApplicationName("gui_startup_test");
    QSettings().clear();
    if (!std::filesystem::exists(dump_path()) || !std::filesystem::exists(test::vmlinux_path())) {
      QFAIL(
          "no corpus: make it with samples/kernels/make-corpus.sh (the sysrq-kaslr dump and "
          "the Debian vmlinux)");
    }
    QVERIFY(temp_.isValid());
  }

  void command_line_without_dump_opens_the_dialog() {
    Result<CommandLine> none = parse_command_line({});
    QVERIFY(none.ok());
    QVERIFY(none->open_dialog());
    QVERIFY(!none->theme);
    Result<CommandLine> dark = parse_command_line({"--theme", "dark"});
    QVERIFY(dark.ok());
    QVERIFY(dark->theme == Theme::kDark);
    Result<CommandLine> only_vmlinux = parse_command_line({"-s", test::vmlinux_path().string()});
    QVERIFY(!only_vmlinux.ok());
    QVERIFY(only_vmlinux.error().message().find("no dump") != std::string::npos);
    Result<CommandLine> blue = parse_command_line({"--theme", "blue"});
    QVERIFY(!blue.ok());
    QVERIFY(blue.error().message().find("'blue'") != std::string::npos);
    Result<CommandLine> dump =
        parse_command_line({dump_path(), "-s", test::vmlinux_path().string()});
    QVERIFY(dump.ok());
    QVERIFY(!dump->open_dialog());
  }

  void open_dump_dialog_gives_options_and_remembers_them() {
    std::string module = (test::scenario_dir("module-bug") / "seam_crash.ko").string();
    QVERIFY2(std::filesystem::exists(module), "no module-bug scenario in the corpus");
    std::string module_dir = temp_.path().toStdString();
    {
      OpenDumpDialog dialog;
      child<QComboBox>(&dialog, "dump")->setEditText(QString::fromStdString(dump_path()));
      child<QLineEdit>(&dialog, "vmlinux")->setText(QString::fromStdString(test::vmlinux_path()));
      auto* modules = child<QListWidget>(&dialog, "modules");
      modules->clear();
      modules->addItem(QString::fromStdString(module));
      modules->addItem(QString::fromStdString(module_dir));
      Result<engine::SessionOptions> options = dialog.options();
      QVERIFY2(options.ok(), options ? "" : options.error().message().c_str());
      QCOMPARE(options->vmcore, dump_path());
      QCOMPARE(options->vmlinux, test::vmlinux_path().string());
      QCOMPARE(options->module_paths, (std::vector<std::string>{module, module_dir}));
      QVERIFY(options->gdbstub.empty());
      dialog.accept();
      QCOMPARE(dialog.result(), int(QDialog::Accepted));
      QCOMPARE(dialog.accepted_options().module_paths, options->module_paths);
    }
    // A new dialog (as in the next run) has the values back.
    OpenDumpDialog again;
    Result<engine::SessionOptions> remembered = again.options();
    QVERIFY(remembered.ok());
    QCOMPARE(remembered->vmcore, dump_path());
    QCOMPARE(remembered->vmlinux, test::vmlinux_path().string());
    QCOMPARE(remembered->module_paths, (std::vector<std::string>{module, module_dir}));
  }

  void open_dump_dialog_refuses_what_is_missing_or_wrong() {
    OpenDumpDialog dialog;
    std::string missing = temp_.filePath("no-such-vmcore").toStdString();
    child<QComboBox>(&dialog, "dump")->setEditText(QString::fromStdString(missing));
    child<QListWidget>(&dialog, "modules")->clear();
    dialog.accept();
    QVERIFY(dialog.result() != QDialog::Accepted);
    QVERIFY2(dialog.message().contains(QString::fromStdString(missing)),
             qPrintable(dialog.message()));
    QVERIFY(child<QLabel>(&dialog, "message")->isVisibleTo(&dialog));

    // The vmlinux field takes a vmlinux only; the modules list no vmlinux.
    child<QComboBox>(&dialog, "dump")->setEditText(QString::fromStdString(dump_path()));
    std::string module = (test::scenario_dir("module-bug") / "seam_crash.ko").string();
    child<QLineEdit>(&dialog, "vmlinux")->setText(QString::fromStdString(module));
    Result<engine::SessionOptions> wrong_vmlinux = dialog.options();
    QVERIFY(!wrong_vmlinux.ok());
    QVERIFY2(wrong_vmlinux.error().message().find("not a vmlinux") != std::string::npos,
             wrong_vmlinux.error().message().c_str());
    child<QLineEdit>(&dialog, "vmlinux")->setText(QString::fromStdString(test::vmlinux_path()));
    child<QListWidget>(&dialog, "modules")->addItem(QString::fromStdString(test::vmlinux_path()));
    Result<engine::SessionOptions> wrong_module = dialog.options();
    QVERIFY(!wrong_module.ok());
    QVERIFY2(wrong_module.error().message().find("a vmlinux, not a module") != std::string::npos,
             wrong_module.error().message().c_str());
    // An empty vmlinux is allowed: the session looks for the release's.
    child<QListWidget>(&dialog, "modules")->clear();
    child<QLineEdit>(&dialog, "vmlinux")->clear();
    Result<engine::SessionOptions> no_vmlinux = dialog.options();
    QVERIFY(no_vmlinux.ok());
    QVERIFY(no_vmlinux->vmlinux.empty());
  }

  void recent_dumps_newest_first_without_duplicates() {
    QSettings settings;
    settings.remove("recent_dumps");
    engine::SessionOptions a{.vmcore = "/a", .vmlinux = "/va"};
    engine::SessionOptions b{.vmcore = "/b", .module_paths = {"/m.ko"}};
    remember_recent_dump(settings, a);
    remember_recent_dump(settings, b);
    remember_recent_dump(settings, a);
    std::vector<engine::SessionOptions> recent = recent_dumps(settings);
    QCOMPARE(recent.size(), size_t(2));
    QCOMPARE(recent[0].vmcore, std::string("/a"));
    QCOMPARE(recent[0].vmlinux, std::string("/va"));
    QCOMPARE(recent[1].module_paths, std::vector<std::string>{"/m.ko"});
    for (int i = 0; i < kRecentDumps + 3; ++i) {
      remember_recent_dump(settings, {.vmcore = "/d" + std::to_string(i)});
    }
    QCOMPARE(recent_dumps(settings).size(), size_t(kRecentDumps));
    OpenDumpDialog dialog;
    QCOMPARE(child<QComboBox>(&dialog, "dump")->count(), kRecentDumps);
    settings.remove("recent_dumps");
  }

  void connect_dialog_defaults_and_checks_the_address() {
    QSettings().remove("connect");
    ConnectDialog dialog;
    QCOMPARE(child<QLineEdit>(&dialog, "address")->text(), QString("127.0.0.1:1234"));
    child<QLineEdit>(&dialog, "vmlinux")->setText(QString::fromStdString(test::vmlinux_path()));
    Result<engine::SessionOptions> options = dialog.options();
    QVERIFY(options.ok());
    QCOMPARE(options->gdbstub, std::string("127.0.0.1:1234"));
    QVERIFY(options->vmcore.empty());
    for (const char* bad : {"localhost", "127.0.0.1:0", "127.0.0.1:99999", ":1234", "h:12x"}) {
      child<QLineEdit>(&dialog, "address")->setText(bad);
      dialog.accept();
      QVERIFY2(dialog.result() != QDialog::Accepted, bad);
      QVERIFY2(dialog.message().contains(bad), qPrintable(dialog.message()));
    }
  }

  void loader_reports_increasing_progress_to_the_end() {
    SessionLoader loader;
    QSignalSpy progress(&loader, &SessionLoader::progress);
    QSignalSpy loaded(&loader, &SessionLoader::loaded);
    loader.start(good_options());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 120000);
    QCOMPARE(progress.count(), kLoadSteps + 1);
    int last = -1;
    QStringList stages;
    for (const QList<QVariant>& signal : progress) {
      int step = signal[0].toInt();
      QVERIFY2(step > last, qPrintable(QString("step %1 after %2").arg(step).arg(last)));
      QCOMPARE(signal[1].toInt(), kLoadSteps);
      last = step;
      stages << signal[2].toString();
    }
    QCOMPARE(last, kLoadSteps);
    QVERIFY2(stages.front().contains(QString::fromStdString(dump_path())),
             qPrintable(stages.front()));
    QVERIFY2(stages.contains("Reading the tasks..."), qPrintable(stages.join(" | ")));
    QVERIFY(loader.take() != nullptr);
  }

  void truncated_dump_shows_an_error_box_and_exits_1() {
    // The first 8 KiB of the corpus dump: its program headers run past the end.
    std::string truncated = temp_.filePath("truncated.vmcore").toStdString();
    {
      std::ifstream in(dump_path(), std::ios::binary);
      std::vector<char> head(8192);
      in.read(head.data(), static_cast<std::streamsize>(head.size()));
      std::ofstream(truncated, std::ios::binary).write(head.data(), in.gcount());
    }
    command_line_bad_dump_shows_error(truncated);
  }

  void text_file_shows_an_error_box_and_exits_1() {
    std::string text = temp_.filePath("notes.txt").toStdString();
    std::ofstream(text) << "This is not a crash dump.\n";
    command_line_bad_dump_shows_error(text);
  }

  void bad_dump_from_the_dialog_brings_the_dialog_back() {
    std::string text = temp_.filePath("notes2.txt").toStdString();
    std::ofstream(text) << "Neither is this.\n";
    Startup startup({});
    QSignalSpy finished(&startup, &Startup::finished);
    startup.show_open_dump_dialog();
    OpenDumpDialog* dialog = startup.open_dump_dialog();
    QVERIFY(dialog && dialog->isVisible());
    child<QComboBox>(dialog, "dump")->setEditText(QString::fromStdString(text));
    child<QLineEdit>(dialog, "vmlinux")->setText(QString::fromStdString(test::vmlinux_path()));
    child<QListWidget>(dialog, "modules")->clear();
    child<QDialogButtonBox>(dialog, "buttons")->button(QDialogButtonBox::Open)->click();
    QVERIFY(!dialog->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(modal_message_box() != nullptr, 60000);
    QVERIFY(full_text(modal_message_box()).contains(QString::fromStdString(text)));
    modal_message_box()->button(QMessageBox::Ok)->click();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), 5000);
    QCOMPARE(child<QComboBox>(dialog, "dump")->currentText(), QString::fromStdString(text));
    QCOMPARE(finished.count(), 0);  // the user fixes the values, or cancels:
    child<QDialogButtonBox>(dialog, "buttons")->button(QDialogButtonBox::Cancel)->click();
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.front().front().toInt(), 0);
  }

  void closed_port_shows_an_error_box_naming_it() {
    int port = closed_port();
    QVERIFY(port > 0);
    QString address = QString("127.0.0.1:%1").arg(port);
    Startup startup({});
    startup.show_connect_dialog();
    ConnectDialog* dialog = startup.connect_dialog();
    child<QLineEdit>(dialog, "address")->setText(address);
    child<QLineEdit>(dialog, "vmlinux")->setText(QString::fromStdString(test::vmlinux_path()));
    child<QDialogButtonBox>(dialog, "buttons")->button(QDialogButtonBox::Ok)->click();
    // No hang: the refused connection is an error at once (the limit is generous for a busy
    // machine).
    QTRY_VERIFY_WITH_TIMEOUT(modal_message_box() != nullptr, 60000);
    QString text = full_text(modal_message_box());
    QVERIFY2(text.contains(address), qPrintable(text));
    QVERIFY2(text.contains("-gdb tcp:" + address), qPrintable(text));
    modal_message_box()->button(QMessageBox::Ok)->click();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), 5000);
    QCOMPARE(child<QLineEdit>(dialog, "address")->text(), address);
    dialog->reject();
  }

  void good_dump_opens_a_window_with_dock_keys() {
    QSettings().remove("recent_dumps");
    Startup startup({});
    QSignalSpy shown(&startup, &Startup::window_shown);
    QSignalSpy finished(&startup, &Startup::finished);
    startup.open(good_options());
    QVERIFY(startup.progress_dialog() != nullptr);
    QCOMPARE(startup.progress_dialog()->maximum(), kLoadSteps);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, 120000);
    QVERIFY(startup.progress_dialog() == nullptr);
    MainWindow* window = startup.window();
    QVERIFY(window);
    QSettings settings;
    QCOMPARE(recent_dumps(settings).front().vmcore, dump_path());

    // View: one action per dock, Alt+1.. on the first nine.
    auto* view = window->menuBar()->findChild<QMenu*>("view_menu");
    QVERIFY(view);
    // The docks in the View menu's order (that of the layout), each with its action.
    std::vector<QDockWidget*> docks;
    for (QAction* action : view->actions()) {
      if (!action->objectName().startsWith("focus_dock_")) continue;
      auto* dock = window->findChild<QDockWidget*>(action->objectName().mid(11));
      QVERIFY2(dock, qPrintable(action->objectName()));
      QCOMPARE(action->text(), dock->windowTitle());
      if (docks.size() < 9) {
        QCOMPARE(action->shortcut(), QKeySequence(Qt::ALT | (Qt::Key_1 + int(docks.size()))));
      }
      docks.push_back(dock);
    }
    QCOMPARE(docks.size(), size_t(window->findChildren<QDockWidget*>().size()));
    QVERIFY(docks.size() >= 8);
    QStringList titles;
    for (QDockWidget* dock : docks) titles << dock->windowTitle();
    QCOMPARE(titles.mid(0, 5), (QStringList{"Tasks", "CPUs", "Backtrace", "Locals", "Registers"}));

    window->show();
    QVERIFY(QTest::qWaitForWindowActive(window));
    // Alt+N on each dock: shown, in front of its tab group, focused.
    for (int i = 0; i < int(docks.size()) && i < 9; ++i) {
      QTest::keyClick(window, Qt::Key(Qt::Key_1 + i), Qt::AltModifier);
      QDockWidget* dock = docks[i];
      QTRY_VERIFY2(dock_focus_widget(dock)->hasFocus(), qPrintable(dock->windowTitle()));
      QVERIFY2(dock->widget()->isVisible(), qPrintable(dock->windowTitle()));
    }
    // Ctrl+L: the task filter from anywhere; Ctrl+F in the Tasks dock too.
    QTest::keyClick(window, Qt::Key_L, Qt::ControlModifier);
    QTRY_VERIFY(window->task_filter()->hasFocus());
    QTest::keyClick(window, Qt::Key_1, Qt::AltModifier);
    QTRY_VERIFY(!window->task_filter()->hasFocus());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(window->task_filter()->hasFocus());
    QString help = keyboard_shortcuts_text(*window);
    QVERIFY2(help.contains("Alt+1") && help.contains("View &gt; Tasks") && help.contains("Ctrl+L"),
             qPrintable(help));

    // View > Theme: applied at once and kept for the next run.
    auto* dark = view->findChild<QAction*>("theme_dark");
    auto* light = view->findChild<QAction*>("theme_light");
    QVERIFY(dark && light);
    dark->trigger();
    QVERIFY(is_dark(QApplication::palette()));
    QTRY_VERIFY(is_dark(window->palette()));
    QVERIFY(stored_theme(QSettings()) == Theme::kDark);
    light->trigger();
    QVERIFY(!is_dark(QApplication::palette()));
    QTRY_VERIFY(!is_dark(window->palette()));
    QVERIFY(stored_theme(QSettings()) == Theme::kLight);
    QSettings().remove("view/theme");

    // File > Open Dump... in the window: the dialog; a dump that opens replaces the window.
    QSignalSpy destroyed(window, &QObject::destroyed);
    auto* file_menu = window->menuBar()->actions().front()->menu();
    QAction* open_dump = nullptr;
    for (QAction* action : file_menu->actions()) {
      if (action->shortcut() == QKeySequence(QKeySequence::Open)) open_dump = action;
    }
    QVERIFY(open_dump);
    open_dump->trigger();
    OpenDumpDialog* dialog = startup.open_dump_dialog();
    QVERIFY(dialog && dialog->isVisible());
    child<QComboBox>(dialog, "dump")->setEditText(QString::fromStdString(dump_path()));
    child<QLineEdit>(dialog, "vmlinux")->setText(QString::fromStdString(test::vmlinux_path()));
    child<QListWidget>(dialog, "modules")->clear();
    child<QDialogButtonBox>(dialog, "buttons")->button(QDialogButtonBox::Open)->click();
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 2, 120000);
    QTRY_COMPARE_WITH_TIMEOUT(destroyed.count(), 1, 5000);
    QVERIFY(startup.window() != nullptr);
    QCOMPARE(finished.count(), 0);  // the old window's close does not end seam-gui
    window = startup.window();

    window->close();  // closing the window ends seam-gui with 0
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 5000);
    QCOMPARE(finished.front().front().toInt(), 0);
    QVERIFY(startup.window() == nullptr);
  }

  void system_theme_detection_from_injected_inputs() {
    const QColor dark_window(40, 40, 40), light_window(240, 240, 240);
    QVERIFY(system_prefers_dark({"'prefer-dark'\n", "", light_window}));
    QVERIFY(!system_prefers_dark({"'prefer-light'\n", "Adwaita:dark", dark_window}));
    // 'default' leaves it to the GTK theme, then to the palette.
    QVERIFY(system_prefers_dark({"'default'\n", "Adwaita:dark", light_window}));
    QVERIFY(!system_prefers_dark({"'default'\n", "Adwaita", dark_window}));
    QVERIFY(system_prefers_dark({std::nullopt, "", dark_window}));
    QVERIFY(!system_prefers_dark({std::nullopt, "", light_window}));
    QVERIFY(!system_prefers_dark({std::nullopt, "", QColor()}));
    SystemColourInputs dark{"'prefer-dark'", "", light_window};
    QVERIFY(!resolves_to_dark(Theme::kLight, dark));
    QVERIFY(resolves_to_dark(Theme::kDark, {std::nullopt, "", light_window}));
    QVERIFY(resolves_to_dark(Theme::kSystem, dark));
    // The machine's own inputs are read without hanging, whatever they are.
    read_system_colour_inputs();
    QSettings settings;
    store_theme(settings, Theme::kDark);
    QVERIFY(stored_theme(settings) == Theme::kDark);
    settings.setValue("view/theme", "purple");
    QVERIFY(stored_theme(settings) == Theme::kSystem);
    settings.remove("view/theme");
  }

  void dark_theme_gives_a_dark_palette_and_readable_highlights() {
    Result<CommandLine> line = parse_command_line({"--theme", "dark"});
    QVERIFY(line.ok() && line->theme);
    apply_theme(resolves_to_dark(*line->theme, read_system_colour_inputs()));
    QVERIFY(is_dark(QApplication::palette()));
    QWidget widget;
    QVERIFY(is_dark(widget.palette()));
    QCOMPARE(QApplication::style()->name().toLower(), QString("fusion"));
    // The crashed task's row in the dark theme: the dark colour, text still readable.
    engine::Task task{.address = 0x1000, .pid = 7, .comm = "crasher"};
    TaskModel model;
    model.set_tasks({task}, engine::TaskRef{7, "crasher", 0x1000});
    QCOMPARE(model.data(model.index(0, 0), Qt::BackgroundRole).value<QBrush>().color(),
             highlight_colour(ColourRole::kCrashedTask, dark_palette()));
    for (bool dark : {true, false}) {
      apply_theme(dark);
      QCOMPARE(is_dark(QApplication::palette()), dark);
      int text = QApplication::palette().color(QPalette::Text).lightness();
      for (ColourRole role :
           {ColourRole::kCrashedTask, ColourRole::kCurrentLine, ColourRole::kBoundaryRow}) {
        int background = highlight_colour(role).lightness();
        QVERIFY2(std::abs(text - background) >= 100,
                 qPrintable(QString("text %1 on %2, dark %3").arg(text).arg(background).arg(dark)));
      }
      int base = QApplication::palette().color(QPalette::Base).lightness();
      QVERIFY(std::abs(highlight_colour(ColourRole::kErrorText).lightness() - base) >= 60);
    }
  }

  void cleanupTestCase() { QSettings().clear(); }
};

}  // namespace seam::gui

QTEST_MAIN(seam::gui::GuiStartupTest)
#include "gui_startup_test.moc"
