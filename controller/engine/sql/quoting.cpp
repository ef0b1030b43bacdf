#include "engine/sql/quoting.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

// PostgreSQL's keyword table, as compiled into libpg_query (src/common/kwlookup.c and
// parser/kwlist.h). Only pointers to the list are passed, so its layout does not matter here.
extern "C" {
struct ScanKeywordList;
extern const ScanKeywordList ScanKeywords;
extern const uint8_t ScanKeywordCategories[];
int ScanKeywordLookup(const char* text, const ScanKeywordList* keywords);
}

namespace retort::engine::sql {

namespace {

// Categories from PostgreSQL's src/include/common/keywords.h.
constexpr uint8_t kUnreservedKeyword = 0;

void rejectNul(std::string_view text, const char* what) {
  if (text.find('\0') != std::string_view::npos) {
    throw std::invalid_argument(std::string(what) + " contains a NUL byte, which SQL cannot hold");
  }
}

bool isPlainIdentifier(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!plain) return false;
  }
  return true;
}

}  // namespace

bool isQuotedKeyword(std::string_view word) {
  std::string text(word);
  int index = ScanKeywordLookup(text.c_str(), &ScanKeywords);
  return index >= 0 && ScanKeywordCategories[index] != kUnreservedKeyword;
}

std::string quoteIdentifier(std::string_view name) {
  rejectNul(name, "identifier");
  if (isPlainIdentifier(name) && !isQuotedKeyword(name)) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string qualifiedName(std::string_view schema, std::string_view name) {
  if (schema.empty()) return quoteIdentifier(name);
  return quoteIdentifier(schema) + "." + quoteIdentifier(name);
}

std::string quoteLiteral(std::string_view text) {
  rejectNul(text, "string literal");
  bool hasBackslash = text.find('\\') != std::string_view::npos;
  std::string quoted = hasBackslash ? "E'" : "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') quoted += c;
    quoted += c;
  }
  return quoted + "'";
}

}  // namespace retort::engine::sql
