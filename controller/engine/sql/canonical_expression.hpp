// A canonical form of a parsed SQL expression, for deciding whether two texts mean the same
// thing without a server: the expression a developer wrote in schema.sql (`price > 0`,
// `status IN ('a', 'b')`) and the one PostgreSQL prints back from its catalog
// (`(price > (0)::numeric)`, `((status)::text = ANY ((ARRAY['a'::character varying, ...])))`).
// The canonical tree drops what the server adds while analysing: locations, casts of
// constants and array literals, casts to text types (implicit for varchar columns), the
// pg_catalog qualifier of functions; and it rewrites the shorthands the server expands:
// IN to = ANY (ARRAY[...]), BETWEEN to two comparisons, LIKE to its ~~ operator, nested AND/OR
// flattened. Constants keep their kind (number, string, boolean, null) and value, so a changed
// literal is still a difference. Anything else is kept as parsed, so an unknown construct
// makes two texts differ rather than falsely match.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace retort::engine::sql {

// `node` is a libpg_query JSON node ({"A_Expr": {...}}, ...); `sql` the text it was parsed
// from (constant values are read back from it, see parse_tree.hpp).
nlohmann::json canonicalExpression(const nlohmann::json& node, std::string_view sql);

}  // namespace retort::engine::sql
