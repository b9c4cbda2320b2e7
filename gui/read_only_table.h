// The way every table of seam-gui is set up: read-only, one row selected at a
// time, no row numbers, rows as tall as a line of text, the last column
// stretched, no word wrap.
//
//   auto* view = new QTableView(parent);
//   view->setModel(model);
//   set_up_read_only_table(view);          // rows: a line of text + 6 px
//   set_up_read_only_table(hex_view, 4);   // a denser one
#pragma once

class QTableView;

namespace seam::gui {

void set_up_read_only_table(QTableView* view, int row_padding = 6);

}  // namespace seam::gui
