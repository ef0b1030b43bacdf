// Round-trip property test of introspection and diff on a real PostgreSQL: for many generated
// pairs of schemas A and B, a database built from A and migrated with diff(A, B) must
// introspect equal to B, and diff(B, A) must then bring it back to A. The schemas come from a
// seeded generator so a failure names the seed that reproduces it. Each file the parser-based
// reader (schema_sql_reader.hpp) accepts must also read as PostgreSQL reads it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/runtime/connection.hpp"
#include "engine/schema/comparable_model.hpp"
#include "engine/schema/desired_schema.hpp"
#include "engine/schema/diff.hpp"
#include "engine/schema/introspect.hpp"
#include "engine/schema/model_json.hpp"
#include "engine/schema/schema_sql_reader.hpp"
#include "postgres_server.hpp"

namespace retort::engine::schema {
namespace {

// A schema as the generator thinks of it, rendered to SQL independently of the diff's own
// DDL so the test does not grade the renderer with itself.
struct GenColumn {
  std::string name;
  std::string type;
  bool notNull = false;
  std::string defaultSql;   // empty: none
  bool mutableType = true;  // free to change type (not used by checks or keys)
  std::string comment;
  std::string generated;  // GENERATED ALWAYS AS (...) STORED expression
  std::string identity;   // ALWAYS / BY DEFAULT
};

// A column whose type never changes (keys, columns used by checks and indexes).
GenColumn fixedColumn(std::string name, std::string type, bool notNull, std::string defaultSql,
                      std::string generated = "") {
  GenColumn column;
  column.name = std::move(name);
  column.type = std::move(type);
  column.notNull = notNull;
  column.defaultSql = std::move(defaultSql);
  column.mutableType = false;
  column.generated = std::move(generated);
  return column;
}

struct GenForeignKey {
  std::string name, column, target, action;
};

struct GenTable {
  std::string schema = "public";
  std::string name;
  std::vector<GenColumn> columns;
  std::vector<GenForeignKey> foreignKeys;
  std::map<std::string, std::string> checks;   // name -> expression
  std::map<std::string, std::string> uniques;  // name -> column list
  std::map<std::string, std::string> indexes;  // name -> "[UNIQUE ]INDEX body after ON table"
  std::string comment;
  std::string qualified() const { return schema == "public" ? name : schema + "." + name; }
};

struct GenSchema {
  std::map<std::string, std::vector<std::string>> enums;
  std::map<std::string, int> sequences;  // name -> increment
  std::vector<GenTable> tables;
  bool extraSchema = false;
};

class Generator {
 public:
  explicit Generator(unsigned seed) : random_(seed) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }
  bool chance(int percent) { return pick(100) < percent; }
  template <class T>
  const T& choose(const std::vector<T>& values) {
    return values[pick(static_cast<int>(values.size()))];
  }
  std::string fresh(const std::string& prefix) { return prefix + std::to_string(++counter_); }

  std::string mutableType(const GenSchema& schema) {
    std::vector<std::string> types = {
        "integer",     "bigint",        "smallint",      "text",     "varchar(40)",
        "varchar(80)", "numeric(10,2)", "numeric(12,4)", "boolean",  "timestamptz",
        "date",        "jsonb",         "uuid",          "integer[]"};
    for (const auto& [name, labels] : schema.enums) types.push_back(name);
    return choose(types);
  }

  // A type the column can be converted to with a plain cast: anything to and from text, and
  // between numeric types. (A diff cannot invent a conversion PostgreSQL lacks.)
  std::string castableType(const std::string& from, const GenSchema& schema) {
    auto isText = [](const std::string& type) {
      return type == "text" || type.starts_with("varchar");
    };
    auto isNumber = [](const std::string& type) {
      return type == "integer" || type == "bigint" || type == "smallint" ||
             type.starts_with("numeric");
    };
    for (;;) {
      std::string to = mutableType(schema);
      if (isText(from) || isText(to) || (isNumber(from) && isNumber(to))) return to;
    }
  }

  std::string defaultFor(const std::string& type, const GenSchema& schema) {
    if (!chance(40)) return "";
    if (type == "integer" || type == "bigint" || type == "smallint") return std::to_string(pick(9));
    if (type == "text" || type.starts_with("varchar")) return "'x" + std::to_string(pick(9)) + "'";
    if (type.starts_with("numeric")) return "1.5";
    if (type == "boolean") return chance(50) ? "true" : "false";
    if (type == "timestamptz") return "now()";
    if (type == "date") return "CURRENT_DATE";
    if (type == "jsonb") return "'{}'::jsonb";
    if (type == "uuid") return "";
    if (type == "integer[]") return "'{}'";
    auto found = schema.enums.find(type);
    if (found != schema.enums.end() && !found->second.empty()) return "'" + found->second[0] + "'";
    return "";
  }

  GenColumn column(const GenSchema& schema) {
    GenColumn column;
    column.name = fresh("c");
    column.type = mutableType(schema);
    column.notNull = chance(30);
    column.defaultSql = defaultFor(column.type, schema);
    if (chance(15)) column.comment = "note " + std::to_string(pick(5));
    return column;
  }

  GenTable table(GenSchema& schema) {
    GenTable table;
    table.name = fresh("t");
    if (schema.extraSchema && chance(25)) table.schema = "extra";
    GenColumn id = fixedColumn("id", "bigint", true, "");
    if (chance(50)) id.identity = chance(50) ? "ALWAYS" : "BY DEFAULT";
    table.columns.push_back(id);
    GenColumn quantity = fixedColumn("qty", "integer", true, "0");
    table.columns.push_back(quantity);
    GenColumn label = fixedColumn("label", "text", false, "");
    table.columns.push_back(label);
    int extra = 1 + pick(4);
    for (int i = 0; i < extra; ++i) table.columns.push_back(column(schema));
    if (chance(40)) table.checks[fresh("ck")] = "qty >= " + std::to_string(pick(3));
    if (chance(30)) table.uniques[fresh("uq")] = "label";
    if (chance(40)) table.indexes[fresh("ix")] = "INDEX %N ON %T (qty)";
    if (chance(30)) table.indexes[fresh("ix")] = "INDEX %N ON %T (lower(label))";
    if (chance(25)) table.indexes[fresh("ix")] = "UNIQUE INDEX %N ON %T (label) WHERE qty > 0";
    if (chance(20)) table.indexes[fresh("ix")] = "INDEX %N ON %T USING hash (label)";
    if (chance(25))
      table.columns.push_back(fixedColumn(fresh("g"), "integer", false, "", "qty * 2"));
    if (chance(30)) table.comment = "table " + table.name;
    if (!schema.tables.empty() && chance(60)) addForeignKey(table, schema);
    return table;
  }

  void addForeignKey(GenTable& table, const GenSchema& schema) {
    const GenTable& target = choose(schema.tables);
    std::string column = fresh("ref");
    table.columns.push_back(fixedColumn(column, "bigint", chance(30), ""));
    std::vector<std::string> actions = {"", "ON DELETE CASCADE", "ON DELETE SET NULL",
                                        "ON UPDATE CASCADE", "ON DELETE RESTRICT"};
    table.foreignKeys.push_back({fresh("fk"), column, target.qualified(), choose(actions)});
  }

  GenSchema schema() {
    GenSchema schema;
    schema.extraSchema = chance(30);
    int enums = pick(3);
    for (int i = 0; i < enums; ++i) {
      std::vector<std::string> labels;
      int n = 1 + pick(4);
      for (int j = 0; j < n; ++j) labels.push_back(fresh("v"));
      schema.enums[fresh("e")] = labels;
    }
    if (chance(60)) schema.sequences[fresh("s")] = 1 + pick(3);
    int tables = 1 + pick(5);
    for (int i = 0; i < tables; ++i) schema.tables.push_back(table(schema));
    return schema;
  }

  // One random edit of `schema`; applying several gives B from A.
  void mutate(GenSchema& schema) {
    switch (pick(16)) {
      case 0:
        schema.tables.push_back(table(schema));
        break;
      case 1:
        if (schema.tables.size() > 1)
          dropTable(schema, pick(static_cast<int>(schema.tables.size())));
        break;
      case 2:
        if (!schema.tables.empty()) {
          GenTable& target = schema.tables[pick(static_cast<int>(schema.tables.size()))];
          target.columns.push_back(column(schema));
        }
        break;
      case 3:
        withMutableColumn(schema, [&](GenTable& table, size_t index) {
          table.columns.erase(table.columns.begin() + static_cast<long>(index));
        });
        break;
      case 4:
        withMutableColumn(schema, [&](GenTable& table, size_t index) {
          GenColumn& column = table.columns[index];
          column.type = castableType(column.type, schema);
          column.defaultSql = defaultFor(column.type, schema);
          (void)table;
        });
        break;
      case 5:
        withMutableColumn(schema, [&](GenTable& table, size_t index) {
          table.columns[index].notNull = !table.columns[index].notNull;
        });
        break;
      case 6:
        withMutableColumn(schema, [&](GenTable& table, size_t index) {
          GenColumn& column = table.columns[index];
          column.defaultSql = defaultFor(column.type, schema);
        });
        break;
      case 7:
        withTable(schema, [&](GenTable& table) {
          if (!table.indexes.empty() && chance(50)) {
            table.indexes.erase(table.indexes.begin());
          } else {
            table.indexes[fresh("ix")] = chance(50)
                                             ? "INDEX %N ON %T (qty, label)"
                                             : "INDEX %N ON %T (qty DESC) WHERE label IS NOT NULL";
          }
        });
        break;
      case 8:
        withTable(schema, [&](GenTable& table) {
          if (!table.checks.empty()) {
            table.checks.begin()->second = "qty >= " + std::to_string(5 + pick(3));
          } else {
            table.checks[fresh("ck")] = "qty < 1000";
          }
          if (chance(50)) {
            if (table.uniques.empty())
              table.uniques[fresh("uq")] = "qty, label";
            else
              table.uniques.clear();
          }
        });
        break;
      case 9:
        withTable(schema, [&](GenTable& table) {
          if (!table.foreignKeys.empty() && chance(50)) {
            GenForeignKey& key = table.foreignKeys.back();
            key.action = key.action.empty() ? "ON DELETE CASCADE" : "";
            if (chance(30)) table.foreignKeys.pop_back();
          } else {
            addForeignKey(table, schema);
          }
        });
        break;
      case 10: {
        if (schema.enums.empty() || chance(30)) {
          schema.enums[fresh("e")] = {fresh("v"), fresh("v")};
          break;
        }
        auto it = schema.enums.begin();
        std::advance(it, pick(static_cast<int>(schema.enums.size())));
        std::vector<std::string>& labels = it->second;
        if (chance(60) || labels.size() < 2) {
          labels.insert(labels.begin() + pick(static_cast<int>(labels.size()) + 1), fresh("v"));
        } else {
          labels.erase(labels.begin() + pick(static_cast<int>(labels.size())));
          fixEnumDefaults(schema, it->first);
        }
        break;
      }
      case 11:
        if (!schema.sequences.empty() && chance(50)) {
          if (chance(50))
            schema.sequences.erase(schema.sequences.begin());
          else
            schema.sequences.begin()->second += 1;
        } else {
          schema.sequences[fresh("s")] = 1;
        }
        break;
      case 12:
        withTable(schema, [&](GenTable& table) {
          table.comment = table.comment.empty() ? "now described" : chance(50) ? "" : "changed";
          if (table.columns.size() > 3) {
            GenColumn& column = table.columns[3];
            column.comment = column.comment.empty() ? "it's a column" : "";
          }
        });
        break;
      case 13:
        withTable(schema, [&](GenTable& table) {
          GenColumn& id = table.columns[0];
          id.identity = id.identity.empty()       ? "BY DEFAULT"
                        : id.identity == "ALWAYS" ? ""
                                                  : "ALWAYS";
        });
        break;
      case 14:
        withTable(schema, [&](GenTable& table) {
          auto generated = std::find_if(table.columns.begin(), table.columns.end(),
                                        [](const GenColumn& c) { return !c.generated.empty(); });
          if (generated == table.columns.end()) {
            table.columns.push_back(fixedColumn(fresh("g"), "integer", false, "", "qty + 1"));
          } else {
            generated->generated = generated->generated == "qty + 1" ? "qty * 3" : "qty + 1";
          }
        });
        break;
      case 15:
        withTable(schema, [&](GenTable& table) {
          table.columns.push_back(fixedColumn(fresh("serial"), "serial", false, ""));
        });
        break;
    }
  }

 private:
  template <class F>
  void withTable(GenSchema& schema, F edit) {
    if (schema.tables.empty()) return;
    edit(schema.tables[pick(static_cast<int>(schema.tables.size()))]);
  }

  template <class F>
  void withMutableColumn(GenSchema& schema, F edit) {
    if (schema.tables.empty()) return;
    GenTable& table = schema.tables[pick(static_cast<int>(schema.tables.size()))];
    std::vector<size_t> candidates;
    for (size_t i = 0; i < table.columns.size(); ++i) {
      if (table.columns[i].mutableType && table.columns[i].type != "serial")
        candidates.push_back(i);
    }
    if (candidates.empty()) return;
    edit(table, choose(candidates));
  }

  void dropTable(GenSchema& schema, int index) {
    std::string name = schema.tables[index].qualified();
    schema.tables.erase(schema.tables.begin() + index);
    for (GenTable& table : schema.tables) {
      std::erase_if(table.foreignKeys,
                    [&](const GenForeignKey& key) { return key.target == name; });
    }
  }

  void fixEnumDefaults(GenSchema& schema, const std::string& enumName) {
    const std::vector<std::string>& labels = schema.enums[enumName];
    for (GenTable& table : schema.tables) {
      for (GenColumn& column : table.columns) {
        if (column.type == enumName && !column.defaultSql.empty()) {
          column.defaultSql = labels.empty() ? "" : "'" + labels[0] + "'";
        }
      }
    }
  }

  std::mt19937 random_;
  int counter_ = 0;
};

std::string render(const GenSchema& schema) {
  std::string sql;
  if (schema.extraSchema) sql += "CREATE SCHEMA extra;\n";
  for (const auto& [name, labels] : schema.enums) {
    sql += "CREATE TYPE " + name + " AS ENUM (";
    for (size_t i = 0; i < labels.size(); ++i) sql += (i ? ", '" : "'") + labels[i] + "'";
    sql += ");\n";
  }
  for (const auto& [name, increment] : schema.sequences) {
    sql += "CREATE SEQUENCE " + name + " INCREMENT BY " + std::to_string(increment) + ";\n";
  }
  for (const GenTable& table : schema.tables) {
    sql += "CREATE TABLE " + table.qualified() + " (\n";
    for (const GenColumn& column : table.columns) {
      sql += "  " + column.name + " " + column.type;
      if (!column.generated.empty())
        sql += " GENERATED ALWAYS AS (" + column.generated + ") STORED";
      if (!column.identity.empty()) sql += " GENERATED " + column.identity + " AS IDENTITY";
      if (!column.defaultSql.empty()) sql += " DEFAULT " + column.defaultSql;
      if (column.notNull) sql += " NOT NULL";
      sql += ",\n";
    }
    for (const auto& [name, expression] : table.checks) {
      sql += "  CONSTRAINT " + name + " CHECK (" + expression + "),\n";
    }
    for (const auto& [name, columns] : table.uniques) {
      sql += "  CONSTRAINT " + name + " UNIQUE (" + columns + "),\n";
    }
    sql += "  PRIMARY KEY (id)\n);\n";
    if (!table.comment.empty()) {
      sql += "COMMENT ON TABLE " + table.qualified() + " IS '" + table.comment + "';\n";
    }
    for (const GenColumn& column : table.columns) {
      if (column.comment.empty()) continue;
      std::string text = column.comment;
      size_t quote = text.find('\'');
      if (quote != std::string::npos) text.insert(quote, "'");
      sql += "COMMENT ON COLUMN " + table.qualified() + "." + column.name + " IS '" + text + "';\n";
    }
    for (const auto& [name, body] : table.indexes) {
      std::string statement = "CREATE " + body;
      statement.replace(statement.find("%N"), 2, name);
      statement.replace(statement.find("%T"), 2, table.qualified());
      sql += statement + ";\n";
    }
  }
  for (const GenTable& table : schema.tables) {
    for (const GenForeignKey& key : table.foreignKeys) {
      sql += "ALTER TABLE " + table.qualified() + " ADD CONSTRAINT " + key.name + " FOREIGN KEY (" +
             key.column + ") REFERENCES " + key.target + " (id) " + key.action + ";\n";
    }
  }
  return sql;
}

// Runs each statement on its own (autocommit), as a migration with `transactional: false`
// would, so ALTER TYPE ... ADD VALUE may be followed by a use of the new value.
void applyStatements(Connection& connection, const SchemaDiff& difference) {
  for (const std::string& statement : difference.orderedStatements()) {
    try {
      connection.exec(statement);
    } catch (const DatabaseError& error) {
      FAIL() << "statement failed: " << statement << "\n"
             << error.what() << "\nscript:\n"
             << difference.sql();
    }
  }
}

std::string describe(const SchemaDiff& difference) {
  std::string text;
  for (const Change& change : difference.changes) {
    text += change.operation + " " + change.object + " " + change.detail + "\n";
  }
  return text;
}

TEST(SchemaRoundTrip, GeneratedSchemaPairsConvergeBothWays) {
  auto& server = test::PostgresServer::shared();
  // RETORT_ROUNDTRIP_PAIRS raises the count for a longer exploratory run.
  const char* pairsOverride = std::getenv("RETORT_ROUNDTRIP_PAIRS");
  const unsigned kPairs = pairsOverride ? static_cast<unsigned>(std::stoul(pairsOverride)) : 60;
  int nonEmptyDiffs = 0;
  int filesRead = 0;
  std::set<std::string> operationsSeen;
  for (unsigned seed = 1; seed <= kPairs; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Generator generator(seed);
    GenSchema first = generator.schema();
    GenSchema second = first;
    int edits = 1 + generator.pick(6);
    for (int i = 0; i < edits; ++i) generator.mutate(second);
    std::string sqlA = render(first);
    std::string sqlB = render(second);

    Model modelA = loadSchemaSql(server.uri(), sqlA, "A.sql");
    Model modelB = loadSchemaSql(server.uri(), sqlB, "B.sql");
    // The parser's reading of each file, where it reads one, must be PostgreSQL's.
    for (const auto& [sql, model] : {std::pair{&sqlA, &modelA}, std::pair{&sqlB, &modelB}}) {
      SchemaSqlReading reading = readSchemaSql(*sql);
      if (!reading.model) continue;  // CREATE SCHEMA extra
      ++filesRead;
      EXPECT_EQ(modelToJson(*reading.model).dump(1), modelToJson(*comparableModel(*model)).dump(1))
          << *sql;
    }

    Connection database(server.createDatabase("roundtrip"));
    database.exec("SET client_min_messages = warning");
    applySchemaSql(database, sqlA, "A.sql");
    ASSERT_EQ(introspect(database), modelA) << "introspection is not stable\n" << sqlA;

    SchemaDiff forward = diff(modelA, modelB);
    if (!forward.empty()) ++nonEmptyDiffs;
    for (const Change& change : forward.changes) operationsSeen.insert(change.operation);
    applyStatements(database, forward);
    if (HasFatalFailure()) return;
    Model afterForward = introspect(database);
    EXPECT_TRUE(diff(afterForward, modelB).empty()) << "A:\n"
                                                    << sqlA << "\nB:\n"
                                                    << sqlB << "\nforward:\n"
                                                    << forward.sql() << "\nremaining:\n"
                                                    << describe(diff(afterForward, modelB));
    ASSERT_EQ(afterForward, modelB);

    SchemaDiff backward = diff(modelB, modelA);
    for (const Change& change : backward.changes) operationsSeen.insert(change.operation);
    applyStatements(database, backward);
    if (HasFatalFailure()) return;
    Model afterBackward = introspect(database);
    EXPECT_TRUE(diff(afterBackward, modelA).empty()) << "A:\n"
                                                     << sqlA << "\nB:\n"
                                                     << sqlB << "\nbackward:\n"
                                                     << backward.sql() << "\nremaining:\n"
                                                     << describe(diff(afterBackward, modelA));
    ASSERT_EQ(afterBackward, modelA);
  }
  EXPECT_GT(nonEmptyDiffs, static_cast<int>(kPairs) * 3 / 4);
  EXPECT_GT(filesRead, static_cast<int>(kPairs) / 2) << "the reader declined most files";
  // The generated pairs must exercise every kind of change, or the property proves little.
  for (const char* operation :
       {"add_table",       "remove_table",    "add_column",        "remove_column",
        "modify_type",     "modify_nullable", "modify_default",    "add_index",
        "remove_index",    "add_constraint",  "remove_constraint", "modify_constraint",
        "add_fk",          "remove_fk",       "modify_fk",         "add_enum",
        "add_enum_value",  "modify_enum",     "add_sequence",      "remove_sequence",
        "modify_sequence", "modify_identity", "modify_generated",  "modify_table_comment",
        "modify_comment"}) {
    EXPECT_TRUE(operationsSeen.count(operation)) << "no generated pair produced " << operation;
  }
}

}  // namespace
}  // namespace retort::engine::schema
