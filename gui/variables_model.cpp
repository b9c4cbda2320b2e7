#include "gui/variables_model.h"

#include <QFont>

namespace seam::gui {

void VariablesModel::set_frame(const engine::Frame* frame) {
  beginResetModel();
  root_.children.clear();
  variables_.clear();
  std::vector<QString> kinds;
  if (frame) {
    for (const engine::Variable& v : frame->args) {
      variables_.push_back(v);
      kinds.push_back(QStringLiteral("arg"));
    }
    for (const engine::Variable& v : frame->locals) {
      variables_.push_back(v);
      kinds.push_back(QStringLiteral("local"));
    }
    if (!frame->variables_error.empty()) {
      variables_.push_back({"", "", frame->variables_error, {}});
      kinds.emplace_back();
    }
  }
  // Sized first: children[i]'s address must not move once taken.
  root_.children.resize(variables_.size());
  for (size_t i = 0; i < variables_.size(); ++i) {
    Node& node = root_.children[i];
    node.kind = kinds[i];
    node.error = kinds[i].isEmpty();
    node.variable = &variables_[i];
    node.parent = &root_;
    node.row = static_cast<int>(i);
    add_children(node);
  }
  endResetModel();
}

void VariablesModel::add_children(Node& node) {
  const std::vector<engine::Variable>& parts = node.variable->children;
  node.children.resize(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    Node& child = node.children[i];
    child.variable = &parts[i];
    child.parent = &node;
    child.row = static_cast<int>(i);
    add_children(child);
  }
}

const VariablesModel::Node* VariablesModel::node(const QModelIndex& index) const {
  return index.isValid() ? static_cast<const Node*>(index.internalPointer()) : &root_;
}

QModelIndex VariablesModel::index(int row, int column, const QModelIndex& parent) const {
  if (parent.isValid() && parent.column() != 0) return {};
  const Node* owner = node(parent);
  if (row < 0 || row >= static_cast<int>(owner->children.size()) || column < 0 ||
      column >= kColumnCount)
    return {};
  // Qt's indexes hold a non-const pointer; the model never writes through it.
  return createIndex(row, column, const_cast<Node*>(&owner->children[row]));
}

QModelIndex VariablesModel::parent(const QModelIndex& index) const {
  if (!index.isValid()) return {};
  const Node* owner = node(index)->parent;
  if (owner == nullptr || owner == &root_) return {};
  return createIndex(owner->row, 0, const_cast<Node*>(owner));
}

int VariablesModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() && parent.column() != 0) return 0;
  return static_cast<int>(node(parent)->children.size());
}

int VariablesModel::columnCount(const QModelIndex& /*parent*/) const {
  return kColumnCount;
}

QVariant VariablesModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const Node& row = *node(index);
  switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:  // values can be long: the tooltip shows all of it
      switch (index.column()) {
        case kKind: return row.kind;
        case kName: return QString::fromStdString(row.variable->name);
        case kType: return QString::fromStdString(row.variable->type);
        case kValue: return QString::fromStdString(row.variable->value);
      }
      return {};
    case Qt::FontRole:
      if (row.error) {
        QFont font;
        font.setItalic(true);
        return font;
      }
      return {};
  }
  return {};
}

QVariant VariablesModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kKind: return QStringLiteral("Kind");
    case kName: return QStringLiteral("Name");
    case kType: return QStringLiteral("Type");
    case kValue: return QStringLiteral("Value");
  }
  return {};
}

}  // namespace seam::gui
