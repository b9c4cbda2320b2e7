#include "gui/source_roots.h"

#include <QStringList>

namespace seam::gui {
namespace {
const char kKey[] = "source_roots";
}

std::vector<std::filesystem::path> stored_source_roots(const QSettings& settings) {
  std::vector<std::filesystem::path> roots;
  for (const QString& root : settings.value(kKey).toStringList()) {
    if (!root.isEmpty()) roots.emplace_back(root.toStdString());
  }
  return roots;
}

void add_stored_source_root(QSettings& settings, const std::filesystem::path& root) {
  QStringList roots = settings.value(kKey).toStringList();
  QString text = QString::fromStdString(root.string());
  if (roots.contains(text)) return;
  roots.append(text);
  settings.setValue(kKey, roots);
}

}  // namespace seam::gui
