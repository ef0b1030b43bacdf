// Renders a parse tree's TypeName the way PostgreSQL's format_type() prints the type, so text
// from a parser can be compared with text from the catalog: pg_catalog.varchar with typmod 50
// becomes "character varying(50)", int8 "bigint", timestamptz(3) "timestamp(3) with time
// zone", and any array "<element>[]" (format_type prints one pair of brackets whatever the
// dimensions).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace retort::engine::sql {

// The exact format_type() text of a built-in type, or nullopt when the name is not a built-in
// type this function knows or carries modifiers it cannot render (interval fields, a
// non-constant modifier). `sql` is the parsed text, for constants the JSON lost.
std::optional<std::string> formatBuiltinType(const nlohmann::json& typeName,
                                             std::string_view sql = {});

// The column type a serial pseudo-type name ("serial", "bigserial", ...) stands for, else
// nullopt. A serial column is that type plus an owned sequence and a nextval() default.
std::optional<std::string> serialColumnType(const std::string& name);

// formatBuiltinType() where it knows the type, else the name as written (without pg_catalog
// or public) and its modifiers, serials as their column type: good enough to compare two
// declarations of the same type.
std::string formatTypeName(const nlohmann::json& typeName, std::string_view sql = {});

}  // namespace retort::engine::sql
