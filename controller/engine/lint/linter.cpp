#include "engine/lint/linter.hpp"

#include <algorithm>

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

// Lints the statements of one section, in order, updating the catalog as tables appear.
class SectionLinter {
 public:
  SectionLinter(const std::string& file, const std::string& section, bool transactional,
                LintCatalog& catalog)
      : file_(file), section_(section), transactional_(transactional), catalog_(catalog) {}

  std::vector<Finding> run(const SqlSection& sql) {
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

  void lintStatement(const ParsedStatement& statement) {
    const json& node = statement.node;
    int line = statement.firstLine;
    if (statement.kind == "CreateStmt") {
      std::string key = tableKey(node["relation"]);
      createdHere_.insert(key);
      auto& columns = catalog_.tables[key];
      columns.clear();
      for (const json& element : node.value("tableElts", json::array())) {
        if (!element.contains("ColumnDef")) continue;
        const json& column = element["ColumnDef"];
        columns[column.value("colname", "")] = formatTypeName(column["typeName"]);
      }
    } else if (statement.kind == "DropStmt") {
      lintDrop(node, line);
    } else if (statement.kind == "TruncateStmt") {
      for (const json& relation : node.value("relations", json::array())) {
        report("truncate", line,
               "TRUNCATE " + displayName(tableKey(relation["RangeVar"])) + " deletes every row");
      }
    } else if (statement.kind == "IndexStmt") {
      std::string key = tableKey(node["relation"]);
      if (node.value("concurrent", false)) {
        concurrently(line, "CREATE INDEX");
      } else if (existing(key)) {
        report("index-without-concurrently", line,
               "CREATE INDEX on existing table " + displayName(key) +
                   " blocks writes while it builds; use CREATE INDEX CONCURRENTLY in a "
                   "`transactional: false` script");
      }
    } else if (statement.kind == "ReindexStmt") {
      for (const json& parameter : node.value("params", json::array())) {
        if (parameter["DefElem"].value("defname", "") == "concurrently") {
          concurrently(line, "REINDEX");
        }
      }
    } else if (statement.kind == "TransactionStmt") {
      report("transaction-control", line,
             "transaction control in a script; Retort wraps each step in its own transaction "
             "(use `transactional: false` for statements that must run outside one)");
    } else if (statement.kind == "AlterTableStmt" && node.value("objtype", "") == "OBJECT_TABLE") {
      lintAlterTable(node, line);
    } else if (statement.kind == "RenameStmt" && node.value("renameType", "") == "OBJECT_TABLE") {
      std::string key = tableKey(node["relation"]);
      auto found = catalog_.tables.find(key);
      if (found != catalog_.tables.end()) {
        std::string renamed = key.substr(0, key.find('.') + 1) + node.value("newname", "");
        catalog_.tables[renamed] = found->second;
        catalog_.tables.erase(key);
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
      }
    }
  }

  void lintAlterTable(const json& node, int line) {
    std::string key = tableKey(node["relation"]);
    std::string table = displayName(key);
    auto& columns = catalog_.tables[key];
    for (const json& item : node.value("cmds", json::array())) {
      const json& command = item["AlterTableCmd"];
      std::string subtype = command.value("subtype", "");
      std::string column = command.value("name", "");
      if (subtype == "AT_DropColumn") {
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
        if (existing(key) && notNullChecks_.count(key + "." + column) == 0) {
          report("set-not-null", line,
                 "SET NOT NULL on " + table + "." + column +
                     " scans the table under an ACCESS EXCLUSIVE lock; add CHECK (" + column +
                     " IS NOT NULL) NOT VALID and VALIDATE it first");
        }
      } else if (subtype == "AT_AddConstraint") {
        lintAddConstraint(key, command["def"]["Constraint"], line);
      } else if (subtype == "AT_DetachPartition" &&
                 command["def"]["PartitionCmd"].value("concurrent", false)) {
        concurrently(line, "DETACH PARTITION");
      }
    }
  }

  void lintAddColumn(const std::string& key, const json& definition, int line) {
    std::string column = definition.value("colname", "");
    std::string type = formatTypeName(definition["typeName"]);
    catalog_.tables[key][column] = type;
    if (!existing(key)) return;
    std::string where = displayName(key) + "." + column;
    std::vector<std::string> kinds = constraintTypes(definition);
    std::string function;
    std::string rawType;
    const json& names = definition["typeName"]["names"];
    if (!names.empty()) rawType = sql::stringOf(names.back());
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
    std::string label = name.empty() ? kind : name;
    std::string column;
    if (kind == "CONSTR_CHECK" && isNotNullCheck(constraint["raw_expr"], &column)) {
      notNullChecks_.insert(key + "." + column);
    }
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
                 "add the constraint USING INDEX");
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
  std::set<std::string> notNullChecks_;  // "schema.table.column" with a CHECK (col IS NOT NULL)
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
