#include "engine/script/alembic_template.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include "engine/util/errors.hpp"
#include "engine/util/text.hpp"

namespace retort::engine {

namespace {

std::string pythonQuote(const std::string& s) {
  // Python prefers single quotes unless the text contains one and no double quote.
  char quote = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == quote)
      out += std::string("\\") + c;
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out + quote;
}

class Evaluator {
 public:
  Evaluator(const std::map<std::string, PythonValue>& values, const std::filesystem::path& file,
            int line)
      : values_(values), file_(file), line_(line) {}

  // expr ['|' filter (',' filter)*]
  std::string render(const std::string& text) {
    size_t bar = findOutsideQuotes(text, '|');
    PythonValue value = evaluate(std::string(trim(text.substr(0, bar))));
    std::string out = value.str();
    if (bar == std::string::npos) return out;
    std::stringstream filters(text.substr(bar + 1));
    for (std::string f; std::getline(filters, f, ',');) {
      f = std::string(trim(f));
      if (f == "comma") {
        out = value.kind == PythonValue::Kind::Tuple ? join(value.items) : value.str();
      } else if (f == "trim") {
        out = std::string(trim(out));
      } else if (f != "n" && f != "h" && f != "u") {
        fail("unsupported filter '" + f + "'");
      }
    }
    return out;
  }

  // a [if b else c]
  PythonValue evaluate(const std::string& expr) {
    size_t ifPos = findWord(expr, "if");
    if (ifPos != std::string::npos) {
      size_t elsePos = findWord(expr, "else", ifPos);
      if (elsePos == std::string::npos) fail("'if' without 'else' in '" + expr + "'");
      bool condition =
          evaluate(std::string(trim(expr.substr(ifPos + 2, elsePos - ifPos - 2)))).truthy();
      return condition ? primary(std::string(trim(expr.substr(0, ifPos))))
                       : evaluate(std::string(trim(expr.substr(elsePos + 4))));
    }
    return primary(expr);
  }

 private:
  PythonValue primary(const std::string& e) {
    if (e.size() >= 2 && (e[0] == '"' || e[0] == '\'') && e.back() == e[0])
      return PythonValue::of(e.substr(1, e.size() - 2));
    if (e.rfind("not ", 0) == 0)
      return evaluate(std::string(trim(e.substr(4)))).truthy() ? PythonValue::of("")
                                                               : PythonValue::of("True");
    for (const char* fn : {"repr", "str"}) {
      std::string prefix = std::string(fn) + "(";
      if (e.rfind(prefix, 0) == 0 && e.back() == ')') {
        PythonValue inner =
            evaluate(std::string(trim(e.substr(prefix.size(), e.size() - prefix.size() - 1))));
        return PythonValue::of(std::string(fn) == "repr" ? inner.repr() : inner.str());
      }
    }
    if (e == "None") return PythonValue::none();
    for (char c : e) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
        fail("unsupported expression '" + e + "'");
    }
    if (e.empty()) fail("empty expression");
    auto found = values_.find(e);
    return found == values_.end() ? PythonValue::none() : found->second;
  }

  static size_t findOutsideQuotes(const std::string& s, char wanted, size_t from = 0) {
    char quote = 0;
    for (size_t i = from; i < s.size(); ++i) {
      if (quote) {
        if (s[i] == quote) quote = 0;
      } else if (s[i] == '"' || s[i] == '\'') {
        quote = s[i];
      } else if (s[i] == wanted) {
        return i;
      }
    }
    return std::string::npos;
  }

  static size_t findWord(const std::string& s, const std::string& word, size_t from = 0) {
    for (size_t i = findOutsideQuotes(s, word[0], from); i != std::string::npos;
         i = findOutsideQuotes(s, word[0], i + 1)) {
      bool before = i == 0 || s[i - 1] == ' ';
      bool after = i + word.size() < s.size() && s[i + word.size()] == ' ';
      if (before && after && s.compare(i, word.size(), word) == 0) return i;
    }
    return std::string::npos;
  }

  [[noreturn]] void fail(const std::string& message) {
    throw ScriptError(file_.string(), line_,
                      message +
                          " (Retort renders ${name}, ${repr(name)}, "
                          "${a if b else c}, filters and % if/else/endif)");
  }

  const std::map<std::string, PythonValue>& values_;
  const std::filesystem::path& file_;
  int line_;
};

}  // namespace

PythonValue PythonValue::scalarOrTuple(const std::vector<std::string>& items) {
  if (items.empty()) return none();
  if (items.size() == 1) return of(items[0]);
  return tuple(items);
}

bool PythonValue::truthy() const {
  return kind == Kind::String ? !string.empty() : kind == Kind::Tuple ? !items.empty() : false;
}

std::string PythonValue::repr() const {
  if (kind == Kind::None) return "None";
  if (kind == Kind::String) return pythonQuote(string);
  std::string out = "(";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + pythonQuote(items[i]);
  return out + (items.size() == 1 ? ",)" : ")");
}

std::string PythonValue::str() const {
  return kind == Kind::None ? "None" : kind == Kind::String ? string : repr();
}

std::string renderMakoTemplate(const std::string& text, const std::filesystem::path& file,
                               const std::map<std::string, PythonValue>& values) {
  struct Branch {
    bool parentActive, taken, active;
    int line;
  };
  std::vector<Branch> stack;
  std::string out;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  auto active = [&] { return stack.empty() || stack.back().active; };
  while (std::getline(in, line)) {
    ++number;
    bool lastLine = in.eof();
    std::string t = std::string(trim(line));
    if (t.rfind("##", 0) == 0) continue;
    if (!t.empty() && t[0] == '%' && t.rfind("%%", 0) != 0) {
      std::string control = std::string(trim(t.substr(1)));
      if (!control.empty() && control.back() == ':')
        control = std::string(trim(control.substr(0, control.size() - 1)));
      Evaluator eval(values, file, number);
      if (control.rfind("if ", 0) == 0) {
        bool parent = active();
        bool cond = parent && eval.evaluate(std::string(trim(control.substr(3)))).truthy();
        stack.push_back({parent, cond, cond, number});
      } else if (control.rfind("elif ", 0) == 0) {
        if (stack.empty()) throw ScriptError(file.string(), number, "'% elif' without '% if'");
        Branch& b = stack.back();
        bool cond = b.parentActive && !b.taken &&
                    eval.evaluate(std::string(trim(control.substr(5)))).truthy();
        b.active = cond;
        b.taken = b.taken || cond;
      } else if (control == "else") {
        if (stack.empty()) throw ScriptError(file.string(), number, "'% else' without '% if'");
        Branch& b = stack.back();
        b.active = b.parentActive && !b.taken;
        b.taken = true;
      } else if (control == "endif") {
        if (stack.empty()) throw ScriptError(file.string(), number, "'% endif' without '% if'");
        stack.pop_back();
      } else {
        throw ScriptError(
            file.string(), number,
            "unsupported control line '" + t + "' (Retort renders % if/elif/else/endif)");
      }
      continue;
    }
    if (!active()) continue;
    if (t.rfind("%%", 0) == 0) line.erase(line.find("%%"), 1);
    std::string rendered;
    for (size_t i = 0; i < line.size();) {
      if (line.compare(i, 2, "${") == 0) {
        size_t close = line.find('}', i + 2);
        if (close == std::string::npos)
          throw ScriptError(file.string(), number, "unterminated '${'");
        rendered += Evaluator(values, file, number).render(line.substr(i + 2, close - i - 2));
        i = close + 1;
      } else {
        rendered += line[i++];
      }
    }
    if (!rendered.empty() && rendered.back() == '\\') {  // Mako joins a line ending in '\'
      rendered.pop_back();
      out += rendered;
    } else {
      out += rendered;
      if (!lastLine) out += "\n";
    }
  }
  if (!stack.empty())
    throw ScriptError(file.string(), stack.back().line, "'% if' without '% endif'");
  return out;
}

std::string renderAlembicRevision(const std::filesystem::path& templateFile,
                                  const AlembicRevisionValues& v) {
  std::optional<std::string> text = readFileIfExists(templateFile);
  if (!text) throw CommandError("No such file: " + templateFile.string());
  return renderMakoTemplate(
      *text, templateFile,
      {{"up_revision", PythonValue::of(v.revision)},
       {"down_revision", PythonValue::scalarOrTuple(v.downRevisions)},
       {"branch_labels",
        v.branchLabels.empty() ? PythonValue::none() : PythonValue::tuple(v.branchLabels)},
       {"depends_on", PythonValue::scalarOrTuple(v.dependsOn)},
       {"create_date", PythonValue::of(v.createDate)},
       {"message", PythonValue::of(v.message)}});
}

}  // namespace retort::engine
