#include "gui/theme.h"

#include <QActionGroup>
#include <QApplication>
#include <QMenu>
#include <QProcess>
#include <QStandardPaths>
#include <QStyleFactory>

namespace seam::gui {

Result<Theme> parse_theme(const std::string& text) {
  if (text == "system") return Theme::kSystem;
  if (text == "light") return Theme::kLight;
  if (text == "dark") return Theme::kDark;
  return Error("unknown theme '" + text + "': give light, dark or system");
}

std::string theme_name(Theme theme) {
  switch (theme) {
    case Theme::kLight: return "light";
    case Theme::kDark: return "dark";
    case Theme::kSystem: break;
  }
  return "system";
}

SystemColourInputs read_system_colour_inputs() {
  SystemColourInputs inputs;
  // Only when gsettings is installed: QProcess would otherwise fail after
  // its own timeout. A second is plenty for a settings read; a session bus
  // that does not answer must not hold the window back.
  if (!QStandardPaths::findExecutable("gsettings").isEmpty()) {
    QProcess gsettings;
    gsettings.start("gsettings", {"get", "org.gnome.desktop.interface", "color-scheme"});
    if (gsettings.waitForFinished(1000) && gsettings.exitStatus() == QProcess::NormalExit &&
        gsettings.exitCode() == 0) {
      inputs.gsettings_color_scheme = gsettings.readAllStandardOutput().toStdString();
    } else {
      gsettings.kill();
      gsettings.waitForFinished(1000);
    }
  }
  inputs.gtk_theme_env = qEnvironmentVariable("GTK_THEME").toStdString();
  inputs.platform_window_colour = QGuiApplication::palette().color(QPalette::Window);
  return inputs;
}

bool system_prefers_dark(const SystemColourInputs& inputs) {
  if (inputs.gsettings_color_scheme) {
    const std::string& scheme = *inputs.gsettings_color_scheme;
    if (scheme.find("prefer-dark") != std::string::npos) return true;
    if (scheme.find("prefer-light") != std::string::npos) return false;
    // 'default': GNOME leaves it to the GTK theme, below.
  }
  if (!inputs.gtk_theme_env.empty()) {
    return inputs.gtk_theme_env.ends_with(":dark") || inputs.gtk_theme_env.ends_with("-dark");
  }
  return inputs.platform_window_colour.isValid() && inputs.platform_window_colour.lightness() < 128;
}

bool resolves_to_dark(Theme theme, const SystemColourInputs& inputs) {
  if (theme == Theme::kSystem) return system_prefers_dark(inputs);
  return theme == Theme::kDark;
}

QPalette dark_palette() {
  const QColor window(45, 45, 48), base(30, 30, 32), text(225, 225, 225), disabled(128, 128, 128);
  QPalette palette;
  palette.setColor(QPalette::Window, window);
  palette.setColor(QPalette::WindowText, text);
  palette.setColor(QPalette::Base, base);
  palette.setColor(QPalette::AlternateBase, window);
  palette.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
  palette.setColor(QPalette::ToolTipText, text);
  palette.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
  palette.setColor(QPalette::Text, text);
  palette.setColor(QPalette::Button, window);
  palette.setColor(QPalette::ButtonText, text);
  palette.setColor(QPalette::BrightText, QColor(255, 90, 90));
  palette.setColor(QPalette::Light, QColor(70, 70, 74));
  palette.setColor(QPalette::Midlight, QColor(58, 58, 62));
  palette.setColor(QPalette::Mid, QColor(38, 38, 40));
  palette.setColor(QPalette::Dark, QColor(25, 25, 27));
  palette.setColor(QPalette::Shadow, Qt::black);
  palette.setColor(QPalette::Highlight, QColor(42, 110, 190));
  palette.setColor(QPalette::HighlightedText, Qt::white);
  palette.setColor(QPalette::Link, QColor(100, 160, 240));
  palette.setColor(QPalette::LinkVisited, QColor(170, 130, 230));
  for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
    palette.setColor(QPalette::Disabled, role, disabled);
  }
  return palette;
}

void apply_theme(bool dark) {
  if (dark) {
    // The platform's style may draw with its own (light) colours; Fusion
    // draws with the palette.
    QApplication::setStyle(QStyleFactory::create("Fusion"));
    QApplication::setPalette(dark_palette());
  } else {
    // An empty palette resets the application's to the platform's.
    QApplication::setPalette(QPalette());
  }
}

bool is_dark(const QPalette& palette) {
  return palette.color(QPalette::Window).lightness() < 128;
}

Theme stored_theme(const QSettings& settings) {
  Result<Theme> theme =
      parse_theme(settings.value("view/theme", "system").toString().toStdString());
  return theme ? *theme : Theme::kSystem;
}

void store_theme(QSettings& settings, Theme theme) {
  settings.setValue("view/theme", QString::fromStdString(theme_name(theme)));
}

void add_theme_menu(QMenu* view) {
  QMenu* menu = view->addMenu("&Theme");
  menu->setObjectName("theme_menu");
  auto* group = new QActionGroup(menu);
  Theme current = stored_theme(QSettings());
  for (const auto& entry : {std::pair{Theme::kSystem, "&System"},
                            std::pair{Theme::kLight, "&Light"}, std::pair{Theme::kDark, "&Dark"}}) {
    Theme theme = entry.first;
    QAction* action = menu->addAction(entry.second);
    action->setObjectName(QString::fromStdString("theme_" + theme_name(theme)));
    action->setCheckable(true);
    action->setChecked(theme == current);
    group->addAction(action);
    QObject::connect(action, &QAction::triggered, menu, [theme] {
      QSettings settings;
      store_theme(settings, theme);
      // The light palette first: the system's colours are read from it.
      apply_theme(false);
      if (theme != Theme::kLight) apply_theme(resolves_to_dark(theme, read_system_colour_inputs()));
    });
  }
}

QColor highlight_colour(ColourRole role, const QPalette& palette) {
  bool dark = is_dark(palette);
  switch (role) {
    case ColourRole::kCrashedTask: return dark ? QColor(115, 35, 35) : QColor(255, 210, 210);
    case ColourRole::kErrorText: return dark ? QColor(255, 120, 110) : QColor(170, 0, 0);
    case ColourRole::kCurrentLine: return dark ? QColor(85, 75, 25) : QColor(255, 240, 160);
    case ColourRole::kBoundaryRow: return dark ? QColor(60, 60, 66) : QColor(235, 235, 235);
  }
  return palette.color(QPalette::Base);
}

QColor highlight_colour(ColourRole role) {
  return highlight_colour(role, QGuiApplication::palette());
}

}  // namespace seam::gui
