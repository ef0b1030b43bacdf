#include "engine/sql/statement_scanner.hpp"

#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace retort::engine::sql {

int LineCounter::lineAt(size_t offset) {
  offset = std::min(offset, text_.size());
  if (offset < offset_) {  // an earlier offset: count again from the start
    offset_ = 0;
    line_ = firstLine_;
  }
  line_ += static_cast<int>(std::count(text_.begin() + static_cast<long>(offset_),
                                       text_.begin() + static_cast<long>(offset), '\n'));
  offset_ = offset;
  return line_;
}

size_t byteOffsetOfCharacter(std::string_view text, int position) {
  size_t offset = 0;
  for (int seen = 1; offset < text.size() && seen < position; ++seen) {
    unsigned char c = static_cast<unsigned char>(text[offset]);
    offset += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  }
  return std::min(offset, text.size());
}

namespace {

// The scanner's message quotes the text "at or near" the error; for an unterminated string
// that is the rest of the section, so it is cut to one readable line.
std::string shortMessage(const char* message) {
  std::string text = message ? message : "cannot split statements";
  size_t cut = text.find_first_of("\r\n");
  if (cut == std::string::npos && text.size() > 120) cut = 120;
  if (cut != std::string::npos) text = text.substr(0, cut) + "...\"";
  return text;
}

// Skips blanks, `--` comments and (nested, as PostgreSQL nests them) `/* */` comments: the part
// of a scanner range that precedes the statement's first token.
size_t firstTokenOffset(std::string_view sql, size_t offset, size_t end) {
  while (offset < end) {
    if (std::isspace(static_cast<unsigned char>(sql[offset]))) {
      ++offset;
    } else if (sql.compare(offset, 2, "--") == 0) {
      size_t newline = sql.find('\n', offset);
      offset = newline == std::string_view::npos ? end : newline + 1;
    } else if (sql.compare(offset, 2, "/*") == 0) {
      int depth = 0;
      while (offset < end) {
        if (sql.compare(offset, 2, "/*") == 0) {
          ++depth;
          offset += 2;
        } else if (sql.compare(offset, 2, "*/") == 0) {
          offset += 2;
          if (--depth == 0) break;
        } else {
          ++offset;
        }
      }
    } else {
      break;
    }
  }
  return std::min(offset, end);
}

struct Piece {
  size_t location;  // where the scanner's range starts (after the previous semicolon)
  size_t end;       // just before the semicolon
};

// The scanner's ranges, plus what follows the last one: the scanner leaves out a final
// statement it is still inside parentheses for (`SELECT (2;`), which must reach the parser (and
// the server) rather than vanish.
std::vector<Piece> piecesOf(std::string_view sql, const PgQuerySplitResult& result) {
  std::vector<Piece> pieces;
  pieces.reserve(static_cast<size_t>(result.n_stmts) + 1);
  size_t next = 0;
  for (int i = 0; i < result.n_stmts; ++i) {
    size_t location = static_cast<size_t>(result.stmts[i]->stmt_location);
    size_t length = static_cast<size_t>(result.stmts[i]->stmt_len);
    size_t end = length == 0 ? sql.size() : std::min(sql.size(), location + length);
    pieces.push_back({location, end});
    next = end < sql.size() && sql[end] == ';' ? end + 1 : end;
  }
  if (firstTokenOffset(sql, next, sql.size()) < sql.size()) pieces.push_back({next, sql.size()});
  return pieces;
}

bool mentionsAtomic(std::string_view text) {
  static constexpr std::string_view kWord = "atomic";
  auto it = std::search(text.begin(), text.end(), kWord.begin(), kWord.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
  return it != text.end();
}

// The scanner ends a statement at every semicolon outside quotes and parentheses, which cuts an
// SQL-standard function body (`BEGIN ATOMIC stmt; stmt; END`) into pieces. From piece `first`
// (which mentions ATOMIC), joins the following pieces while PostgreSQL's parser says the text
// so far ends too early; returns the index of the last piece of the statement (`first` when it
// parses alone or when joining does not make it parse), or nullopt when the pieces ran out while
// the text still ended too early (the statement may go on past them).
std::optional<size_t> lastPieceOfStatement(std::string_view sql, const std::vector<Piece>& pieces,
                                           size_t first) {
  const size_t location = pieces[first].location;
  for (size_t last = first; last < pieces.size(); ++last) {
    std::string candidate(sql.substr(location, pieces[last].end - location));
    PgQueryParseResult parsed = pg_query_parse(candidate.c_str());
    const bool endsEarly =
        parsed.error &&
        std::string_view(parsed.error->message).find("at end of input") != std::string_view::npos;
    const bool parses = !parsed.error;
    pg_query_free_parse_result(parsed);
    if (parses) return last;
    if (!endsEarly) return first;
  }
  return std::nullopt;
}

// Turns the scanner's ranges into spans: blanks and comments trimmed, lines counted, the
// previous statement's end remembered for `leadingFrom`. Offsets and lines are the section's.
class SpanBuilder {
 public:
  SpanBuilder(std::string_view sql, int firstLine)
      : sql_(sql), lines_(sql, firstLine), leadingFrom_(firstLine) {}

  // The span of `piece`, or nullopt when it is only blanks and comments.
  std::optional<StatementSpan> spanOf(Piece piece) {
    StatementSpan span;
    span.begin = firstTokenOffset(sql_, piece.location, piece.end);
    span.end = piece.end;
    while (span.end > span.begin && std::isspace(static_cast<unsigned char>(sql_[span.end - 1])))
      --span.end;
    if (span.end == span.begin) return std::nullopt;
    span.firstLine = lines_.lineAt(span.begin);
    span.leadingFrom = leadingFrom_;
    // The statement ends at its semicolon, which lies just past the scanner's range.
    const size_t terminator =
        piece.end < sql_.size() && sql_[piece.end] == ';' ? piece.end : span.end - 1;
    span.lastLine = lines_.lineAt(terminator);
    // A comment after the semicolon on the same line belongs to this statement.
    leadingFrom_ = span.lastLine + 1;
    return span;
  }

 private:
  std::string_view sql_;
  LineCounter lines_;
  int leadingFrom_;
};

}  // namespace

std::optional<SyntaxError> forEachStatement(std::string_view sql, int firstLine,
                                            const std::function<void(const StatementSpan&)>& visit,
                                            size_t windowBytes) {
  SpanBuilder spans(sql, firstLine);
  std::string window;  // the scanner wants a NUL-terminated string
  size_t start = 0;    // the scanner starts afresh here: just after a statement's semicolon
  size_t size = std::max<size_t>(windowBytes, 1);
  while (start < sql.size()) {
    // A window ends at a line end, where a statement usually ends too.
    size_t end = size >= sql.size() - start ? sql.size() : sql.find('\n', start + size);
    end = end == std::string_view::npos ? sql.size() : std::min(sql.size(), end + 1);
    const bool last = end == sql.size();
    window.assign(sql.substr(start, end - start));
    PgQuerySplitResult result = pg_query_split_with_scanner(window.c_str());
    if (result.error && !last) {
      // Cut inside a quote or comment, or a real error: the scanner decides on more text.
      pg_query_free_split_result(result);
      size *= 2;
      continue;
    }
    if (result.error) {
      const int cursor = result.error->cursorpos;
      const size_t at = start + (cursor > 0 ? byteOffsetOfCharacter(window, cursor) : 0);
      SyntaxError error{shortMessage(result.error->message),
                        LineCounter(sql, firstLine).lineAt(at)};
      pg_query_free_split_result(result);
      return error;
    }
    std::vector<Piece> pieces = piecesOf(window, result);
    pg_query_free_split_result(result);
    // The window's last range may go on past the window; it is scanned again with what follows.
    const size_t confirmed =
        last ? pieces.size() : pieces.size() - std::min<size_t>(1, pieces.size());
    pieces.resize(confirmed);
    size_t resume = std::string_view::npos;  // where the next window starts, if pieces were used
    for (size_t i = 0; i < pieces.size(); ++i) {
      Piece piece = pieces[i];
      if (mentionsAtomic(
              std::string_view(window).substr(piece.location, piece.end - piece.location))) {
        std::optional<size_t> lastPiece = lastPieceOfStatement(window, pieces, i);
        if (!lastPiece && !last) break;  // the body may go on past the window
        i = lastPiece.value_or(i);
        piece.end = pieces[i].end;
      }
      const size_t next =
          piece.end < window.size() && window[piece.end] == ';' ? piece.end + 1 : piece.end;
      resume = start + next;
      if (std::optional<StatementSpan> span =
              spans.spanOf({start + piece.location, start + piece.end}))
        visit(*span);
    }
    if (last) break;
    if (resume == std::string_view::npos) {
      size *= 2;  // one statement longer than the window
    } else {
      start = resume;
      size = std::max<size_t>(windowBytes, 1);
    }
  }
  return std::nullopt;
}

ScannedSql scanStatements(std::string_view sql, int firstLine) {
  ScannedSql scanned;
  scanned.error = forEachStatement(
      sql, firstLine, [&](const StatementSpan& span) { scanned.statements.push_back(span); });
  if (scanned.error) scanned.statements.clear();
  scanned.statements.shrink_to_fit();
  return scanned;
}

}  // namespace retort::engine::sql
