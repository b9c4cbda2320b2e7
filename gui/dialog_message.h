// The line under a dialog's fields that says why OK was refused ("...: No
// such file or directory"), in the theme's error colour, hidden until then.
//
//   QLabel* message = make_refusal_label(dialog);  // objectName "message"
//   layout->addWidget(message);
//   if (!ok) show_refusal(message, QString::fromStdString(ok.error().message()));
#pragma once

#include <QString>

class QLabel;
class QWidget;

namespace seam::gui {

QLabel* make_refusal_label(QWidget* parent);
void show_refusal(QLabel* label, const QString& message);

}  // namespace seam::gui
