// SHA-256 in lowercase hex, the form Retort records for script checksums, plan hashes and
// backup files. One place for the digest-to-hex step that three callers used to repeat.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace retort::engine {

// The SHA-256 of `data` as 64 lowercase hex digits.
std::string sha256Hex(std::string_view data);

// `length` bytes as lowercase hex (for a digest computed incrementally, e.g. over a file).
std::string toHex(const unsigned char* bytes, size_t length);

}  // namespace retort::engine
