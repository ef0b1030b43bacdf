#include "engine/schema/introspect.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

namespace retort::engine::schema {

namespace {

using Params = std::vector<std::optional<std::string>>;

// Shared prefix of every catalog query: the schemas and tables in scope. $1 is a JSON array of
// schema names (NULL for all), $2 a JSON array of "schema.table" keys to leave out.
constexpr std::string_view kScope = R"SQL(
WITH nsp AS (
  SELECT n.oid, n.nspname FROM pg_catalog.pg_namespace n
  WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
    AND ($1::json IS NULL OR n.nspname IN (SELECT json_array_elements_text($1::json)))
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_namespace'::regclass
                    AND d.objid = n.oid AND d.deptype = 'e')
), rel AS (
  SELECT c.oid, nsp.nspname, c.relname FROM pg_catalog.pg_class c JOIN nsp ON nsp.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_class'::regclass
                    AND d.objid = c.oid AND d.deptype = 'e')
    AND (nsp.nspname || '.' || c.relname) NOT IN (SELECT json_array_elements_text($2::json))
)
)SQL";

constexpr std::string_view kSchemas = R"SQL(
SELECT nspname FROM nsp ORDER BY nspname COLLATE "C"
)SQL";

constexpr std::string_view kTables = R"SQL(
SELECT nspname, relname, pg_catalog.obj_description(oid, 'pg_class') FROM rel
)SQL";

constexpr std::string_view kColumns = R"SQL(
SELECT rel.nspname, rel.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.attnotnull,
       CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END,
       a.attidentity,
       CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END,
       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN
         (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
          FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
          WHERE co.oid = a.attcollation) END,
       pg_catalog.col_description(a.attrelid, a.attnum)
FROM rel JOIN pg_catalog.pg_attribute a ON a.attrelid = rel.oid
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
)SQL";

constexpr std::string_view kConstraints = R"SQL(
SELECT rel.nspname, rel.relname, co.conname, co.contype, pg_catalog.pg_get_constraintdef(co.oid),
       (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(co.conkey) WITH ORDINALITY k(attnum, ord)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum),
       (SELECT fn.nspname || '.' || fc.relname FROM pg_catalog.pg_class fc
        JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace WHERE fc.oid = co.confrelid),
       (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(co.confkey) WITH ORDINALITY k(attnum, ord)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.attnum)
FROM rel JOIN pg_catalog.pg_constraint co ON co.conrelid = rel.oid
WHERE co.contype IN ('p', 'u', 'c', 'f', 'x')
ORDER BY co.conname COLLATE "C"
)SQL";

constexpr std::string_view kIndexes = R"SQL(
SELECT rel.nspname, rel.relname, ic.relname, pg_catalog.pg_get_indexdef(i.indexrelid), i.indisunique,
       am.amname,
       (SELECT json_agg(pg_catalog.pg_get_indexdef(i.indexrelid, k, true) ORDER BY k)
        FROM generate_series(1, i.indnkeyatts) k),
       pg_catalog.pg_get_expr(i.indpred, i.indrelid)
FROM rel JOIN pg_catalog.pg_index i ON i.indrelid = rel.oid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.conindid = i.indexrelid
                  AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x'))
ORDER BY ic.relname COLLATE "C"
)SQL";

constexpr std::string_view kEnums = R"SQL(
SELECT nsp.nspname, t.typname, json_agg(e.enumlabel ORDER BY e.enumsortorder)
FROM nsp JOIN pg_catalog.pg_type t ON t.typnamespace = nsp.oid
JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_type'::regclass
                  AND d.objid = t.oid AND d.deptype = 'e')
GROUP BY nsp.nspname, t.typname
)SQL";

constexpr std::string_view kSequences = R"SQL(
SELECT nsp.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
       s.seqmin, s.seqmax, s.seqcache, s.seqcycle, oc.relname, oa.attname
FROM nsp JOIN pg_catalog.pg_class c ON c.relnamespace = nsp.oid
JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
LEFT JOIN pg_catalog.pg_depend od ON od.classid = 'pg_class'::regclass AND od.objid = c.oid
  AND od.refclassid = 'pg_class'::regclass AND od.deptype = 'a' AND od.refobjsubid > 0
LEFT JOIN pg_catalog.pg_class oc ON oc.oid = od.refobjid
LEFT JOIN pg_catalog.pg_attribute oa ON oa.attrelid = od.refobjid AND oa.attnum = od.refobjsubid
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype IN ('i', 'e'))
  AND (oc.oid IS NULL OR
       (nsp.nspname || '.' || oc.relname) NOT IN (SELECT json_array_elements_text($2::json)))
)SQL";

std::vector<std::string> stringList(const std::optional<std::string>& json) {
  if (!json) return {};
  return nlohmann::json::parse(*json).get<std::vector<std::string>>();
}

ConstraintKind constraintKind(const std::string& code) {
  if (code == "p") return ConstraintKind::PrimaryKey;
  if (code == "u") return ConstraintKind::Unique;
  if (code == "f") return ConstraintKind::ForeignKey;
  if (code == "x") return ConstraintKind::Exclusion;
  return ConstraintKind::Check;
}

// NOT VALID is a state of the data check, not of the declared shape; the lint rules encourage
// it, so a database that used it must still match a schema.sql that does not say it.
std::string withoutNotValid(std::string definition) {
  constexpr std::string_view suffix = " NOT VALID";
  if (definition.size() >= suffix.size() &&
      definition.compare(definition.size() - suffix.size(), suffix.size(), suffix) == 0) {
    definition.resize(definition.size() - suffix.size());
  }
  return definition;
}

class CatalogReader {
 public:
  CatalogReader(Connection& connection, const IntrospectOptions& options)
      : connection_(connection) {
    params_.push_back(options.schemas.empty()
                          ? std::nullopt
                          : std::optional<std::string>(nlohmann::json(options.schemas).dump()));
    params_.push_back(nlohmann::json(options.excludedTables).dump());
  }

  Result query(std::string_view body) {
    std::string sql(kScope);
    sql += body;
    return connection_.exec(sql, params_);
  }

 private:
  Connection& connection_;
  Params params_;
};

Model readModel(CatalogReader& reader) {
  Model model;
  Result schemas = reader.query(kSchemas);
  for (int row = 0; row < schemas.rows(); ++row) model.schemas.push_back(schemas.value(row, 0));

  Result tables = reader.query(kTables);
  for (int row = 0; row < tables.rows(); ++row) {
    Table table;
    table.schema = tables.value(row, 0);
    table.name = tables.value(row, 1);
    table.comment = tables.optionalValue(row, 2);
    model.tables.emplace(qualifiedKey(table.schema, table.name), std::move(table));
  }

  Result columns = reader.query(kColumns);
  for (int row = 0; row < columns.rows(); ++row) {
    Table& table = model.tables.at(qualifiedKey(columns.value(row, 0), columns.value(row, 1)));
    Column column;
    column.name = columns.value(row, 2);
    column.type = columns.value(row, 3);
    column.notNull = columns.value(row, 4) == "t";
    column.defaultExpression = columns.optionalValue(row, 5);
    std::string identity = columns.value(row, 6);
    column.identity = identity == "a" ? "ALWAYS" : identity == "d" ? "BY DEFAULT" : "";
    column.generatedExpression = columns.optionalValue(row, 7);
    column.collation = columns.optionalValue(row, 8);
    column.comment = columns.optionalValue(row, 9);
    table.columns.push_back(std::move(column));
  }

  Result constraints = reader.query(kConstraints);
  for (int row = 0; row < constraints.rows(); ++row) {
    Table& table =
        model.tables.at(qualifiedKey(constraints.value(row, 0), constraints.value(row, 1)));
    Constraint constraint;
    constraint.name = constraints.value(row, 2);
    constraint.kind = constraintKind(constraints.value(row, 3));
    constraint.definition = withoutNotValid(constraints.value(row, 4));
    constraint.columns = stringList(constraints.optionalValue(row, 5));
    constraint.referencedTable = constraints.optionalValue(row, 6).value_or("");
    constraint.referencedColumns = stringList(constraints.optionalValue(row, 7));
    table.constraints.push_back(std::move(constraint));
  }

  Result indexes = reader.query(kIndexes);
  for (int row = 0; row < indexes.rows(); ++row) {
    Table& table = model.tables.at(qualifiedKey(indexes.value(row, 0), indexes.value(row, 1)));
    Index index;
    index.name = indexes.value(row, 2);
    index.definition = indexes.value(row, 3);
    index.unique = indexes.value(row, 4) == "t";
    index.method = indexes.value(row, 5);
    index.keys = stringList(indexes.optionalValue(row, 6));
    index.predicate = indexes.optionalValue(row, 7);
    table.indexes.push_back(std::move(index));
  }

  Result enums = reader.query(kEnums);
  for (int row = 0; row < enums.rows(); ++row) {
    EnumType type{enums.value(row, 0), enums.value(row, 1), stringList(enums.value(row, 2))};
    model.enums.emplace(qualifiedKey(type.schema, type.name), std::move(type));
  }

  Result sequences = reader.query(kSequences);
  for (int row = 0; row < sequences.rows(); ++row) {
    Sequence sequence;
    sequence.schema = sequences.value(row, 0);
    sequence.name = sequences.value(row, 1);
    sequence.dataType = sequences.value(row, 2);
    sequence.start = std::stoll(sequences.value(row, 3));
    sequence.increment = std::stoll(sequences.value(row, 4));
    sequence.minValue = std::stoll(sequences.value(row, 5));
    sequence.maxValue = std::stoll(sequences.value(row, 6));
    sequence.cache = std::stoll(sequences.value(row, 7));
    sequence.cycle = sequences.value(row, 8) == "t";
    sequence.ownedByTable = sequences.optionalValue(row, 9).value_or("");
    sequence.ownedByColumn = sequences.optionalValue(row, 10).value_or("");
    model.sequences.emplace(qualifiedKey(sequence.schema, sequence.name), std::move(sequence));
  }
  return model;
}

}  // namespace

Model introspect(Connection& connection, const IntrospectOptions& options) {
  // One snapshot for all queries, and a search_path that is the same on every database so the
  // server's renderings (which qualify names outside the path) are comparable.
  bool ownTransaction = !connection.inTransaction();
  if (ownTransaction) connection.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  std::string previousPath = connection.exec("SHOW search_path").value(0, 0);
  try {
    connection.exec("SELECT pg_catalog.set_config('search_path', $1, true)",
                    {connection.quoteIdentifier(options.searchPath)});
    CatalogReader reader(connection, options);
    Model model = readModel(reader);
    if (ownTransaction) {
      connection.exec("COMMIT");
    } else {
      connection.exec("SELECT pg_catalog.set_config('search_path', $1, true)", {previousPath});
    }
    return model;
  } catch (...) {
    if (ownTransaction) connection.exec("ROLLBACK");
    throw;
  }
}

}  // namespace retort::engine::schema
