// UTF-8 validity, checked where text enters Retort (script files), so that a Latin-1 byte is
// reported once with its file and line rather than failing later, deep inside PostgreSQL's
// parser or the server, with no line at all.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace retort::engine {

// Offset of the first byte of `text` that does not begin a well-formed UTF-8 sequence (overlong
// forms, surrogates and code points above U+10FFFF are not well formed), or npos.
size_t firstInvalidUtf8(std::string_view text);

// `text` with each byte that does not begin a well-formed sequence written as \xNN, so that text
// from users (a revision target) can go into JSON, which must be UTF-8, and still show which
// byte was wrong. Well-formed text is returned unchanged.
std::string escapeInvalidUtf8(std::string_view text);

}  // namespace retort::engine
