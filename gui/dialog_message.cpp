#include "gui/dialog_message.h"

#include <QLabel>
#include <QPalette>

#include "gui/theme.h"

namespace seam::gui {

QLabel* make_refusal_label(QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName("message");
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label->hide();
  return label;
}

void show_refusal(QLabel* label, const QString& message) {
  // The colour is chosen when shown: the theme may have changed since the label was made.
  QPalette palette = label->palette();
  palette.setColor(QPalette::WindowText, highlight_colour(ColourRole::kErrorText, palette));
  label->setPalette(palette);
  label->setText(message);
  label->show();
}

}  // namespace seam::gui
