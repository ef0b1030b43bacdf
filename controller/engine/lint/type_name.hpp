// Renders a parse tree's TypeName the way format_type() prints the type, so lint can compare
// declared and altered column types with the same rules the schema diff uses
// (engine/schema/type_change.hpp): pg_catalog.varchar with typmod 50 becomes
// "character varying(50)", int8 becomes "bigint", a trailing [] marks an array.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace retort::engine::lint {

std::string formatTypeName(const nlohmann::json& typeName);

}  // namespace retort::engine::lint
