#include "engine/lint/linter.hpp"

#include <algorithm>
#include <cctype>

#include "engine/lint/acknowledgement.hpp"
#include "engine/lint/rules.hpp"
#include "engine/schema/type_change.hpp"
#include "engine/sql/parse_tree.hpp"
#include "engine/sql/parsed_sql.hpp"
#include "engine/sql/type_name.hpp"

namespace retort::engine::lint {

namespace {

using nlohmann::json;
using sql::formatTypeName;
using sql::ParsedStatement;

std::string tableKey(const json& rangeVar) {
  return rangeVar.value("schemaname", std::string("public")) + "." + rangeVar.value("relname", "");
}

std::string displayName(const std::string& key) {
  return key.starts_with("public.") ? key.substr(7) : key;
}

// Functions whose value differs per row, so a default calling them cannot be stored once in
// the catalog (PostgreSQL 11+) and ADD COLUMN must rewrite the table.
bool isVolatileFunction(const std::string& name) {
  static const std::set<std::string> kVolatile = {
      "random",           "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
      "uuid_generate_v4", "clock_timestamp", "timeofday",        "nextval",
      "txid_current",     "setseed",         "random_normal"};
  return kVolatile.count(name) > 0;
}

// Finds a volatile function call anywhere in an expression tree.
bool callsVolatileFunction(const json& node, std::string* name) {
  if (node.is_object()) {
    auto call = node.find("FuncCall");
    if (call != node.end()) {
      const json& names = (*call)["funcname"];
      if (!names.empty()) {
        std::string last = sql::stringOf(names.back());
        if (isVolatileFunction(last)) {
          *name = last;
          return true;
        }
      }
    }
    for (const auto& item : node.items()) {
      if (callsVolatileFunction(item.value(), name)) return true;
    }
  } else if (node.is_array()) {
    for (const json& item : node) {
      if (callsVolatileFunction(item, name)) return true;
    }
  }
  return false;
}

// Type changes PostgreSQL does without rewriting the table (binary-coercible widenings).
bool changesWithoutRewrite(const std::string& from, const std::string& to) {
  if (from == to) return true;
  auto base = [](const std::string& type) { return type.substr(0, type.find('(')); };
  bool fromText = base(from) == "character varying" || from == "text";
  if (fromText && (to == "text" || to == "character varying")) return true;
  if (fromText && base(to) == "character varying" && base(from) == "character varying") {
    return schema::isWideningTypeChange(from, to);
  }
  if (base(from) == "numeric" && base(to) == "numeric") {
    return to == "numeric" || (schema::isWideningTypeChange(from, to) &&
                               from.substr(from.find(',') + 1) == to.substr(to.find(',') + 1));
  }
  return false;
}

bool isNotNullCheck(const json& expression, std::string* column) {
  auto test = expression.find("NullTest");
  if (test == expression.end() || test->value("nulltesttype", "") != "IS_NOT_NULL") return false;
  const json& argument = (*test)["arg"];
  if (!argument.contains("ColumnRef")) return false;
  const json& fields = argument["ColumnRef"]["fields"];
  if (fields.empty() || !fields.back().contains("String")) return false;
  *column = sql::stringOf(fields.back());
  return true;
}

std::vector<std::string> constraintTypes(const json& columnDef) {
  std::vector<std::string> types;
  for (const json& constraint : columnDef.value("constraints", json::array())) {
    types.push_back(constraint["Constraint"].value("contype", ""));
  }
  return types;
}

bool has(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// "a.b" or "b" (in public) from a name list such as a DROP's object or a type name.
std::string qualifiedKey(const std::vector<std::string>& parts) {
  if (parts.empty()) return "";
  if (parts.size() == 1) return "public." + parts[0];
  return parts[parts.size() - 2] + "." + parts.back();
}

bool hasDefElem(const json& list, const std::string& name) {
  for (const json& item : list) {
    if (item.contains("DefElem") && item["DefElem"].value("defname", "") == name) return true;
  }
  return false;
}

// ALTER TABLE subcommands that take no lock stronger than SHARE UPDATE EXCLUSIVE, so the
// application's reads and writes go on while the rest of the step runs.
bool isWeakAlterTable(const std::string& subtype) {
  static const std::set<std::string> kWeak = {
      "AT_ValidateConstraint", "AT_SetStatistics", "AT_ClusterOn",      "AT_DropCluster",
      "AT_SetOptions",         "AT_ResetOptions",  "AT_AttachPartition"};
  return kWeak.count(subtype) > 0;
}

// LOCK TABLE modes from SHARE (5) up block the application's writes; ACCESS EXCLUSIVE (8)
// its reads too.
const char* lockModeName(int mode) {
  static const char* const kNames[] = {
      "",      "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
      "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
  return mode >= 1 && mode <= 8 ? kNames[mode] : "ACCESS EXCLUSIVE";
}

// Lints the statements of one section, in order, updating the catalog as tables appear.
class SectionLinter {
 public:
  SectionLinter(const std::string& file, const std::string& section, bool transactional,
                LintCatalog& catalog)
      : file_(file), section_(section), transactional_(transactional), catalog_(catalog) {}

  std::vector<Finding> run(const SqlSection& sql) {
    text_ = sql.sql;
    firstLine_ = sql.firstLine;
    // One statement's tree at a time: a section of a million statements is linted in memory
    // proportional to its text.
    std::optional<sql::SyntaxError> error =
        sql::visitParsedStatements(sql.sql, sql.firstLine, [&](const ParsedStatement& statement) {
          size_t before = findings_.size();
          lintStatement(statement);
          for (size_t i = before; i < findings_.size(); ++i)
            statementOf_.push_back({statement.leadingFrom, statement.lastLine});
        });
    if (error) {
      // A section that does not parse gets that one finding, as if nothing before it was read.
      findings_.clear();
      statementOf_.clear();
      report("syntax-error", error->line, error->message);
      return std::move(findings_);
    }
    applyAcknowledgements(findAcknowledgements(sql.sql, sql.firstLine));
    return std::move(findings_);
  }

 private:
  void report(const std::string& ruleId, int line, const std::string& message) {
    const Rule& definition = rule(ruleId);
    Finding finding;
    finding.ruleId = ruleId;
    finding.severity = definition.severity;
    finding.category = definition.category;
    finding.message = message;
    finding.file = file_;
    finding.line = line;
    finding.section = section_;
    findings_.push_back(std::move(finding));
  }

  bool existing(const std::string& key) const { return createdHere_.count(key) == 0; }

  void concurrently(int line, const std::string& what) {
    if (transactional_) {
      report("concurrently-in-transaction", line,
             what + " CONCURRENTLY cannot run inside a transaction; set `transactional: false`");
    }
  }

  void notInTransaction(int line, const std::string& what) {
    if (transactional_) {
      report("not-in-transaction", line,
             what +
                 " cannot run inside a transaction block; put it in a script of its own "
                 "marked `transactional: false`");
    }
  }

  // In a transactional step a lock that blocks the application's writes is held until the
  // step commits; remembers the first statement that took one on an existing table.
  void locked(const std::string& key, int line, const std::string& what) {
    if (transactional_ && existing(key)) lockedBy_.emplace(key, std::make_pair(line, what));
  }

  // `what` scans or writes every row of `key`: a finding when the step already holds a lock
  // on it that blocks writes.
  void workWhileLocked(const std::string& key, int line, const std::string& what,
                       const std::string& instead) {
    auto lock = lockedBy_.find(key);
    if (lock == lockedBy_.end()) return;
    report("work-while-locked", line,
           what + " runs while this step still holds the lock " + lock->second.second +
               " took at line " + std::to_string(lock->second.first) + ", so writes to " +
               displayName(key) + " wait for all of it; " + instead);
  }

  void lintStatement(const ParsedStatement& statement) {
    statementFirst_ = statement.firstLine;
    statementLast_ = statement.lastLine;
    const json& node = statement.node;
    int line = statement.firstLine;
    const std::string& kind = statement.kind;
    if (kind == "CreateStmt") {
      std::string key = tableKey(node["relation"]);
      createdHere_.insert(key);
      identifier(node["relation"].value("relname", ""), line);
      auto& columns = catalog_.tables[key];
      columns.clear();
      for (const json& element : node.value("tableElts", json::array())) {
        if (element.contains("Constraint")) {
          identifier(element["Constraint"].value("conname", ""), line);
        }
        if (!element.contains("ColumnDef")) continue;
        const json& column = element["ColumnDef"];
        columns[column.value("colname", "")] = formatTypeName(column["typeName"]);
        identifier(column.value("colname", ""), line);
        for (const json& constraint : column.value("constraints", json::array())) {
          identifier(constraint["Constraint"].value("conname", ""), line);
        }
        preferBigint(key, column, line);
      }
    } else if (kind == "ViewStmt") {
      createdHere_.insert(tableKey(node["view"]));
      identifier(node["view"].value("relname", ""), line);
    } else if (kind == "CreateTableAsStmt") {
      createdHere_.insert(tableKey(node["into"]["rel"]));
    } else if (kind == "CreateSchemaStmt") {
      createdSchemas_.insert(node.value("schemaname", ""));
      identifier(node.value("schemaname", ""), line);
    } else if (kind == "CreateEnumStmt") {
      createdTypes_.insert(qualifiedKey(sql::stringsOf(node["typeName"])));
    } else if (kind == "CreateDomainStmt") {
      createdTypes_.insert(qualifiedKey(sql::stringsOf(node["domainname"])));
    } else if (kind == "DropStmt") {
      lintDrop(node, line);
    } else if (kind == "TruncateStmt") {
      bool cascade = node.value("behavior", "") == "DROP_CASCADE";
      for (const json& relation : node.value("relations", json::array())) {
        std::string key = tableKey(relation["RangeVar"]);
        report("truncate", line,
               "TRUNCATE " + displayName(key) + " deletes every row" +
                   (cascade ? ", and CASCADE empties every table that references it too" : ""));
        locked(key, line, "TRUNCATE");
      }
    } else if (kind == "IndexStmt") {
      std::string key = tableKey(node["relation"]);
      std::string index = node.value("idxname", "");
      if (!index.empty()) createdIndexes_.insert(key.substr(0, key.find('.') + 1) + index);
      identifier(index, line);
      if (node.value("concurrent", false)) {
        concurrently(line, "CREATE INDEX");
      } else if (existing(key)) {
        report("index-without-concurrently", line,
               "CREATE INDEX on existing table " + displayName(key) +
                   " blocks writes while it builds; use CREATE INDEX CONCURRENTLY in a "
                   "`transactional: false` script");
        locked(key, line, "CREATE INDEX");
      }
    } else if (kind == "ReindexStmt") {
      lintReindex(node, line);
    } else if (kind == "VacuumStmt") {
      lintVacuum(node, line);
    } else if (kind == "ClusterStmt") {
      if (!node.contains("relation")) {
        notInTransaction(line, "CLUSTER without a table");
        report("vacuum-full-or-cluster", line,
               "CLUSTER rewrites every clustered table of the database, each under an ACCESS "
               "EXCLUSIVE lock that blocks reads and writes; use pg_repack");
      } else if (std::string key = tableKey(node["relation"]); existing(key)) {
        report("vacuum-full-or-cluster", line,
               "CLUSTER " + displayName(key) +
                   " rewrites the table under an ACCESS EXCLUSIVE lock that blocks reads and "
                   "writes; use pg_repack (its --order-by) to reorder it online");
      }
    } else if (kind == "LockStmt") {
      lintLock(node, line);
    } else if (kind == "UpdateStmt" || kind == "DeleteStmt") {
      std::string key = tableKey(node["relation"]);
      workWhileLocked(
          key, line,
          kind == "UpdateStmt" ? "UPDATE " + displayName(key) : "DELETE FROM " + displayName(key),
          "backfill in a step of its own, in batches");
    } else if (kind == "VariableSetStmt") {
      lintSet(node, line);
    } else if (kind == "DropdbStmt") {
      notInTransaction(line, "DROP DATABASE");
      report("drop-database", line,
             "DROP DATABASE " + node.value("dbname", "") + " deletes the database and its data");
    } else if (kind == "CreatedbStmt") {
      notInTransaction(line, "CREATE DATABASE");
    } else if (kind == "CreateTableSpaceStmt" || kind == "DropTableSpaceStmt") {
      notInTransaction(line,
                       kind == "CreateTableSpaceStmt" ? "CREATE TABLESPACE" : "DROP TABLESPACE");
    } else if (kind == "AlterSystemStmt") {
      notInTransaction(line, "ALTER SYSTEM");
    } else if (kind == "TransactionStmt") {
      report("transaction-control", line,
             "transaction control in a script; Retort wraps each step in its own transaction "
             "(use `transactional: false` for statements that must run outside one)");
    } else if (kind == "AlterTableStmt" && node.value("objtype", "") == "OBJECT_TABLE") {
      lintAlterTable(node, line);
    } else if (kind == "AlterDomainStmt") {
      lintAlterDomain(node, line);
    } else if (kind == "AlterEnumStmt" && node.contains("oldVal")) {
      std::string type = qualifiedKey(sql::stringsOf(node["typeName"]));
      if (createdTypes_.count(type) == 0) {
        report("rename-enum-value", line,
               "RENAME VALUE '" + node.value("oldVal", "") + "' of " + displayName(type) +
                   " breaks the application's reads and writes of it; ADD VALUE '" +
                   node.value("newVal", "") +
                   "' next to it instead, have the application accept both and write the new "
                   "one, then UPDATE the rows that hold the old one");
      }
    } else if (kind == "RenameStmt") {
      lintRename(node, line);
    }
  }

  void lintReindex(const json& node, int line) {
    std::string target = node.value("kind", "");
    if (hasDefElem(node.value("params", json::array()), "concurrently")) {
      concurrently(line, "REINDEX");
      return;
    }
    if (target == "REINDEX_OBJECT_SCHEMA" || target == "REINDEX_OBJECT_DATABASE" ||
        target == "REINDEX_OBJECT_SYSTEM") {
      notInTransaction(line, target == "REINDEX_OBJECT_SCHEMA"     ? "REINDEX SCHEMA"
                             : target == "REINDEX_OBJECT_DATABASE" ? "REINDEX DATABASE"
                                                                   : "REINDEX SYSTEM");
      if (target == "REINDEX_OBJECT_SYSTEM") return;  // system catalogs: no CONCURRENTLY form
    }
    std::string what;
    if (target == "REINDEX_OBJECT_TABLE") {
      std::string key = tableKey(node["relation"]);
      if (!existing(key)) return;
      what = "REINDEX TABLE " + displayName(key);
    } else if (target == "REINDEX_OBJECT_INDEX") {
      std::string key = tableKey(node["relation"]);
      if (createdIndexes_.count(key) > 0) return;
      what = "REINDEX INDEX " + displayName(key);
    } else {
      what = target == "REINDEX_OBJECT_SCHEMA" ? "REINDEX SCHEMA" : "REINDEX DATABASE";
    }
    report("reindex-without-concurrently", line,
           what +
               " blocks writes to the table (and reads that use the index) while it rebuilds; "
               "use REINDEX ... CONCURRENTLY in a `transactional: false` script");
  }

  void lintVacuum(const json& node, int line) {
    if (!node.value("is_vacuumcmd", false)) return;  // ANALYZE runs anywhere
    notInTransaction(line, "VACUUM");
    if (!hasDefElem(node.value("options", json::array()), "full")) return;
    const json& relations = node.value("rels", json::array());
    if (relations.empty()) {
      report("vacuum-full-or-cluster", line,
             "VACUUM FULL rewrites every table of the database, each under an ACCESS EXCLUSIVE "
             "lock that blocks reads and writes; use plain VACUUM, or pg_repack to shrink a "
             "table online");
    }
    for (const json& relation : relations) {
      std::string key = tableKey(relation["VacuumRelation"]["relation"]);
      if (!existing(key)) continue;
      report("vacuum-full-or-cluster", line,
             "VACUUM FULL " + displayName(key) +
                 " rewrites the table under an ACCESS EXCLUSIVE lock that blocks reads and "
                 "writes; use plain VACUUM, or pg_repack to shrink it online");
    }
  }

  void lintLock(const json& node, int line) {
    int mode = node.value("mode", 8);
    if (mode < 5) return;  // below SHARE: the application's writes go on
    for (const json& relation : node.value("relations", json::array())) {
      std::string key = tableKey(relation["RangeVar"]);
      if (!existing(key)) continue;
      std::string blocks = mode == 8 ? "reads and writes" : "writes";
      report("lock-table", line,
             transactional_
                 ? "LOCK TABLE " + displayName(key) + " IN " + lockModeName(mode) +
                       " MODE blocks the application's " + blocks +
                       " until the step commits; let the statements that need a lock take it, "
                       "the runner's lock_timeout bounds their wait"
                 : "LOCK TABLE " + displayName(key) +
                       " outside a transaction block fails; drop it (each statement takes the "
                       "lock it needs)");
      locked(key, line, "LOCK TABLE");
    }
  }

  void lintSet(const json& node, int line) {
    std::string name = node.value("name", "");
    std::string kind = node.value("kind", "");
    if (kind != "VAR_RESET_ALL" && name != "lock_timeout" && name != "statement_timeout") return;
    std::string what = kind == "VAR_RESET_ALL"         ? std::string("RESET ALL")
                       : kind == "VAR_RESET"           ? "RESET " + name
                       : node.value("is_local", false) ? "SET LOCAL " + name
                                                       : "SET " + name;
    std::string scope = node.value("is_local", false)
                            ? "for the rest of this step"
                            : "for the rest of the run's session, later steps included";
    report("lock-timeout-override", line,
           what + " replaces the lock budget the runner set (`--lock-timeout`, " +
               "`--statement-timeout`, spec.policy.lockTimeout) " + scope +
               "; set the budget there instead");
  }

  void lintAlterDomain(const json& node, int line) {
    if (node.value("subtype", "") != "C") return;
    const json& constraint = node["def"]["Constraint"];
    std::string type = qualifiedKey(sql::stringsOf(node["typeName"]));
    if (constraint.value("contype", "") != "CONSTR_CHECK" ||
        constraint.value("skip_validation", false) || createdTypes_.count(type) > 0) {
      return;
    }
    report("constraint-missing-not-valid", line,
           "ALTER DOMAIN " + displayName(type) + " ADD CONSTRAINT " +
               constraint.value("conname", "CHECK") +
               " checks every column of that domain under lock; add it NOT VALID, then "
               "VALIDATE CONSTRAINT in a later step");
  }

  void lintRename(const json& node, int line) {
    std::string type = node.value("renameType", "");
    std::string newName = node.value("newname", "");
    identifier(newName, line);
    if (type == "OBJECT_SCHEMA") {
      std::string schema = node.value("subname", "");
      if (createdSchemas_.count(schema) == 0) {
        report("rename-schema", line,
               "ALTER SCHEMA " + schema + " RENAME TO " + newName +
                   " breaks every query of the running application that names " + schema +
                   "; create the new schema, move the objects and the application to it, and "
                   "drop the old one in a later release");
      }
      return;
    }
    if (!node.contains("relation")) return;
    std::string key = tableKey(node["relation"]);
    std::string table = displayName(key);
    if (type == "OBJECT_COLUMN") {
      std::string column = node.value("subname", "");
      if (existing(key)) {
        report("rename-column", line,
               "RENAME COLUMN " + table + "." + column + " TO " + newName +
                   " breaks the running application's queries of " + column +
                   "; add the new column, have the application write both and backfill it, "
                   "move reads to it, and drop the old column in a later release");
      }
      auto found = catalog_.tables.find(key);
      if (found != catalog_.tables.end() && found->second.count(column) > 0) {
        found->second[newName] = found->second[column];
        found->second.erase(column);
      }
    } else if (type == "OBJECT_TABLE" || type == "OBJECT_VIEW" || type == "OBJECT_MATVIEW" ||
               type == "OBJECT_FOREIGN_TABLE") {
      std::string renamed = key.substr(0, key.find('.') + 1) + newName;
      if (existing(key)) {
        report("rename-table", line,
               "RENAME " + table + " TO " + newName +
                   " breaks the running application's queries of " + table +
                   "; in the same step create a view under the old name (CREATE VIEW " + table +
                   " AS SELECT * FROM " + newName +
                   " is updatable), move the application, and drop the view in a later release");
      } else {
        createdHere_.insert(renamed);
      }
      auto found = catalog_.tables.find(key);
      if (found != catalog_.tables.end()) {
        catalog_.tables[renamed] = found->second;
        catalog_.tables.erase(key);
      }
      auto checks = catalog_.notNullChecks.find(key);
      if (checks != catalog_.notNullChecks.end()) {
        catalog_.notNullChecks[renamed] = checks->second;
        catalog_.notNullChecks.erase(key);
      }
    }
  }

  void lintDrop(const json& node, int line) {
    std::string type = node.value("removeType", "");
    if (node.value("concurrent", false)) concurrently(line, "DROP INDEX");
    for (const json& object : node.value("objects", json::array())) {
      std::string name;
      if (object.contains("List")) {
        for (const std::string& part : sql::stringsOf(object["List"]["items"])) {
          name += (name.empty() ? "" : ".") + part;
        }
      } else {
        name = sql::stringOf(object);
      }
      if (type == "OBJECT_TABLE") {
        std::string key = name.find('.') == std::string::npos ? "public." + name : name;
        // A table created earlier in the same step has no rows yet.
        if (existing(key)) {
          report("drop-table", line, "DROP TABLE " + name + " deletes the table and its rows");
        }
        catalog_.tables.erase(key);
      } else if (type == "OBJECT_SCHEMA") {
        report("drop-schema", line, "DROP SCHEMA " + name + " deletes what it holds");
      } else if (type == "OBJECT_INDEX" && !node.value("concurrent", false)) {
        std::string key = name.find('.') == std::string::npos ? "public." + name : name;
        if (createdIndexes_.count(key) == 0) {
          report("drop-index-without-concurrently", line,
                 "DROP INDEX " + name +
                     " takes an ACCESS EXCLUSIVE lock on its table, blocking reads and writes "
                     "while it waits for running queries; use DROP INDEX CONCURRENTLY in a "
                     "`transactional: false` script");
        }
      }
    }
  }

  void lintAlterTable(const json& node, int line) {
    std::string key = tableKey(node["relation"]);
    std::string table = displayName(key);
    auto& columns = catalog_.tables[key];
    bool strong = false;
    for (const json& item : node.value("cmds", json::array())) {
      const json& command = item["AlterTableCmd"];
      std::string subtype = command.value("subtype", "");
      std::string column = command.value("name", "");
      if (!isWeakAlterTable(subtype)) strong = true;
      if (subtype == "AT_ValidateConstraint") {
        auto checks = catalog_.notNullChecks.find(key);
        if (checks != catalog_.notNullChecks.end() && checks->second.count(column) > 0) {
          checks->second[column].validated = true;
        }
        workWhileLocked(key, line, "VALIDATE CONSTRAINT " + column,
                        "validate it in a later step, where it takes only a SHARE UPDATE "
                        "EXCLUSIVE lock and writes go on");
      } else if (subtype == "AT_DropColumn") {
        if (existing(key)) {
          report("drop-column", line,
                 "DROP COLUMN " + table + "." + column + " deletes the column's values");
        }
        columns.erase(column);
      } else if (subtype == "AT_AddColumn") {
        lintAddColumn(key, command["def"]["ColumnDef"], line);
      } else if (subtype == "AT_AlterColumnType") {
        lintAlterType(key, column, formatTypeName(command["def"]["ColumnDef"]["typeName"]), line);
      } else if (subtype == "AT_SetNotNull") {
        if (existing(key) && !hasValidatedNotNullCheck(key, column)) {
          report("set-not-null", line,
                 "SET NOT NULL on " + table + "." + column +
                     " scans the table under an ACCESS EXCLUSIVE lock; add CHECK (" + column +
                     " IS NOT NULL) NOT VALID and VALIDATE it first");
        }
      } else if (subtype == "AT_AddConstraint") {
        lintAddConstraint(key, command["def"]["Constraint"], line);
      } else if (subtype == "AT_DetachPartition") {
        if (command["def"]["PartitionCmd"].value("concurrent", false)) {
          concurrently(line, "DETACH PARTITION");
        } else if (existing(key)) {
          report("detach-partition-without-concurrently", line,
                 "DETACH PARTITION from " + table +
                     " takes an ACCESS EXCLUSIVE lock on it, blocking reads and writes; use "
                     "DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+) in a `transactional: "
                     "false` script");
        }
      }
    }
    if (strong) locked(key, line, "ALTER TABLE");
  }

  // PostgreSQL cuts a name longer than NAMEDATALEN - 1 bytes (with only a NOTICE).
  // PostgreSQL's scanner cuts a name longer than NAMEDATALEN - 1 = 63 bytes (at a character
  // boundary, with only a NOTICE), so the tree holds the cut name: one of 60 to 63 bytes is
  // looked up in the text, where a longer spelling goes on with more identifier characters.
  void identifier(const std::string& name, int line) {
    if (name.size() < 60 || name.size() > 63) return;
    if (!reportedNames_.insert(std::to_string(line) + " " + name).second) return;
    if (lineStarts_.empty()) {
      lineStarts_.push_back(0);
      for (size_t i = 0; i < text_.size(); ++i) {
        if (text_[i] == '\n') lineStarts_.push_back(i + 1);
      }
    }
    auto offsetOf = [&](int sectionLine) {
      size_t index = static_cast<size_t>(std::max(0, sectionLine - firstLine_));
      return index < lineStarts_.size() ? lineStarts_[index] : text_.size();
    };
    auto lower = [](std::string_view text) {
      std::string value(text);
      for (char& c : value) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      return value;
    };
    size_t from = offsetOf(statementFirst_);
    std::string statement = lower(text_.substr(from, offsetOf(statementLast_ + 1) - from));
    std::string needle = lower(name);
    for (size_t at = statement.find(needle); at != std::string::npos;
         at = statement.find(needle, at + 1)) {
      size_t after = at + needle.size();
      if (after >= statement.size()) break;
      auto next = static_cast<unsigned char>(statement[after]);
      if (std::isalnum(next) || next == '_' || next == '$' || next >= 0x80) {
        report("identifier-too-long", line,
               "an identifier longer than 63 bytes is cut to " + name +
                   " by PostgreSQL, so the database's name is not the script's; shorten it");
        return;
      }
    }
  }

  // A 16- or 32-bit column fed by a sequence (serial, identity) runs out of values, and the
  // widening that fixes it rewrites the table: the key is best made bigint from the start.
  void preferBigint(const std::string& key, const json& definition, int line) {
    const json& names = definition["typeName"]["names"];
    if (names.empty()) return;
    std::string raw = sql::stringOf(names.back());
    bool serial = raw == "serial" || raw == "serial4" || raw == "smallserial" || raw == "serial2";
    bool small = raw == "int4" || raw == "int2";
    if (!serial && !(small && has(constraintTypes(definition), "CONSTR_IDENTITY"))) return;
    report("prefer-bigint", line,
           displayName(key) + "." + definition.value("colname", "") + " " +
               (serial          ? raw
                : raw == "int4" ? "integer"
                                : "smallint") +
               " takes its values from a sequence and can run out; widening it later rewrites "
               "the table, so use bigint (bigint GENERATED ... AS IDENTITY)");
  }

  bool hasValidatedNotNullCheck(const std::string& key, const std::string& column) const {
    auto checks = catalog_.notNullChecks.find(key);
    if (checks == catalog_.notNullChecks.end()) return false;
    for (const auto& [name, check] : checks->second) {
      if (check.column == column && check.validated) return true;
    }
    return false;
  }

  void lintAddColumn(const std::string& key, const json& definition, int line) {
    std::string column = definition.value("colname", "");
    std::string type = formatTypeName(definition["typeName"]);
    catalog_.tables[key][column] = type;
    identifier(column, line);
    for (const json& constraint : definition.value("constraints", json::array())) {
      identifier(constraint["Constraint"].value("conname", ""), line);
    }
    preferBigint(key, definition, line);
    if (!existing(key)) return;
    std::string where = displayName(key) + "." + column;
    std::vector<std::string> kinds = constraintTypes(definition);
    std::string function;
    std::string rawType;
    const json& names = definition["typeName"]["names"];
    if (!names.empty()) rawType = sql::stringOf(names.back());
    if (rawType == "json") {
      report("add-json-column", line,
             "ADD COLUMN " + where +
                 " json: json has no equality operator, so the application's SELECT DISTINCT, "
                 "UNION and GROUP BY over " +
                 displayName(key) + "'s rows fail; use jsonb");
    }
    if (rawType.find("serial") != std::string::npos) {
      report("volatile-default", line,
             "ADD COLUMN " + where + " " + rawType +
                 " fills every row from a sequence, "
                 "rewriting the table under an ACCESS EXCLUSIVE lock");
    } else if (callsVolatileFunction(definition.value("constraints", json::array()), &function)) {
      report("volatile-default", line,
             "ADD COLUMN " + where + " with the volatile default " + function +
                 "() rewrites the table under an ACCESS EXCLUSIVE lock");
    } else if (has(kinds, "CONSTR_GENERATED") || has(kinds, "CONSTR_IDENTITY")) {
      report("volatile-default", line,
             "ADD COLUMN " + where +
                 " computes a value for every row, rewriting the table "
                 "under an ACCESS EXCLUSIVE lock");
    }
    if (has(kinds, "CONSTR_FOREIGN") || has(kinds, "CONSTR_CHECK")) {
      report("constraint-missing-not-valid", line,
             "ADD COLUMN " + where + " with an inline " +
                 (has(kinds, "CONSTR_FOREIGN") ? "REFERENCES" : "CHECK") +
                 " checks every row under lock; add the column alone, then ADD CONSTRAINT ... "
                 "NOT VALID and VALIDATE CONSTRAINT in a later step");
    }
    if (has(kinds, "CONSTR_UNIQUE") || has(kinds, "CONSTR_PRIMARY")) {
      report("unique-constraint-without-index", line,
             "ADD COLUMN " + where + " " +
                 (has(kinds, "CONSTR_PRIMARY") ? "PRIMARY KEY" : "UNIQUE") +
                 " builds its index under an ACCESS EXCLUSIVE lock; add the column alone, "
                 "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX");
    }
    if (has(kinds, "CONSTR_NOTNULL") && !has(kinds, "CONSTR_DEFAULT") &&
        !has(kinds, "CONSTR_IDENTITY") && !has(kinds, "CONSTR_GENERATED") &&
        rawType.find("serial") == std::string::npos) {
      report("add-required-column", line,
             "ADD COLUMN " + where + " NOT NULL without a default fails if " + displayName(key) +
                 " has rows");
    }
  }

  void lintAlterType(const std::string& key, const std::string& column, const std::string& type,
                     int line) {
    auto& columns = catalog_.tables[key];
    auto known = columns.find(column);
    std::string where = displayName(key) + "." + column;
    if (existing(key) && known != columns.end() &&
        !schema::isWideningTypeChange(known->second, type)) {
      report("narrowing-type", line,
             "ALTER COLUMN " + where + " TYPE " + type + " narrows " + known->second +
                 ": values that do not fit make it fail or are cut");
    } else if (existing(key) &&
               (known == columns.end() || !changesWithoutRewrite(known->second, type))) {
      report(
          "changing-column-type", line,
          "ALTER COLUMN " + where + " TYPE " + type +
              " rewrites the table under an ACCESS EXCLUSIVE lock" +
              (known == columns.end() ? " (and may narrow it: its current type is unknown)" : ""));
    }
    columns[column] = type;
  }

  void lintAddConstraint(const std::string& key, const json& constraint, int line) {
    std::string kind = constraint.value("contype", "");
    std::string name = constraint.value("conname", "");
    identifier(name, line);
    std::string label = name.empty() ? kind : name;
    std::string column;
    bool notValid = constraint.value("skip_validation", false);
    if (kind == "CONSTR_CHECK" && isNotNullCheck(constraint["raw_expr"], &column)) {
      catalog_.notNullChecks[key][name] = {column, !notValid};
    }
    // A foreign key takes SHARE ROW EXCLUSIVE on the referenced table too.
    if (kind == "CONSTR_FOREIGN") locked(tableKey(constraint["pktable"]), line, "ALTER TABLE");
    if (!existing(key)) return;
    if ((kind == "CONSTR_CHECK" || kind == "CONSTR_FOREIGN") &&
        !constraint.value("skip_validation", false)) {
      report("constraint-missing-not-valid", line,
             "ADD CONSTRAINT " + label + " on " + displayName(key) +
                 " checks every row under lock; add it NOT VALID, then VALIDATE CONSTRAINT in a "
                 "later statement");
    } else if ((kind == "CONSTR_UNIQUE" || kind == "CONSTR_PRIMARY") &&
               !constraint.contains("indexname")) {
      report("unique-constraint-without-index", line,
             "ADD CONSTRAINT " + label + " on " + displayName(key) +
                 " builds its index under lock; CREATE UNIQUE INDEX CONCURRENTLY first and "
                 "add the constraint USING INDEX" +
                 (kind == "CONSTR_PRIMARY"
                      ? " (with its columns already NOT NULL, or it scans for nulls under the "
                        "lock)"
                      : ""));
    } else if (kind == "CONSTR_EXCLUSION") {
      report("exclusion-constraint", line,
             "ADD CONSTRAINT " + label + " EXCLUDE on " + displayName(key) +
                 " builds its index and checks every row under an ACCESS EXCLUSIVE lock, and "
                 "cannot be added NOT VALID; add it when the table is created, or acknowledge "
                 "it for a table small enough to block briefly");
    }
  }

  void applyAcknowledgements(const std::vector<Acknowledgement>& acks) {
    for (const Acknowledgement& ack : acks) {
      if (ack.reason.empty() || !isKnownRule(ack.ruleId)) {
        Finding finding;
        finding.ruleId = "ack-without-reason";
        finding.severity = Severity::Warning;
        finding.category = Category::Script;
        finding.message = ack.reason.empty()
                              ? "retort:ack " + ack.ruleId + " has no reason and is ignored"
                              : "retort:ack names unknown rule '" + ack.ruleId + "'";
        finding.file = file_;
        finding.line = ack.line;
        finding.section = section_;
        findings_.push_back(std::move(finding));
      }
    }
    for (size_t i = 0; i < statementOf_.size(); ++i) {
      Finding& finding = findings_[i];
      const StatementLines& statement = statementOf_[i];
      for (const Acknowledgement& ack : acks) {
        if (ack.reason.empty() || ack.ruleId != finding.ruleId) continue;
        bool covers =
            ack.wholeFile || (ack.line >= statement.leadingFrom && ack.line <= statement.lastLine);
        if (covers) {
          finding.acknowledged = true;
          finding.acknowledgement = ack.reason;
          break;
        }
      }
    }
  }

  std::string file_;
  std::string section_;
  bool transactional_;
  LintCatalog& catalog_;
  std::set<std::string> createdHere_;
  std::string_view text_;
  int firstLine_ = 1;
  int statementFirst_ = 0;  // lines of the statement being linted
  int statementLast_ = 0;
  std::vector<size_t> lineStarts_;        // offsets of the text's lines, made when first needed
  std::set<std::string> reportedNames_;   // "line name" of identifier-too-long findings
  std::set<std::string> createdIndexes_;  // "schema.index" created in this section
  std::set<std::string> createdSchemas_;
  std::set<std::string> createdTypes_;  // enums and domains, "schema.name"
  // Existing tables this transactional section holds a write-blocking lock on: the line and
  // statement that took it (it is held until the step commits).
  std::map<std::string, std::pair<int, std::string>> lockedBy_;
  std::vector<Finding> findings_;
  // Per statement finding, the lines its statement covers (with the comments before it).
  struct StatementLines {
    int leadingFrom;
    int lastLine;
  };
  std::vector<StatementLines> statementOf_;
};

bool hasStatements(const SqlSection& section) {
  bool any = false;
  std::optional<sql::SyntaxError> error = sql::forEachStatement(
      section.sql, section.firstLine, [&](const sql::StatementSpan&) { any = true; });
  return error || any;
}

}  // namespace

std::vector<Finding> lintSql(const std::string& file, const SqlSection& sql,
                             const std::string& section, bool transactional, LintCatalog& catalog) {
  return SectionLinter(file, section, transactional, catalog).run(sql);
}

std::vector<Finding> lintScript(const Script& script, LintCatalog& catalog,
                                const LintOptions& options) {
  std::string file = script.path.string();
  std::vector<Finding> findings =
      lintSql(file, script.upgrade, "upgrade", script.transactional, catalog);
  if (!script.downgrade || !hasStatements(*script.downgrade)) {
    Finding finding;
    finding.ruleId = "missing-downgrade";
    finding.severity = Severity::Warning;
    finding.category = Category::Script;
    finding.message = "revision " + script.revision + " has no downgrade; it cannot be rolled back";
    finding.file = file;
    finding.line = 1;
    finding.section = "downgrade";
    // The finding is about the file, so an ack anywhere in it counts.
    for (const Acknowledgement& ack : findAcknowledgements(script.content, 1)) {
      if (ack.ruleId == finding.ruleId && !ack.reason.empty()) {
        finding.acknowledged = true;
        finding.acknowledgement = ack.reason;
      }
    }
    findings.push_back(std::move(finding));
  } else if (options.downgrade) {
    LintCatalog scratch =
        catalog;  // a downgrade's effects are not the next script's starting point
    std::vector<Finding> down =
        lintSql(file, *script.downgrade, "downgrade", script.transactional, scratch);
    findings.insert(findings.end(), down.begin(), down.end());
  }
  return findings;
}

std::vector<Finding> lintScripts(const RevisionGraph& graph, const LintOptions& options) {
  std::vector<char> all(graph.size(), 1);
  RevisionSet order = graph.newestFirst(all);
  std::reverse(order.begin(), order.end());
  LintCatalog catalog;
  std::vector<Finding> findings;
  for (RevisionIndex index : order) {
    std::vector<Finding> found = lintScript(graph.script(index), catalog, options);
    findings.insert(findings.end(), found.begin(), found.end());
  }
  return findings;
}

}  // namespace retort::engine::lint
