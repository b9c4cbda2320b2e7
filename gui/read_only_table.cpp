#include "gui/read_only_table.h"

#include <QHeaderView>
#include <QTableView>

namespace seam::gui {

void set_up_read_only_table(QTableView* view, int row_padding) {
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::SingleSelection);
  view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view->verticalHeader()->hide();
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + row_padding);
  view->horizontalHeader()->setStretchLastSection(true);
  view->setWordWrap(false);
}

}  // namespace seam::gui
