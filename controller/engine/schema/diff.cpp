#include "engine/schema/diff.hpp"

#include <algorithm>
#include <set>

#include "engine/schema/type_change.hpp"
#include "engine/sql/quoting.hpp"

namespace retort::engine::schema {

namespace {

std::string tableName(const Table& table) {
  return qualifiedName(table.schema, table.name);
}

std::string objectName(const Table& table, const std::string& member) {
  return qualifiedKey(table.schema, table.name) + "." + member;
}

std::string columnDefinition(const Column& column) {
  std::string sql = quoteIdentifier(column.name) + " " + column.type;
  if (column.collation) sql += " COLLATE " + *column.collation;
  if (column.generatedExpression) {
    sql += " GENERATED ALWAYS AS (" + *column.generatedExpression + ") STORED";
  }
  if (!column.identity.empty()) sql += " GENERATED " + column.identity + " AS IDENTITY";
  if (column.defaultExpression) sql += " DEFAULT " + *column.defaultExpression;
  if (column.notNull) sql += " NOT NULL";
  return sql;
}

std::string commentText(const std::optional<std::string>& comment) {
  return comment ? quoteLiteral(*comment) : "NULL";
}

std::string sequenceOptions(const Sequence& sequence) {
  return " AS " + sequence.dataType + " INCREMENT BY " + std::to_string(sequence.increment) +
         " MINVALUE " + std::to_string(sequence.minValue) + " MAXVALUE " +
         std::to_string(sequence.maxValue) + " START WITH " + std::to_string(sequence.start) +
         " CACHE " + std::to_string(sequence.cache) + (sequence.cycle ? " CYCLE" : " NO CYCLE");
}

const Constraint* findConstraint(const Table& table, const std::string& name) {
  for (const Constraint& constraint : table.constraints) {
    if (constraint.name == name) return &constraint;
  }
  return nullptr;
}

const Index* findIndex(const Table& table, const std::string& name) {
  for (const Index& index : table.indexes) {
    if (index.name == name) return &index;
  }
  return nullptr;
}

const Table* findTable(const Model& model, const std::string& key) {
  auto found = model.tables.find(key);
  return found == model.tables.end() ? nullptr : &found->second;
}

bool sameColumnShapes(const Table& left, const Table& right) {
  if (left.columns.size() != right.columns.size()) return false;
  for (const Column& column : left.columns) {
    const Column* other = right.findColumn(column.name);
    if (!other || other->type != column.type) return false;
  }
  return true;
}

// Builds the change list. Members hold the two models and the cross-cutting facts that
// several kinds of change need (which enums are rebuilt, which foreign keys must be dropped
// and re-added around their target).
class Differ {
 public:
  Differ(const Model& from, const Model& to) : from_(from), to_(to) {}

  SchemaDiff run() {
    findRebuiltEnums();
    findForeignKeysToRebuild();
    diffSchemasCreated();
    diffEnums();
    diffSequences();
    diffTables();
    diffSchemasDropped();
    return std::move(result_);
  }

 private:
  Change& add(std::string operation, std::string object, std::string detail = {}) {
    Change change;
    change.operation = std::move(operation);
    change.object = std::move(object);
    change.detail = std::move(detail);
    result_.changes.push_back(std::move(change));
    return result_.changes.back();
  }

  // Enums whose labels were removed or reordered: PostgreSQL can only append or insert labels,
  // so those are rebuilt (rename the old type, create the new one, convert the columns).
  void findRebuiltEnums() {
    for (const auto& [key, target] : to_.enums) {
      auto source = from_.enums.find(key);
      if (source == from_.enums.end() || source->second.labels == target.labels) continue;
      std::vector<std::string> kept;
      for (const std::string& label : target.labels) {
        if (std::find(source->second.labels.begin(), source->second.labels.end(), label) !=
            source->second.labels.end()) {
          kept.push_back(label);
        }
      }
      if (kept != source->second.labels) rebuiltEnums_.insert(key);
    }
  }

  bool referencesRebuiltEnum(const std::string& type, std::string* enumName) const {
    for (const std::string& key : rebuiltEnums_) {
      const EnumType& type0 = to_.enums.at(key);
      std::string name = qualifiedName(type0.schema, type0.name);
      if (type == name || type == name + "[]") {
        *enumName = name;
        return true;
      }
    }
    return false;
  }

  // A foreign key depends on the unique index of its target; when that index goes away or its
  // columns change type, the key must be dropped first and added again afterwards.
  void findForeignKeysToRebuild() {
    std::set<std::string> disturbedTargets;
    for (const auto& [key, source] : from_.tables) {
      const Table* target = findTable(to_, key);
      if (!target) continue;
      for (const Constraint& constraint : source.constraints) {
        if (constraint.kind != ConstraintKind::PrimaryKey &&
            constraint.kind != ConstraintKind::Unique) {
          continue;
        }
        const Constraint* kept = findConstraint(*target, constraint.name);
        if (!kept || !(*kept == constraint)) disturbedTargets.insert(key);
      }
      for (const Index& index : source.indexes) {
        const Index* kept = findIndex(*target, index.name);
        if (index.unique && (!kept || !(*kept == index))) disturbedTargets.insert(key);
      }
      for (const Column& column : source.columns) {
        const Column* kept = target->findColumn(column.name);
        if (kept && (kept->type != column.type || kept->collation != column.collation)) {
          disturbedTargets.insert(key);
        }
      }
    }
    for (const auto& [key, source] : from_.tables) {
      const Table* target = findTable(to_, key);
      if (!target) continue;
      for (const Constraint& constraint : source.constraints) {
        if (constraint.kind != ConstraintKind::ForeignKey) continue;
        const Constraint* kept = findConstraint(*target, constraint.name);
        bool ownColumnsRetyped = disturbedTargets.count(key) > 0;
        if (kept && *kept == constraint &&
            (disturbedTargets.count(constraint.referencedTable) > 0 || ownColumnsRetyped)) {
          rebuiltForeignKeys_.insert(objectName(source, constraint.name));
        }
      }
    }
  }

  void diffSchemasCreated() {
    for (const std::string& name : to_.schemas) {
      if (std::find(from_.schemas.begin(), from_.schemas.end(), name) != from_.schemas.end()) {
        continue;
      }
      add("add_schema", name)
          .statements.push_back({Phase::CreateSchema, "CREATE SCHEMA " + quoteIdentifier(name)});
    }
  }

  void diffSchemasDropped() {
    for (const std::string& name : from_.schemas) {
      if (std::find(to_.schemas.begin(), to_.schemas.end(), name) != to_.schemas.end()) continue;
      Change& change = add("remove_schema", name);
      change.dataLoss = true;
      change.statements.push_back(
          {Phase::DropTypeSequenceSchema, "DROP SCHEMA " + quoteIdentifier(name)});
    }
  }

  static std::string labelList(const std::vector<std::string>& labels) {
    std::string list;
    for (const std::string& label : labels) {
      list += (list.empty() ? "" : ", ") + quoteLiteral(label);
    }
    return list;
  }

  void diffEnums() {
    for (const auto& [key, target] : to_.enums) {
      std::string name = qualifiedName(target.schema, target.name);
      auto source = from_.enums.find(key);
      if (source == from_.enums.end()) {
        add("add_enum", key, labelList(target.labels))
            .statements.push_back({Phase::AlterEnum, "CREATE TYPE " + name + " AS ENUM (" +
                                                         labelList(target.labels) + ")"});
        continue;
      }
      const std::vector<std::string>& old = source->second.labels;
      if (old == target.labels) continue;
      if (rebuiltEnums_.count(key) == 0) {
        for (size_t i = 0; i < target.labels.size(); ++i) {
          const std::string& label = target.labels[i];
          if (std::find(old.begin(), old.end(), label) != old.end()) continue;
          std::string sql = "ALTER TYPE " + name + " ADD VALUE " + quoteLiteral(label);
          if (i > 0) {
            sql += " AFTER " + quoteLiteral(target.labels[i - 1]);
          } else if (target.labels.size() > 1) {
            sql += " BEFORE " + quoteLiteral(target.labels[1]);
          }
          add("add_enum_value", key, label).statements.push_back({Phase::AlterEnum, sql});
        }
        continue;
      }
      Change& change = add("modify_enum", key, labelList(old) + " -> " + labelList(target.labels));
      change.dataLoss = true;
      std::string oldName = qualifiedName(target.schema, target.name + "__retort_old");
      change.statements.push_back(
          {Phase::AlterEnum,
           "ALTER TYPE " + name + " RENAME TO " + quoteIdentifier(target.name + "__retort_old")});
      change.statements.push_back({Phase::AlterEnum, "CREATE TYPE " + name + " AS ENUM (" +
                                                         labelList(target.labels) + ")"});
      change.statements.push_back({Phase::DropTypeSequenceSchema, "DROP TYPE " + oldName});
    }
    for (const auto& [key, source] : from_.enums) {
      if (to_.enums.count(key) > 0) continue;
      Change& change = add("remove_enum", key, labelList(source.labels));
      change.statements.push_back({Phase::DropTypeSequenceSchema,
                                   "DROP TYPE " + qualifiedName(source.schema, source.name)});
    }
  }

  // Whether `column` of `table` (a "schema.table" key) disappears in the target model, taking
  // an owned sequence with it.
  bool ownerColumnDropped(const std::string& schemaName, const std::string& table,
                          const std::string& column) const {
    const Table* target = findTable(to_, qualifiedKey(schemaName, table));
    const Table* source = findTable(from_, qualifiedKey(schemaName, table));
    if (!target || !target->findColumn(column)) return true;
    const Column* before = source ? source->findColumn(column) : nullptr;
    const Column* after = target->findColumn(column);
    return before && after && before->generatedExpression != after->generatedExpression;
  }

  void diffSequences() {
    for (const auto& [key, target] : to_.sequences) {
      std::string name = qualifiedName(target.schema, target.name);
      std::string owner = target.ownedByTable.empty()
                              ? std::string("NONE")
                              : qualifiedName(target.schema, target.ownedByTable) + "." +
                                    quoteIdentifier(target.ownedByColumn);
      auto found = from_.sequences.find(key);
      if (found == from_.sequences.end()) {
        Change& change = add("add_sequence", key);
        change.implied = !target.ownedByTable.empty();  // part of a SERIAL column
        change.statements.push_back(
            {Phase::CreateSequence, "CREATE SEQUENCE " + name + sequenceOptions(target)});
        if (!target.ownedByTable.empty()) {
          change.statements.push_back(
              {Phase::SequenceOwnership, "ALTER SEQUENCE " + name + " OWNED BY " + owner});
        }
        continue;
      }
      const Sequence& source = found->second;
      Sequence sourceOptions = source;
      sourceOptions.ownedByTable = target.ownedByTable;
      sourceOptions.ownedByColumn = target.ownedByColumn;
      if (!(sourceOptions == target)) {
        add("modify_sequence", key)
            .statements.push_back(
                {Phase::CreateSequence, "ALTER SEQUENCE " + name + sequenceOptions(target)});
      }
      if (source.ownedByTable != target.ownedByTable ||
          source.ownedByColumn != target.ownedByColumn) {
        Change& change = add("modify_sequence_owner", key, owner);
        // Release the sequence before any column drop could take it along.
        if (!source.ownedByTable.empty()) {
          change.statements.push_back(
              {Phase::DropForeignKey, "ALTER SEQUENCE " + name + " OWNED BY NONE"});
        }
        if (!target.ownedByTable.empty()) {
          change.statements.push_back(
              {Phase::SequenceOwnership, "ALTER SEQUENCE " + name + " OWNED BY " + owner});
        }
      }
    }
    for (const auto& [key, source] : from_.sequences) {
      if (to_.sequences.count(key) > 0) continue;
      Change& change = add("remove_sequence", key);
      if (!source.ownedByTable.empty()) {
        change.implied = true;
        if (ownerColumnDropped(source.schema, source.ownedByTable, source.ownedByColumn)) continue;
      }
      change.statements.push_back({Phase::DropTypeSequenceSchema,
                                   "DROP SEQUENCE " + qualifiedName(source.schema, source.name)});
    }
  }

  void diffTables() {
    for (const auto& [key, target] : to_.tables) {
      const Table* source = findTable(from_, key);
      if (source) {
        diffTable(*source, target);
      } else {
        createTable(target);
      }
    }
    for (const auto& [key, source] : from_.tables) {
      if (!findTable(to_, key)) dropTable(source);
    }
    noteRenames();
  }

  void createTable(const Table& table) {
    Change& change = add("add_table", qualifiedKey(table.schema, table.name));
    std::string sql = "CREATE TABLE " + tableName(table) + " (";
    bool first = true;
    for (const Column& column : table.columns) {
      sql += std::string(first ? "" : ",") + "\n    " + columnDefinition(column);
      first = false;
    }
    for (const Constraint& constraint : table.constraints) {
      if (constraint.kind == ConstraintKind::ForeignKey) continue;
      sql += std::string(first ? "" : ",") + "\n    CONSTRAINT " +
             quoteIdentifier(constraint.name) + " " + constraint.definition;
      first = false;
    }
    sql += "\n)";
    change.statements.push_back({Phase::CreateTable, sql});
    for (const Constraint& constraint : table.constraints) {
      if (constraint.kind == ConstraintKind::ForeignKey) addConstraint(table, constraint, change);
    }
    for (const Index& index : table.indexes) {
      change.statements.push_back({Phase::AddIndexOrConstraint, index.definition});
    }
    if (table.comment) {
      change.statements.push_back({Phase::Comment, "COMMENT ON TABLE " + tableName(table) + " IS " +
                                                       commentText(table.comment)});
    }
    for (const Column& column : table.columns) {
      if (!column.comment) continue;
      change.statements.push_back({Phase::Comment, "COMMENT ON COLUMN " + tableName(table) + "." +
                                                       quoteIdentifier(column.name) + " IS " +
                                                       commentText(column.comment)});
    }
  }

  void dropTable(const Table& table) {
    Change& change = add("remove_table", qualifiedKey(table.schema, table.name));
    change.dataLoss = true;
    // Keys between two dropped tables would make the DROP order matter; keys from surviving
    // tables are removed by those tables' own changes.
    for (const Constraint& constraint : table.constraints) {
      if (constraint.kind != ConstraintKind::ForeignKey ||
          constraint.referencedTable == qualifiedKey(table.schema, table.name) ||
          findTable(to_, constraint.referencedTable)) {
        continue;
      }
      dropConstraint(table, constraint, change);
    }
    change.statements.push_back({Phase::DropTable, "DROP TABLE " + tableName(table)});
  }

  void addConstraint(const Table& table, const Constraint& constraint, Change& change) {
    Phase phase = constraint.kind == ConstraintKind::ForeignKey ? Phase::AddForeignKey
                                                                : Phase::AddIndexOrConstraint;
    change.statements.push_back({phase, "ALTER TABLE " + tableName(table) + " ADD CONSTRAINT " +
                                            quoteIdentifier(constraint.name) + " " +
                                            constraint.definition});
  }

  void dropConstraint(const Table& table, const Constraint& constraint, Change& change) {
    Phase phase = constraint.kind == ConstraintKind::ForeignKey ? Phase::DropForeignKey
                                                                : Phase::DropIndexOrConstraint;
    change.statements.push_back({phase, "ALTER TABLE " + tableName(table) + " DROP CONSTRAINT " +
                                            quoteIdentifier(constraint.name)});
  }

  static std::string constraintOperation(const Constraint& constraint, const char* verb) {
    return std::string(verb) +
           (constraint.kind == ConstraintKind::ForeignKey ? "_fk" : "_constraint");
  }

  void diffTable(const Table& source, const Table& target) {
    std::string key = qualifiedKey(source.schema, source.name);
    diffColumns(source, target);

    for (const Constraint& constraint : source.constraints) {
      const Constraint* kept = findConstraint(target, constraint.name);
      if (!kept) {
        Change& change = add(constraintOperation(constraint, "remove"),
                             objectName(source, constraint.name), constraint.definition);
        dropConstraint(source, constraint, change);
      } else if (!(*kept == constraint)) {
        Change& change =
            add(constraintOperation(constraint, "modify"), objectName(source, constraint.name),
                constraint.definition + " -> " + kept->definition);
        dropConstraint(source, constraint, change);
        addConstraint(target, *kept, change);
      } else if (rebuiltForeignKeys_.count(objectName(source, constraint.name)) > 0) {
        Change& change = add("rebuild_fk", objectName(source, constraint.name));
        change.implied = true;
        dropConstraint(source, constraint, change);
        addConstraint(target, *kept, change);
      }
    }
    for (const Constraint& constraint : target.constraints) {
      if (findConstraint(source, constraint.name)) continue;
      Change& change = add(constraintOperation(constraint, "add"),
                           objectName(target, constraint.name), constraint.definition);
      addConstraint(target, constraint, change);
    }

    for (const Index& index : source.indexes) {
      const Index* kept = findIndex(target, index.name);
      if (kept && *kept == index) continue;
      Change& change = add(kept ? "modify_index" : "remove_index", objectName(source, index.name),
                           kept ? index.definition + " -> " + kept->definition : index.definition);
      change.statements.push_back(
          {Phase::DropIndexOrConstraint, "DROP INDEX " + qualifiedName(source.schema, index.name)});
      if (kept) change.statements.push_back({Phase::AddIndexOrConstraint, kept->definition});
    }
    for (const Index& index : target.indexes) {
      if (findIndex(source, index.name)) continue;
      add("add_index", objectName(target, index.name), index.definition)
          .statements.push_back({Phase::AddIndexOrConstraint, index.definition});
    }

    if (source.comment != target.comment) {
      add(target.comment ? "modify_table_comment" : "remove_table_comment", key)
          .statements.push_back({Phase::Comment, "COMMENT ON TABLE " + tableName(target) + " IS " +
                                                     commentText(target.comment)});
    }
  }

  void diffColumns(const Table& source, const Table& target) {
    std::string alter = "ALTER TABLE " + tableName(target) + " ";
    for (const Column& column : source.columns) {
      const Column* kept = target.findColumn(column.name);
      if (kept && kept->generatedExpression == column.generatedExpression) continue;
      Change& change = add("remove_column", objectName(source, column.name), column.type);
      change.dataLoss = !kept;
      change.implied = kept != nullptr;  // reported as modify_generated below
      change.statements.push_back(
          {Phase::DropColumn, alter + "DROP COLUMN " + quoteIdentifier(column.name)});
    }
    for (const Column& column : target.columns) {
      const Column* before = source.findColumn(column.name);
      if (before && before->generatedExpression == column.generatedExpression) {
        diffColumn(target, *before, column);
        continue;
      }
      Change& change = add(before ? "modify_generated" : "add_column",
                           objectName(target, column.name), column.type);
      change.statements.push_back(
          {Phase::AddColumn, alter + "ADD COLUMN " + columnDefinition(column)});
      if (column.comment) {
        change.statements.push_back({Phase::Comment, "COMMENT ON COLUMN " + tableName(target) +
                                                         "." + quoteIdentifier(column.name) +
                                                         " IS " + commentText(column.comment)});
      }
    }
  }

  void diffColumn(const Table& table, const Column& before, const Column& after) {
    std::string object = objectName(table, after.name);
    std::string alterColumn =
        "ALTER TABLE " + tableName(table) + " ALTER COLUMN " + quoteIdentifier(after.name) + " ";
    auto statement = [&](Change& change, const std::string& action) {
      change.statements.push_back({Phase::AlterColumn, alterColumn + action});
    };

    bool typeChanged = before.type != after.type || before.collation != after.collation;
    std::string enumName;
    bool enumRebuilt = !typeChanged && referencesRebuiltEnum(after.type, &enumName);
    bool defaultChanged = before.defaultExpression != after.defaultExpression;

    if (!before.identity.empty() && after.identity.empty()) {
      statement(add("modify_identity", object, before.identity + " -> none"), "DROP IDENTITY");
    }
    if (typeChanged || enumRebuilt) {
      Change& change = typeChanged ? add("modify_type", object, before.type + " -> " + after.type)
                                   : add("rebuild_enum_column", object, after.type);
      change.implied = !typeChanged;
      change.dataLoss = typeChanged && !isWideningTypeChange(before.type, after.type);
      if (before.defaultExpression) statement(change, "DROP DEFAULT");
      std::string cast = quoteIdentifier(after.name);
      if (enumRebuilt || referencesRebuiltEnum(before.type, &enumName)) {
        cast += before.type.ends_with("[]") ? "::text[]" : "::text";
      }
      statement(change, "TYPE " + after.type +
                            (after.collation ? " COLLATE " + *after.collation : std::string()) +
                            " USING " + cast + "::" + after.type);
      if (after.defaultExpression) {
        statement(change, "SET DEFAULT " + *after.defaultExpression);
      }
    } else if (defaultChanged) {
      Change& change = add("modify_default", object,
                           before.defaultExpression.value_or("none") + " -> " +
                               after.defaultExpression.value_or("none"));
      statement(change, after.defaultExpression ? "SET DEFAULT " + *after.defaultExpression
                                                : "DROP DEFAULT");
    }
    if (before.notNull != after.notNull) {
      statement(
          add("modify_nullable", object, after.notNull ? "NULL -> NOT NULL" : "NOT NULL -> NULL"),
          after.notNull ? "SET NOT NULL" : "DROP NOT NULL");
    }
    if (before.identity != after.identity && !after.identity.empty()) {
      Change& change =
          add("modify_identity", object,
              (before.identity.empty() ? "none" : before.identity) + " -> " + after.identity);
      statement(change, before.identity.empty() ? "ADD GENERATED " + after.identity + " AS IDENTITY"
                                                : "SET GENERATED " + after.identity);
    }
    if (before.comment != after.comment) {
      add("modify_comment", object)
          .statements.push_back({Phase::Comment, "COMMENT ON COLUMN " + tableName(table) + "." +
                                                     quoteIdentifier(after.name) + " IS " +
                                                     commentText(after.comment)});
    }
  }

  // Drop-and-add pairs that look like renames: flagged, never turned into RENAME.
  void noteRenames() {
    for (const auto& [droppedKey, dropped] : from_.tables) {
      if (findTable(to_, droppedKey)) continue;
      for (const auto& [addedKey, added] : to_.tables) {
        if (findTable(from_, addedKey) || added.schema != dropped.schema) continue;
        if (sameColumnShapes(dropped, added)) {
          result_.reviewNotes.push_back("table " + droppedKey + " is dropped and " + addedKey +
                                        " created with the same columns; if this is a rename, "
                                        "use ALTER TABLE ... RENAME TO to keep the data");
        }
      }
    }
    for (const auto& [key, target] : to_.tables) {
      const Table* source = findTable(from_, key);
      if (!source) continue;
      for (const Column& dropped : source->columns) {
        if (target.findColumn(dropped.name)) continue;
        for (const Column& added : target.columns) {
          if (source->findColumn(added.name) || added.type != dropped.type) continue;
          result_.reviewNotes.push_back("column " + key + "." + dropped.name + " is dropped and " +
                                        key + "." + added.name +
                                        " added with the same type; if this is a rename, use "
                                        "ALTER TABLE ... RENAME COLUMN to keep the data");
        }
      }
    }
  }

  const Model& from_;
  const Model& to_;
  std::set<std::string> rebuiltEnums_;
  std::set<std::string> rebuiltForeignKeys_;
  SchemaDiff result_;
};

}  // namespace

std::vector<std::string> SchemaDiff::orderedStatements() const {
  std::vector<const Statement*> all;
  for (const Change& change : changes) {
    for (const Statement& statement : change.statements) all.push_back(&statement);
  }
  std::stable_sort(all.begin(), all.end(), [](const Statement* left, const Statement* right) {
    return left->phase < right->phase;
  });
  std::vector<std::string> ordered;
  ordered.reserve(all.size());
  for (const Statement* statement : all) ordered.push_back(statement->sql + ";");
  return ordered;
}

std::string SchemaDiff::sql() const {
  std::string text;
  for (const std::string& note : reviewNotes) text += "-- REVIEW: " + note + "\n";
  if (!reviewNotes.empty()) text += "\n";
  for (const std::string& statement : orderedStatements()) text += statement + "\n\n";
  while (text.size() > 1 && text.ends_with("\n\n")) text.pop_back();
  return text;
}

SchemaDiff diff(const Model& from, const Model& to) {
  return Differ(from, to).run();
}

std::string quoteLiteral(const std::string& value) {
  return sql::quoteLiteral(value);
}

}  // namespace retort::engine::schema
