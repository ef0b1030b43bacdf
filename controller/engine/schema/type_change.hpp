// Whether changing a column from one type to another can lose data. Types are spelled the way
// format_type() prints them ("character varying(50)", "numeric(10,2)", "bigint"). Only changes
// known to keep every value are "widening"; anything else counts as narrowing, because a diff
// or a linter that is unsure must warn.
#pragma once

#include <string>

namespace retort::engine::schema {

bool isWideningTypeChange(const std::string& from, const std::string& to);

}  // namespace retort::engine::schema
