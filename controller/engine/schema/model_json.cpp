#include "engine/schema/model_json.hpp"

namespace nlohmann {

// Absent values are JSON null.
template <>
struct adl_serializer<std::optional<std::string>> {
  static void to_json(json& target, const std::optional<std::string>& value) {
    target = value ? json(*value) : json(nullptr);
  }
  static void from_json(const json& source, std::optional<std::string>& value) {
    value = source.is_null() ? std::nullopt : std::optional<std::string>(source.get<std::string>());
  }
};

}  // namespace nlohmann

namespace retort::engine::schema {

NLOHMANN_JSON_SERIALIZE_ENUM(ConstraintKind, {{ConstraintKind::PrimaryKey, "primary_key"},
                                              {ConstraintKind::Unique, "unique"},
                                              {ConstraintKind::Check, "check"},
                                              {ConstraintKind::ForeignKey, "foreign_key"},
                                              {ConstraintKind::Exclusion, "exclusion"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Column, name, type, notNull, defaultExpression, identity,
                                   generatedExpression, collation, comment)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Constraint, name, kind, definition, columns, referencedTable,
                                   referencedColumns)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Index, name, definition, unique, method, keys, predicate)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Table, schema, name, columns, constraints, indexes, comment)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(EnumType, schema, name, labels)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Sequence, schema, name, dataType, start, increment, minValue,
                                   maxValue, cache, cycle, ownedByTable, ownedByColumn)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Model, schemas, enums, sequences, tables)

nlohmann::json modelToJson(const Model& model) {
  return model;
}

Model modelFromJson(const nlohmann::json& json) {
  return json.get<Model>();
}

}  // namespace retort::engine::schema
