#include "engine/script/alembic_python_module.hpp"

#include <cctype>
#include <cstring>

#include "engine/util/errors.hpp"

namespace retort::engine {

namespace {

// A token of Python source, just fine-grained enough to find module-level statements: names,
// string literals (value decoded), operators and brackets, and the end of a logical line.
struct Token {
  enum class Kind { Name, String, Op, Other, EndOfLine } kind;
  std::string text;
  int line = 0;
  int column = 0;
};

class Tokenizer {
 public:
  Tokenizer(const std::filesystem::path& path, const std::string& text) : path_(path), s_(text) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    int depth = 0;
    bool lineHasTokens = false;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\n') {
        if (depth == 0 && lineHasTokens) tokens.push_back({Token::Kind::EndOfLine, "", line_, 0});
        if (depth == 0) lineHasTokens = false;
        advance();
        continue;
      }
      if (c == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {  // explicit line joining
        advance();
        advance();
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
        advance();
        continue;
      }
      if (c == '#') {
        while (i_ < s_.size() && s_[i_] != '\n') advance();
        continue;
      }
      lineHasTokens = true;
      int line = line_, column = column_;
      if (isStringStart()) {
        tokens.push_back({Token::Kind::String, readString(), line, column});
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
                 static_cast<unsigned char>(c) >= 0x80) {
        std::string name;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) ||
                                  s_[i_] == '_' || static_cast<unsigned char>(s_[i_]) >= 0x80)) {
          name += s_[i_];
          advance();
        }
        tokens.push_back({Token::Kind::Name, name, line, column});
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        std::string number;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) ||
                                  s_[i_] == '.' || s_[i_] == '_')) {
          number += s_[i_];
          advance();
        }
        tokens.push_back({Token::Kind::Other, number, line, column});
      } else {
        if (c == '(' || c == '[' || c == '{') {
          ++depth;
          openLines_.push_back(line);
        } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
          --depth;
          openLines_.pop_back();
        }
        tokens.push_back({Token::Kind::Op, std::string(1, c), line, column});
        advance();
      }
    }
    if (depth > 0) throw ScriptError(path_.string(), openLines_.back(), "unclosed bracket");
    if (lineHasTokens) tokens.push_back({Token::Kind::EndOfLine, "", line_, 0});
    return tokens;
  }

 private:
  void advance() {
    if (s_[i_] == '\n') {
      ++line_;
      column_ = 0;
    } else {
      ++column_;
    }
    ++i_;
  }

  // A string literal, with an optional prefix of r, b, u, f (any case, any order).
  bool isStringStart() const {
    size_t j = i_;
    while (j < s_.size() && j < i_ + 2 && std::strchr("rRbBuUfF", s_[j])) ++j;
    return j < s_.size() && (s_[j] == '\'' || s_[j] == '"');
  }

  std::string readString() {
    int startLine = line_;
    bool raw = false;
    while (s_[i_] != '\'' && s_[i_] != '"') {
      if (s_[i_] == 'r' || s_[i_] == 'R') raw = true;
      advance();
    }
    char quote = s_[i_];
    bool triple = i_ + 2 < s_.size() && s_[i_ + 1] == quote && s_[i_ + 2] == quote;
    for (int k = 0; k < (triple ? 3 : 1); ++k) advance();
    std::string value;
    while (true) {
      if (i_ >= s_.size() || (!triple && s_[i_] == '\n'))
        throw ScriptError(path_.string(), startLine, "unterminated string literal");
      char c = s_[i_];
      if (c == quote) {
        if (!triple) {
          advance();
          return value;
        }
        if (i_ + 2 < s_.size() && s_[i_ + 1] == quote && s_[i_ + 2] == quote) {
          advance();
          advance();
          advance();
          return value;
        }
      }
      if (c == '\\' && i_ + 1 < s_.size()) {
        char e = s_[i_ + 1];
        advance();
        advance();
        if (raw) {
          value += '\\';
          value += e;
          continue;
        }
        switch (e) {
          case 'n':
            value += '\n';
            break;
          case 't':
            value += '\t';
            break;
          case 'r':
            value += '\r';
            break;
          case '\n':
            break;  // line continuation inside the literal
          case '\\':
            value += '\\';
            break;
          case '\'':
            value += '\'';
            break;
          case '"':
            value += '"';
            break;
          default:
            value += '\\';
            value += e;
        }
        continue;
      }
      value += c;
      advance();
    }
  }

  const std::filesystem::path& path_;
  const std::string& s_;
  size_t i_ = 0;
  int line_ = 1;
  int column_ = 0;
  std::vector<int> openLines_;
};

bool isOp(const Token& t, char c) {
  return t.kind == Token::Kind::Op && t.text.size() == 1 && t.text[0] == c;
}

// Adjacent string literals concatenate, as in Python.
size_t readStringRun(const std::vector<Token>& t, size_t i, size_t end, std::string& out) {
  while (i < end && t[i].kind == Token::Kind::String) out += t[i++].text;
  return i;
}

// The value tokens [begin, end) of an assignment, as a literal, or a ScriptError.
PythonLiteral literalOf(const std::filesystem::path& path, const std::string& name,
                        const std::vector<Token>& t, size_t begin, size_t end) {
  PythonLiteral literal;
  literal.line = begin < end ? t[begin].line : (begin > 0 ? t[begin - 1].line : 0);
  auto fail = [&]() -> PythonLiteral {
    throw ScriptError(path.string(), literal.line,
                      "'" + name +
                          "' must be a literal (a string, None, or a tuple or list of "
                          "strings); Retort reads scripts without running Python");
  };
  if (begin == end) fail();
  if (end - begin == 1 && t[begin].kind == Token::Kind::Name && t[begin].text == "None")
    return literal;
  size_t i = begin, stop = end;
  if (isOp(t[i], '(') || isOp(t[i], '[')) {
    char close = isOp(t[i], '(') ? ')' : ']';
    if (!isOp(t[end - 1], close)) fail();
    ++i;
    --stop;
  }
  literal.isNone = false;
  while (i < stop) {
    if (t[i].kind != Token::Kind::String) fail();
    std::string value;
    i = readStringRun(t, i, stop, value);
    literal.strings.push_back(value);
    if (i < stop) {
      if (!isOp(t[i], ',')) fail();
      ++i;
    }
  }
  return literal;
}

std::string strip(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n\f\v");
  size_t e = s.find_last_not_of(" \t\r\n\f\v");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

AlembicModule parseAlembicModule(const std::filesystem::path& path, const std::string& content) {
  std::vector<Token> tokens = Tokenizer(path, content).run();
  AlembicModule module;
  bool first = true;
  for (size_t i = 0; i < tokens.size();) {
    size_t end = i;
    while (tokens[end].kind != Token::Kind::EndOfLine) ++end;
    const Token& head = tokens[i];
    if (first && head.kind == Token::Kind::String) {
      std::string doc;
      if (readStringRun(tokens, i, end, doc) == end) module.docstring = strip(doc);
    }
    first = false;
    if (head.kind == Token::Kind::Name && head.column == 0) {
      std::optional<PythonLiteral>* target = nullptr;
      if (head.text == "revision") target = &module.revision;
      if (head.text == "down_revision") target = &module.downRevision;
      if (head.text == "branch_labels") target = &module.branchLabels;
      if (head.text == "depends_on") target = &module.dependsOn;
      // `name = value` or `name: annotation = value`; the annotation may hold brackets.
      if (target && i + 1 < end && (isOp(tokens[i + 1], '=') || isOp(tokens[i + 1], ':'))) {
        size_t eq = i + 1;
        int depth = 0;
        for (; eq < end; ++eq) {
          if (isOp(tokens[eq], '(') || isOp(tokens[eq], '[')) ++depth;
          if (isOp(tokens[eq], ')') || isOp(tokens[eq], ']')) --depth;
          if (depth == 0 && isOp(tokens[eq], '=')) break;
        }
        if (eq < end) {
          // `a == b` is a comparison, not an assignment.
          if (eq + 1 < end && isOp(tokens[eq + 1], '=')) {
            i = end + 1;
            continue;
          }
          *target = literalOf(path, head.text, tokens, eq + 1, end);
        }
      }
    }
    i = end + 1;
  }
  return module;
}

Script alembicScript(const std::filesystem::path& path, std::string content) {
  AlembicModule module = parseAlembicModule(path, content);
  if (!module.revision) {
    throw ScriptError(path.string(), 0,
                      "Could not determine revision id from filename " + path.filename().string() +
                          ". Be sure the 'revision' variable is declared inside the script");
  }
  if (module.revision->isNone || module.revision->strings.size() != 1) {
    throw ScriptError(path.string(), module.revision->line, "'revision' must be one string");
  }
  Script script;
  script.path = path;
  script.revision = module.revision->strings[0];
  script.revisionLine = module.revision->line;
  if (module.downRevision) {
    script.downRevisions = module.downRevision->strings;
    script.downRevisionLine = module.downRevision->line;
  }
  if (module.branchLabels) {
    script.branchLabels = module.branchLabels->strings;
    script.branchLabelsLine = module.branchLabels->line;
  }
  if (module.dependsOn) {
    script.dependsOn = module.dependsOn->strings;
    script.dependsOnLine = module.dependsOn->line;
  }
  const std::string& doc = module.docstring;
  script.message = doc.substr(0, doc.find("\n\n"));
  script.longDoc = doc;
  for (size_t pos = 0; pos < doc.size();) {
    size_t eol = doc.find('\n', pos);
    std::string line = strip(doc.substr(pos, eol == std::string::npos ? eol : eol - pos));
    if (line.rfind("Create Date:", 0) == 0) script.createDate = strip(line.substr(12));
    if (eol == std::string::npos) break;
    pos = eol + 1;
  }
  std::string error = invalidRevisionIdMessage(script.revision);
  if (!error.empty()) throw ScriptError(path.string(), script.revisionLine, error);
  script.upgrade.firstLine = 0;
  script.content = std::move(content);
  return script;
}

}  // namespace retort::engine
