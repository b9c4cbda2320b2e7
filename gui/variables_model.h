// VariablesModel: the arguments, then the locals, of one frame (name, type,
// value), as BacktraceRequest::variables fills them, each expandable to its
// parts (engine::Variable::children: members, variant fields, elements, a
// pointer's target's members); a last row says why they could not be read,
// if so.
//
//   VariablesModel model;
//   model.set_frame(backtrace_model.frame_at(row));  // null: empty
//   tree_view->setModel(&model);                     // rows expand to their parts
#pragma once

#include <QAbstractItemModel>
#include <QString>
#include <vector>

#include "engine/session.h"

namespace seam::gui {

class VariablesModel : public QAbstractItemModel {
  Q_OBJECT
 public:
  // The name first: the tree's branches and indentation are drawn in column 0,
  // so a part's name sits under its parent's.
  enum Column { kName, kKind, kType, kValue, kColumnCount };

  explicit VariablesModel(QObject* parent = nullptr) : QAbstractItemModel(parent) {}

  void set_frame(const engine::Frame* frame);

  QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
  QModelIndex parent(const QModelIndex& index) const override;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  // One row: a variable or one of its parts. The tree is built whole when
  // the frame is set and not changed until the next one, so the model's
  // indexes may point at nodes.
  struct Node {
    QString kind;  // "arg", "local"; "" for a part and for the error row
    bool error = false;
    const engine::Variable* variable = nullptr;
    const Node* parent = nullptr;
    int row = 0;
    std::vector<Node> children;
  };
  static void add_children(Node& node);
  const Node* node(const QModelIndex& index) const;

  std::vector<engine::Variable> variables_;  // the frame's, copied: the nodes point into them
  Node root_;
};

}  // namespace seam::gui
