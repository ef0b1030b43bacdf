// Readers for libpg_query's JSON parse trees: the small, repeated steps of pulling names and
// constants out of nodes. Constants are read back from the SQL text where the JSON is lossy:
// libpg_query 15's JSON writer prints a negative or zero integer constant as `{}`, so `-1`,
// `0` and `1 - 1` would be indistinguishable without the source.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace retort::engine::sql {

// {"String": {"sval": "x"}} -> "x"; anything else -> "".
std::string stringOf(const nlohmann::json& node);

// The reverse: "x" -> {"String": {"sval": "x"}}, for trees built to compare with parsed ones.
nlohmann::json stringNode(const std::string& value);

// An array of String nodes (a qualified name, a column list) -> their values.
std::vector<std::string> stringsOf(const nlohmann::json& list);

// The decimal text of an A_Const holding an integer ({"ival": ...}), read from `sql` at the
// node's location; nullopt when the node is not an integer constant or the text is not there.
std::optional<std::string> integerLiteral(const nlohmann::json& aConst, std::string_view sql);

}  // namespace retort::engine::sql
