#include "engine/schema/schema_sql_reader.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "engine/schema/comparable_model.hpp"
#include "engine/schema/generated_names.hpp"
#include "engine/sql/parse_tree.hpp"
#include "engine/sql/parsed_sql.hpp"
#include "engine/sql/type_name.hpp"

namespace retort::engine::schema {

namespace {

using nlohmann::json;

constexpr const char* kSchema = "public";

struct Declined {
  std::string reason;
};

[[noreturn]] void decline(const std::string& reason) {
  throw Declined{reason};
}

json stringList(const std::vector<std::string>& values) {
  json list = json::array();
  for (const std::string& value : values) list.push_back(sql::stringNode(value));
  return list;
}

// The names of the columns an expression refers to, each once.
void collectColumns(const json& node, std::vector<std::string>& columns) {
  if (node.is_array()) {
    for (const json& item : node) collectColumns(item, columns);
    return;
  }
  if (!node.is_object()) return;
  if (auto reference = node.find("ColumnRef"); reference != node.end()) {
    std::vector<std::string> fields = sql::stringsOf(reference->value("fields", json::array()));
    if (!fields.empty() && !fields.back().empty() &&
        std::find(columns.begin(), columns.end(), fields.back()) == columns.end()) {
      columns.push_back(fields.back());
    }
    return;
  }
  for (const auto& [key, value] : node.items()) collectColumns(value, columns);
}

// The model the statements build, plus what the server would know while running them: the
// relation and constraint names taken in the schema, and each table's primary key.
class Reader {
 public:
  explicit Reader(const std::string& sql) : sql_(sql) { model_.schemas = {kSchema}; }

  void read(const sql::ParsedStatement& statement) {
    const std::string& kind = statement.kind;
    const json& node = statement.node;
    if (kind == "CreateStmt") return createTable(node);
    if (kind == "IndexStmt") return createIndex(node);
    if (kind == "AlterTableStmt") return alterTable(node);
    if (kind == "CreateEnumStmt") return createEnum(node);
    if (kind == "AlterEnumStmt") return alterEnum(node);
    if (kind == "CreateSeqStmt") return createSequence(node);
    if (kind == "CommentStmt") return comment(node);
    // Objects the model does not describe, and that create no relation whose name could
    // change the names chosen for others.
    if (kind == "CreateFunctionStmt" || kind == "CreateTrigStmt" || kind == "GrantStmt" ||
        kind == "CreateExtensionStmt") {
      return;
    }
    decline(kind + " is not read");
  }

  Model take() {
    for (auto& [key, table] : model_.tables) {
      auto byName = [](const auto& a, const auto& b) { return a.name < b.name; };
      std::sort(table.constraints.begin(), table.constraints.end(), byName);
      std::sort(table.indexes.begin(), table.indexes.end(), byName);
    }
    return std::move(model_);
  }

 private:
  // Names must be unqualified, as for the scratch schema the server loads the file into
  // (desired_schema.hpp): a qualified name would land outside it.
  static std::string unqualifiedName(const std::vector<std::string>& names) {
    if (names.size() != 1) decline("schema-qualified names are not read");
    return names[0];
  }

  static std::string relationName(const json& rangeVar) {
    if (rangeVar.value("relpersistence", "p") != "p")
      decline("temporary or unlogged tables are not read");
    if (rangeVar.contains("schemaname")) decline("schema-qualified names are not read");
    return rangeVar.value("relname", "");
  }

  Table& existingTable(const json& rangeVar) {
    std::string name = relationName(rangeVar);
    auto table = model_.tables.find(qualifiedKey(kSchema, name));
    if (table == model_.tables.end()) decline("table " + name + " is not created before");
    return table->second;
  }

  void claimRelationName(const std::string& name) {
    if (!relations_.insert(name).second) decline("the name " + name + " is taken twice");
  }

  void claimConstraintName(Table& table, const std::string& name, bool generated) {
    bool takenInTable = std::any_of(table.constraints.begin(), table.constraints.end(),
                                    [&](const Constraint& c) { return c.name == name; });
    // A generated name that exists anywhere in the schema would be numbered by the server.
    if (takenInTable || (generated && constraintNames_.count(name))) {
      decline("the constraint name " + name + " is taken twice");
    }
    constraintNames_.insert(name);
  }

  static std::string generated(const std::string& table, const std::string& part,
                               const std::string& label) {
    std::optional<std::string> name = generatedName(table, part, label);
    if (!name) decline("a generated name would cut a multi-byte character");
    return *name;
  }

  std::string columnType(const json& typeName) const {
    if (std::optional<std::string> builtin = sql::formatBuiltinType(typeName, sql_)) {
      return *builtin;
    }
    std::vector<std::string> names = sql::stringsOf(typeName.value("names", json::array()));
    std::string name = unqualifiedName(names);
    if (!model_.enums.count(qualifiedKey(kSchema, name)) || typeName.contains("typmods")) {
      decline("the type " + name + " is not one the reader knows");
    }
    return quoteIdentifier(name) + (typeName.contains("arrayBounds") ? "[]" : "");
  }

  // --- CREATE TABLE ----------------------------------------------------------------------

  void createTable(const json& node) {
    std::string name = relationName(node.at("relation"));
    if (model_.tables.count(qualifiedKey(kSchema, name))) {
      if (node.value("if_not_exists", false)) return;
      decline("table " + name + " is created twice");
    }
    for (const char* unsupported : {"inhRelations", "partspec", "partbound", "ofTypename",
                                    "options", "tablespacename", "accessMethod"}) {
      if (node.contains(unsupported)) decline(std::string("CREATE TABLE with ") + unsupported);
    }
    claimRelationName(name);
    Table& table = model_.tables[qualifiedKey(kSchema, name)];
    table.schema = kSchema;
    table.name = name;

    // Constraints run after the columns exist, foreign keys last (the server adds them once
    // the table, and so a self-reference's primary key, is complete).
    std::vector<json> constraints;
    std::vector<json> foreignKeys;
    for (const json& element : node.value("tableElts", json::array())) {
      if (element.contains("ColumnDef")) {
        addColumn(table, element["ColumnDef"], constraints, foreignKeys);
      } else if (element.contains("Constraint")) {
        const json& constraint = element["Constraint"];
        bool foreign = constraint.value("contype", "") == "CONSTR_FOREIGN";
        (foreign ? foreignKeys : constraints).push_back(constraint);
      } else {
        decline("CREATE TABLE with " + element.begin().key());
      }
    }
    for (const json& constraint : constraints) addConstraint(table, constraint);
    for (const json& constraint : foreignKeys) addConstraint(table, constraint);
  }

  void addColumn(Table& table, const json& definition, std::vector<json>& constraints,
                 std::vector<json>& foreignKeys) {
    for (const char* unsupported : {"collClause", "fdwoptions", "compression"}) {
      if (definition.contains(unsupported)) decline(std::string("a column with ") + unsupported);
    }
    Column column;
    column.name = definition.value("colname", "");
    if (table.findColumn(column.name)) decline("column " + column.name + " is declared twice");
    const json& typeName = definition.at("typeName");
    std::vector<std::string> typeNames = sql::stringsOf(typeName.value("names", json::array()));
    std::optional<std::string> serialType =
        typeNames.size() == 1 && !typeName.contains("arrayBounds")
            ? sql::serialColumnType(typeNames[0])
            : std::nullopt;
    column.type = serialType ? *serialType : columnType(typeName);

    for (json constraint : definition.value("constraints", json::array())) {
      json& body = constraint.at("Constraint");
      std::string type = body.value("contype", "");
      if (type == "CONSTR_NULL") continue;
      if (type == "CONSTR_NOTNULL") {
        column.notNull = true;
      } else if (type == "CONSTR_DEFAULT") {
        std::string key = expressionKey(body.at("raw_expr"), sql_);
        // The server keeps no default at all for DEFAULT NULL.
        if (key != json{{"null", true}}.dump()) column.defaultExpression = key;
      } else if (type == "CONSTR_IDENTITY") {
        if (body.contains("options")) decline("identity sequence options");
        column.identity = body.value("generated_when", "") == "a" ? "ALWAYS" : "BY DEFAULT";
        column.notNull = true;
        claimRelationName(generated(table.name, column.name, "seq"));
      } else if (type == "CONSTR_GENERATED") {
        column.generatedExpression = expressionKey(body.at("raw_expr"), sql_);
      } else if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") {
        if (!body.contains("keys")) body["keys"] = stringList({column.name});
        constraints.push_back(body);
      } else if (type == "CONSTR_CHECK") {
        constraints.push_back(body);
      } else if (type == "CONSTR_FOREIGN") {
        if (!body.contains("fk_attrs")) body["fk_attrs"] = stringList({column.name});
        foreignKeys.push_back(body);
      } else {
        decline("a column constraint " + type);
      }
    }
    if (serialType) addSerialSequence(table, column, *serialType);
    table.columns.push_back(std::move(column));
  }

  // SERIAL: an integer column, NOT NULL, defaulting to the next value of a sequence it owns.
  void addSerialSequence(const Table& table, Column& column, const std::string& type) {
    std::string name = generated(table.name, column.name, "seq");
    claimRelationName(name);
    Sequence sequence;
    sequence.schema = kSchema;
    sequence.name = name;
    sequence.dataType = type;
    sequence.maxValue = maximumOf(type);
    sequence.ownedByTable = table.name;
    sequence.ownedByColumn = column.name;
    model_.sequences[qualifiedKey(kSchema, name)] = sequence;
    column.notNull = true;
    // Parsed like any other default, so its key is the one the catalog's text will give.
    std::string text = "SELECT nextval('" + quoteIdentifier(name) + "'::regclass)";
    sql::ParsedSql parsed = sql::parseSql(text, 1);
    if (parsed.error || parsed.statements.empty()) decline("a serial sequence named " + name);
    const json& target = parsed.statements.at(0).node.at("targetList").at(0);
    column.defaultExpression = expressionKey(target.at("ResTarget").at("val"), text);
  }

  static int64_t maximumOf(const std::string& type) {
    if (type == "smallint") return 32767;
    if (type == "integer") return 2147483647;
    return 9223372036854775807;
  }

  static int64_t minimumOf(const std::string& type) { return -maximumOf(type) - 1; }

  // A table-level constraint (column constraints arrive with their column filled in).
  void addConstraint(Table& table, json constraint) {
    std::string type = constraint.value("contype", "");
    std::string explicitName = constraint.value("conname", "");
    Constraint result;
    if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE") {
      std::vector<std::string> keys = sql::stringsOf(constraint.at("keys"));
      for (const std::string& key : keys) {
        if (!table.findColumn(key)) decline("key column " + key + " does not exist");
      }
      bool primary = type == "CONSTR_PRIMARY";
      if (primary) {
        if (primaryKeys_.count(table.name)) decline("two primary keys on " + table.name);
        primaryKeys_[table.name] = keys;
        for (Column& column : table.columns) {
          if (std::find(keys.begin(), keys.end(), column.name) != keys.end()) {
            column.notNull = true;
          }
        }
      }
      result.kind = primary ? ConstraintKind::PrimaryKey : ConstraintKind::Unique;
      result.name = !explicitName.empty() ? explicitName
                    : primary             ? generated(table.name, "", "pkey")
                                          : generated(table.name, columnsNamePart(keys), "key");
      claimRelationName(result.name);  // the index behind it
    } else if (type == "CONSTR_CHECK") {
      std::vector<std::string> columns;
      collectColumns(constraint.at("raw_expr"), columns);
      result.kind = ConstraintKind::Check;
      result.name = !explicitName.empty()
                        ? explicitName
                        : generated(table.name, columns.size() == 1 ? columns[0] : "", "check");
    } else if (type == "CONSTR_FOREIGN") {
      std::string target = relationName(constraint.at("pktable"));
      if (!model_.tables.count(qualifiedKey(kSchema, target))) {
        decline("foreign key to " + target + ", which is not created before");
      }
      if (!constraint.contains("pk_attrs")) {
        auto key = primaryKeys_.find(target);
        if (key == primaryKeys_.end()) decline("foreign key to " + target + " without a key");
        constraint["pk_attrs"] = stringList(key->second);
      }
      result.kind = ConstraintKind::ForeignKey;
      result.name =
          !explicitName.empty()
              ? explicitName
              : generated(table.name, columnsNamePart(sql::stringsOf(constraint.at("fk_attrs"))),
                          "fkey");
    } else {
      decline("a " + type + " constraint");
    }
    claimConstraintName(table, result.name, explicitName.empty());
    result.definition = constraintKey(constraint, sql_);
    table.constraints.push_back(std::move(result));
  }

  // --- other statements ------------------------------------------------------------------

  void createIndex(const json& node) {
    Table& table = existingTable(node.at("relation"));
    std::string name = node.value("idxname", "");
    if (name.empty()) {
      std::vector<std::string> columns;
      for (const json& element : node.at("indexParams")) {
        std::string column = element.at("IndexElem").value("name", "");
        if (column.empty()) decline("an unnamed index on an expression");
        if (std::find(columns.begin(), columns.end(), column) != columns.end()) {
          decline("an unnamed index naming a column twice");
        }
        columns.push_back(column);
      }
      name = generated(table.name, columnsNamePart(columns), "idx");
    }
    if (relations_.count(name) && node.value("if_not_exists", false)) return;
    claimRelationName(name);
    Index index;
    index.name = name;
    index.definition = indexKey(node, sql_);
    table.indexes.push_back(std::move(index));
  }

  void alterTable(const json& node) {
    if (node.value("objtype", "") != "OBJECT_TABLE")
      decline("ALTER of something else than a table");
    Table& table = existingTable(node.at("relation"));
    for (const json& command : node.value("cmds", json::array())) {
      const json& body = command.at("AlterTableCmd");
      if (body.value("subtype", "") != "AT_AddConstraint") {
        decline("ALTER TABLE " + body.value("subtype", std::string("?")));
      }
      addConstraint(table, body.at("def").at("Constraint"));
    }
  }

  void createEnum(const json& node) {
    std::string name = unqualifiedName(sql::stringsOf(node.at("typeName")));
    std::string key = qualifiedKey(kSchema, name);
    if (model_.enums.count(key)) decline("type " + name + " is created twice");
    model_.enums[key] = EnumType{kSchema, name, sql::stringsOf(node.value("vals", json::array()))};
  }

  void alterEnum(const json& node) {
    if (node.contains("oldVal")) decline("renaming an enum value");
    std::string name = unqualifiedName(sql::stringsOf(node.at("typeName")));
    auto type = model_.enums.find(qualifiedKey(kSchema, name));
    if (type == model_.enums.end()) decline("type " + name + " is not created before");
    std::vector<std::string>& labels = type->second.labels;
    std::string value = node.value("newVal", "");
    if (std::find(labels.begin(), labels.end(), value) != labels.end()) {
      if (node.value("skipIfNewValExists", false)) return;
      decline("enum value " + value + " is added twice");
    }
    std::string neighbour = node.value("newValNeighbor", "");
    if (neighbour.empty()) {
      labels.push_back(value);
      return;
    }
    auto at = std::find(labels.begin(), labels.end(), neighbour);
    if (at == labels.end()) decline("enum value " + neighbour + " does not exist");
    labels.insert(node.value("newValIsAfter", false) ? at + 1 : at, value);
  }

  static int64_t integerOption(const json& option) {
    const json& argument = option.at("arg");
    // The JSON prints zero and negative integers as {}; without a location to read the text
    // back from, such a value cannot be known.
    if (argument.contains("Integer") && argument["Integer"].contains("ival")) {
      return argument["Integer"]["ival"].get<int64_t>();
    }
    if (argument.contains("Float")) return std::stoll(argument["Float"].value("fval", "0"));
    decline("a zero or negative sequence option");
  }

  void createSequence(const json& node) {
    std::string name = relationName(node.at("sequence"));
    if (relations_.count(name) && node.value("if_not_exists", false)) return;
    claimRelationName(name);
    Sequence sequence;
    sequence.schema = kSchema;
    sequence.name = name;
    sequence.dataType = "bigint";
    std::optional<int64_t> start, minimum, maximum;
    for (const json& element : node.value("options", json::array())) {
      const json& option = element.at("DefElem");
      std::string optionName = option.value("defname", "");
      if (optionName == "as") {
        sequence.dataType = sql::formatTypeName(option.at("arg").at("TypeName"), sql_);
        if (sequence.dataType != "smallint" && sequence.dataType != "integer" &&
            sequence.dataType != "bigint") {
          decline("a sequence of type " + sequence.dataType);
        }
      } else if (optionName == "increment") {
        sequence.increment = integerOption(option);
      } else if (optionName == "start") {
        start = integerOption(option);
      } else if (optionName == "minvalue" || optionName == "maxvalue") {
        if (option.contains("arg")) {
          (optionName == "minvalue" ? minimum : maximum) = integerOption(option);
        }
      } else if (optionName == "cache") {
        sequence.cache = integerOption(option);
      } else if (optionName == "cycle") {
        sequence.cycle = option.at("arg").at("Boolean").value("boolval", false);
      } else if (optionName == "owned_by") {
        std::vector<std::string> owner = sql::stringsOf(option.at("arg").at("List").at("items"));
        if (owner.size() == 1 && owner[0] == "none") continue;
        if (owner.size() != 2) decline("OWNED BY outside the public schema");
        const Table& table = existingTable(json{{"relname", owner[0]}});
        if (!table.findColumn(owner[1])) decline("OWNED BY a column that does not exist");
        sequence.ownedByTable = owner[0];
        sequence.ownedByColumn = owner[1];
      } else {
        decline("the sequence option " + optionName);
      }
    }
    bool ascending = sequence.increment > 0;
    sequence.minValue = minimum.value_or(ascending ? 1 : minimumOf(sequence.dataType));
    sequence.maxValue = maximum.value_or(ascending ? maximumOf(sequence.dataType) : -1);
    sequence.start = start.value_or(ascending ? sequence.minValue : sequence.maxValue);
    model_.sequences[qualifiedKey(kSchema, name)] = sequence;
  }

  void comment(const json& node) {
    std::string type = node.value("objtype", "");
    if (type != "OBJECT_TABLE" && type != "OBJECT_COLUMN") return;  // not in the model
    std::vector<std::string> names = sql::stringsOf(node.at("object").at("List").at("items"));
    std::optional<std::string> text;
    if (std::string value = node.value("comment", ""); !value.empty()) text = value;
    if (type == "OBJECT_TABLE") {
      existingTable(json{{"relname", unqualifiedName(names)}}).comment = text;
      return;
    }
    if (names.size() < 2) decline("COMMENT ON COLUMN without a table");
    std::string column = names.back();
    names.pop_back();
    Table& table = existingTable(json{{"relname", unqualifiedName(names)}});
    auto match = std::find_if(table.columns.begin(), table.columns.end(),
                              [&](const Column& c) { return c.name == column; });
    if (match == table.columns.end()) decline("column " + column + " does not exist");
    match->comment = text;
  }

  const std::string& sql_;
  Model model_;
  std::set<std::string> relations_;        // tables, indexes, sequences in the schema
  std::set<std::string> constraintNames_;  // every constraint name in the schema
  std::map<std::string, std::vector<std::string>> primaryKeys_;  // table -> key columns
};

}  // namespace

SchemaSqlReading readSchemaSql(const std::string& sql) {
  sql::ParsedSql parsed = sql::parseSql(sql, 1);
  if (parsed.error) {
    return {std::nullopt,
            "line " + std::to_string(parsed.error->line) + ": " + parsed.error->message};
  }
  Reader reader(sql);
  for (const sql::ParsedStatement& statement : parsed.statements) {
    try {
      reader.read(statement);
    } catch (const Declined& declined) {
      return {std::nullopt, "line " + std::to_string(statement.firstLine) + ": " + declined.reason};
    } catch (const nlohmann::json::exception& error) {
      return {std::nullopt, "line " + std::to_string(statement.firstLine) +
                                ": unexpected parse tree (" + error.what() + ")"};
    }
  }
  return {reader.take(), ""};
}

}  // namespace retort::engine::schema
