// The one way Retort writes names and strings into SQL. quoteIdentifier() follows PostgreSQL's
// own quote_ident(): a name is left bare only when it is all [a-z0-9_], does not start with a
// digit and is not a keyword PostgreSQL reserves in any way (the keyword list is libpg_query's,
// i.e. PostgreSQL's parser's, so it cannot drift from the server's); otherwise it is wrapped in
// double quotes with embedded quotes doubled. quoteLiteral() writes a standard string literal,
// or an E'' literal when the text holds a backslash, so the result means the same whatever
// standard_conforming_strings says. Names and strings holding a NUL byte cannot be represented
// in SQL at all: both functions throw std::invalid_argument for them.
#pragma once

#include <string>
#include <string_view>

namespace retort::engine::sql {

// True when `word` (any case) is a PostgreSQL keyword that is not UNRESERVED, i.e. one that
// quote_ident() would quote: RESERVED, TYPE_FUNC_NAME or COL_NAME keywords.
bool isQuotedKeyword(std::string_view word);

// `name`, double-quoted only when PostgreSQL needs it (see the file comment).
std::string quoteIdentifier(std::string_view name);

// `schema.name` with each part quoted as needed; just the name when `schema` is empty.
std::string qualifiedName(std::string_view schema, std::string_view name);

// `text` as a SQL string literal.
std::string quoteLiteral(std::string_view text);

}  // namespace retort::engine::sql
