#include "gui/session_dialog.h"

#include <QLabel>
#include <QSettings>
#include <QVBoxLayout>
#include <utility>

#include "gui/debug_files_editor.h"
#include "gui/dialog_message.h"
#include "gui/session_inputs.h"

namespace seam::gui {

SessionDialog::SessionDialog(QString settings_group, QWidget* parent)
    : QDialog(parent), settings_group_(std::move(settings_group)) {}

QDialogButtonBox* SessionDialog::lay_out(QLayout* fields, QWidget* last_field,
                                         QDialogButtonBox::StandardButton accept_button) {
  files_ = new DebugFilesEditor(this);
  message_ = make_refusal_label(this);
  auto* buttons = new QDialogButtonBox(accept_button | QDialogButtonBox::Cancel, this);
  buttons->setObjectName("buttons");
  connect(buttons, &QDialogButtonBox::accepted, this, &SessionDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &SessionDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(fields);
  layout->addWidget(files_, 1);
  layout->addWidget(message_);
  layout->addWidget(buttons);
  setTabOrder(last_field, files_->first_widget());
  setTabOrder(files_->last_widget(), buttons);
  return buttons;
}

engine::SessionOptions SessionDialog::stored_options() const {
  QSettings settings;
  return stored_session_options(settings, settings_group_);
}

QString SessionDialog::message() const {
  return message_->isHidden() ? QString() : message_->text();
}

void SessionDialog::accept() {
  Result<engine::SessionOptions> options = this->options();
  if (!options) {
    show_refusal(message_, QString::fromStdString(options.error().message()));
    return;
  }
  message_->hide();
  accepted_ = std::move(*options);
  QSettings settings;
  store_session_options(settings, settings_group_, accepted_);
  QDialog::accept();
}

}  // namespace seam::gui
