// The source roots kept in the settings (QSettings key "source_roots"), which
// seam-gui adds to those of --source-root:
//
//   QSettings settings;  // the application's (organisation and name set in main)
//   std::vector<std::filesystem::path> roots = stored_source_roots(settings);
//   add_stored_source_root(settings, "/src/linux-6.1");  // once: no duplicates
#pragma once

#include <QSettings>
#include <filesystem>
#include <vector>

namespace seam::gui {

std::vector<std::filesystem::path> stored_source_roots(const QSettings& settings);
void add_stored_source_root(QSettings& settings, const std::filesystem::path& root);

}  // namespace seam::gui
