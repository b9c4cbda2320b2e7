// seam-gui's light and dark themes. Qt 6.4 cannot tell the system's colour
// scheme (QStyleHints::colorScheme is 6.5+), so "system" is worked out here
// from GNOME's setting, GTK_THEME, then the platform palette:
//
//   Result<Theme> theme = parse_theme("system");          // --theme light|dark|system
//   bool dark = resolves_to_dark(*theme, read_system_colour_inputs());
//   apply_theme(dark);                                     // Fusion + dark palette, or light
//   QBrush crashed(highlight_colour(ColourRole::kCrashedTask));
//
// The colours the models draw with come from highlight_colour(), so that
// they stay readable in both themes.
#pragma once

#include <QColor>
#include <QPalette>
#include <QSettings>
#include <optional>
#include <string>

#include "symbolizer/result.h"

class QMenu;

namespace seam::gui {

enum class Theme { kSystem, kLight, kDark };

Result<Theme> parse_theme(const std::string& text);  // "light", "dark", "system"
std::string theme_name(Theme theme);

// What the system says about its colour scheme, gathered apart from the
// decision so that the decision can be tested with any inputs.
struct SystemColourInputs {
  // `gsettings get org.gnome.desktop.interface color-scheme`: "'prefer-dark'\n";
  // nullopt when gsettings is missing or did not answer in time.
  std::optional<std::string> gsettings_color_scheme;
  std::string gtk_theme_env;      // $GTK_THEME: "Adwaita:dark"
  QColor platform_window_colour;  // the platform palette's window colour
};

// Runs gsettings (killed after a second: no hang on a broken D-Bus) and reads
// the environment and the platform palette. Needs a QGuiApplication.
SystemColourInputs read_system_colour_inputs();
// gsettings first (the desktop's explicit choice), then GTK_THEME, then a dark window colour.
bool system_prefers_dark(const SystemColourInputs& inputs);
bool resolves_to_dark(Theme theme, const SystemColourInputs& inputs);

QPalette dark_palette();
// The whole application: the Fusion style with dark_palette(), or the
// style's own (light) palette.
void apply_theme(bool dark);
// Whether `palette` is a dark one (its window colour is).
bool is_dark(const QPalette& palette);

// The theme chosen in View > Theme, kept in the settings ("view/theme").
Theme stored_theme(const QSettings& settings);
void store_theme(QSettings& settings, Theme theme);
// View > Theme: System, Light, Dark; choosing one applies and stores it.
void add_theme_menu(QMenu* view);

// The colours the models and views draw with, chosen for the palette's lightness.
enum class ColourRole {
  kCrashedTask,  // background of the crashed task's row (gui/task_model.cpp)
  kErrorText,    // foreground of error and worse log records (gui/log_model.cpp)
  kCurrentLine,  // background of the frame's line in the source (gui/source_view.cpp)
  kBoundaryRow,  // background of a pt_regs boundary frame (gui/backtrace_model.cpp)
};
QColor highlight_colour(ColourRole role, const QPalette& palette);
QColor highlight_colour(ColourRole role);  // with the application's palette

}  // namespace seam::gui
