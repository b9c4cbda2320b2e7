// Keyboard navigation of seam-gui's main window: View menu actions that
// show, raise and focus each dock (Alt+1..Alt+9, in the order given:
// Tasks, CPUs, Backtrace, ...), Ctrl+L to the task filter, and
// the text of Help > Keyboard Shortcuts. F-keys are left to live mode.
//
//   QMenu* view = menuBar()->addMenu("&View");
//   add_dock_actions(*this, view, {"Tasks", "CPUs"});  // after the docks are made
//   add_focus_shortcut(*this, QKeySequence(Qt::CTRL | Qt::Key_L), task_filter, "Task filter");
//   add_pane_find_shortcut(tasks_pane, task_filter);  // Ctrl+F inside the Tasks dock
//   QMessageBox::information(this, "Keyboard shortcuts", keyboard_shortcuts_text(*this));
#pragma once

#include <QKeySequence>
#include <QString>
#include <QStringList>
#include <vector>

class QDockWidget;
class QLineEdit;
class QMainWindow;
class QMenu;
class QWidget;

namespace seam::gui {

// The window's docks: those whose objectName is in `first`, in its order,
// then the others. (Not the children's order: raise() reorders it.)
std::vector<QDockWidget*> docks_in_order(const QMainWindow& window, const QStringList& first);
// Where the keyboard goes in a dock: its content's focus proxy, else its
// first list or table, else its first widget that takes the Tab key.
QWidget* dock_focus_widget(QDockWidget* dock);
// Shows the dock (and the tab it is in), raises it and focuses it.
void focus_dock(QDockWidget* dock);

// One action per dock in `view` (objectName "focus_dock_TITLE"), Alt+N for
// the first nine, and a "Show Docks" submenu of their show/hide toggles.
void add_dock_actions(QMainWindow& window, QMenu* view, const QStringList& first);
// `keys` anywhere in the window: shows the dock holding `target`, focuses
// `target` and selects its text.
void add_focus_shortcut(QMainWindow& window, const QKeySequence& keys, QWidget* target,
                        const QString& what);

// Ctrl+F while the focus is in `pane` (as the Log's own search): to `field`.
void add_pane_find_shortcut(QWidget* pane, QLineEdit* field);

// Help > Keyboard Shortcuts, as rich text: the docks' keys and the others.
QString keyboard_shortcuts_text(const QMainWindow& window);

}  // namespace seam::gui
