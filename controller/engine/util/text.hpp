// Small text and file helpers shared by the engine and the CLI, so each exists once: joining a
// list the way Alembic prints revision lists, trimming blanks, reading a whole file. Pure
// except readFileIfExists, which reads the file system and reports nothing itself (callers word
// their own errors: several must match Alembic's text).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace retort::engine {

// `items` separated by `separator`; ", " is how Alembic lists revisions ("a, b").
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// `text` without leading and trailing blanks: spaces, tabs and carriage returns (a file written
// on Windows keeps its \r before each \n).
std::string_view trim(std::string_view text);

// The whole file, bytes as they are; nullopt when it cannot be opened or read.
std::optional<std::string> readFileIfExists(const std::filesystem::path& path);

}  // namespace retort::engine
