#include "gui/keyboard_navigation.h"

#include <QAbstractItemView>
#include <QAction>
#include <QDockWidget>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QShortcut>
#include <QStringList>
#include <QToolBar>
#include <functional>

namespace seam::gui {
namespace {

constexpr int kNumberedDocks = 9;  // Alt+1..Alt+9

QDockWidget* dock_holding(QWidget* widget) {
  for (QWidget* w = widget; w; w = w->parentWidget()) {
    if (auto* dock = qobject_cast<QDockWidget*>(w)) return dock;
  }
  return nullptr;
}

QString row(const QString& keys, const QString& what) {
  return "<tr><td><b>" + keys.toHtmlEscaped() + "</b>&nbsp;&nbsp;</td><td>" + what.toHtmlEscaped() +
         "</td></tr>";
}

}  // namespace

std::vector<QDockWidget*> docks_in_order(const QMainWindow& window, const QStringList& first) {
  std::vector<QDockWidget*> docks;
  for (const QString& name : first) {
    if (auto* dock = window.findChild<QDockWidget*>(name, Qt::FindDirectChildrenOnly)) {
      docks.push_back(dock);
    }
  }
  for (QDockWidget* dock : window.findChildren<QDockWidget*>(Qt::FindDirectChildrenOnly)) {
    if (!first.contains(dock->objectName())) docks.push_back(dock);
  }
  return docks;
}

QWidget* dock_focus_widget(QDockWidget* dock) {
  QWidget* content = dock->widget();
  if (!content) return dock;
  if (content->focusProxy()) return content->focusProxy();
  if (auto* view = qobject_cast<QAbstractItemView*>(content)) return view;
  if (auto* view = content->findChild<QAbstractItemView*>()) return view;
  for (QWidget* child : content->findChildren<QWidget*>()) {
    if (child->focusPolicy() & Qt::TabFocus) return child;
  }
  return content;
}

void focus_dock(QDockWidget* dock) {
  dock->show();
  dock->raise();  // brings its tab to the front when it is tabbed with others
  dock->activateWindow();
  dock_focus_widget(dock)->setFocus(Qt::ShortcutFocusReason);
}

void add_dock_actions(QMainWindow& window, QMenu* view, const QStringList& first) {
  std::vector<QDockWidget*> docks = docks_in_order(window, first);
  for (size_t i = 0; i < docks.size(); ++i) {
    QDockWidget* dock = docks[i];
    QAction* action = view->addAction(dock->windowTitle());
    action->setObjectName("focus_dock_" + dock->objectName());
    if (i < kNumberedDocks) {
      action->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)));
      // Also from a floating dock, which is a window of its own.
      action->setShortcutContext(Qt::ApplicationShortcut);
    }
    QObject::connect(action, &QAction::triggered, dock, [dock] { focus_dock(dock); });
  }
  QMenu* toggles = view->addMenu("Show &Docks");
  for (QDockWidget* dock : docks) toggles->addAction(dock->toggleViewAction());
}

void add_focus_shortcut(QMainWindow& window, const QKeySequence& keys, QWidget* target,
                        const QString& what) {
  auto* action = new QAction(what, &window);
  action->setObjectName("focus_" + target->objectName());
  action->setShortcut(keys);
  action->setShortcutContext(Qt::ApplicationShortcut);
  window.addAction(action);
  QObject::connect(action, &QAction::triggered, target, [target] {
    if (QDockWidget* dock = dock_holding(target)) {
      dock->show();
      dock->raise();
    }
    target->setFocus(Qt::ShortcutFocusReason);
    if (auto* line = qobject_cast<QLineEdit*>(target)) line->selectAll();
  });
}

void add_pane_find_shortcut(QWidget* pane, QLineEdit* field) {
  auto* find = new QShortcut(QKeySequence::Find, pane);
  find->setContext(Qt::WidgetWithChildrenShortcut);
  QObject::connect(find, &QShortcut::activated, field, [field] {
    field->setFocus(Qt::ShortcutFocusReason);
    field->selectAll();
  });
}

QString keyboard_shortcuts_text(const QMainWindow& window) {
  // The menus' keys as they are bound now (and the window's own actions),
  // so that the box cannot drift from the menus.
  QString text = "<table>";
  QStringList seen;
  std::function<void(const QList<QAction*>&, const QString&)> add =
      [&](const QList<QAction*>& actions, const QString& menu) {
        for (QAction* action : actions) {
          QString name = action->text().remove('&');
          if (action->menu()) {
            add(action->menu()->actions(), menu + name + " > ");
            continue;
          }
          QString keys = action->shortcut().toString(QKeySequence::NativeText);
          if (keys.isEmpty() || seen.contains(keys)) continue;
          seen << keys;
          text += row(keys, menu + name);
        }
      };
  if (QMenuBar* bar = window.menuBar()) add(bar->actions(), "");
  add(window.actions(), "");
  for (QToolBar* toolbar : window.findChildren<QToolBar*>()) {
    add(toolbar->actions(), toolbar->windowTitle() + " > ");
  }
  text +=
      row("Ctrl+F", "In the Tasks: the filter; in the Log: search (F3, Shift+F3: next, previous)");
  text += row("Tab, Shift+Tab", "Next, previous field in a dock or dialog");
  text += row("Arrows, Page Up, Page Down", "Move in a list; the other docks follow");
  text += row("Alt+letter", "The menu or button with that letter underlined");
  text += "</table>";
  return text;
}

}  // namespace seam::gui
