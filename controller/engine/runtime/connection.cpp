#include "engine/runtime/connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <regex>

namespace retort::engine {

namespace {

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value ? value : "";
}

DatabaseError errorFrom(PGconn* conn, const PGresult* result) {
  DatabaseError::Details details;
  if (result) {
    details.sqlstate = field(result, PG_DIAG_SQLSTATE);
    details.primary = field(result, PG_DIAG_MESSAGE_PRIMARY);
    details.detail = field(result, PG_DIAG_MESSAGE_DETAIL);
    details.hint = field(result, PG_DIAG_MESSAGE_HINT);
    std::string position = field(result, PG_DIAG_STATEMENT_POSITION);
    if (!position.empty()) details.position = std::stoi(position);
  }
  if (details.primary.empty()) {
    std::string message = conn ? PQerrorMessage(conn) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    details.primary = message;
  }
  const std::string& state = details.sqlstate;
  details.connectionLost = (conn && PQstatus(conn) == CONNECTION_BAD) ||
                           state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" ||
                           state == "57P03";
  std::string message = details.primary;
  if (!details.detail.empty()) message += "\nDETAIL:  " + details.detail;
  if (!details.hint.empty()) message += "\nHINT:  " + details.hint;
  return DatabaseError(message, std::move(details));
}

bool failed(const PGresult* result) {
  ExecStatusType status = PQresultStatus(result);
  return status == PGRES_BAD_RESPONSE || status == PGRES_FATAL_ERROR;
}

}  // namespace

Result::Result(pg_result* result) : result_(result, &PQclear) {}
int Result::rows() const {
  return PQntuples(result_.get());
}
int Result::columns() const {
  return PQnfields(result_.get());
}
bool Result::isNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}
std::string Result::value(int row, int column) const {
  return PQgetvalue(result_.get(), row, column);
}

std::optional<std::string> Result::optionalValue(int row, int column) const {
  if (isNull(row, column)) return std::nullopt;
  return value(row, column);
}

long Result::affectedRows() const {
  const char* tuples = PQcmdTuples(result_.get());
  return (tuples && *tuples) ? std::stol(tuples) : 0;
}

std::optional<long long> Result::reportedRows() const {
  const char* tuples = PQcmdTuples(result_.get());
  if (!tuples || !*tuples) return std::nullopt;
  return std::stoll(tuples);
}

namespace {

// The application name travels in the startup packet, which saves a round trip per run.
// The default connect timeout comes before dbname: options the expanded connection string
// spells override earlier entries, so an explicit connect_timeout in the URL wins.
PGconn* open(const std::string& uri) {
  const std::string timeout = std::to_string(kDefaultConnectTimeoutSeconds);
  const bool fromEnvironment = std::getenv("PGCONNECT_TIMEOUT") != nullptr;
  const char* keys[] = {"connect_timeout", "dbname", "fallback_application_name", nullptr};
  const char* values[] = {timeout.c_str(), uri.c_str(), "retort", nullptr};
  const int skip = fromEnvironment ? 1 : 0;
  return PQconnectdbParams(keys + skip, values + skip, 1);
}

void closeConnection(pg_conn* conn) {
  if (conn) PQfinish(conn);
}

std::string percentDecoded(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> passwordsIn(const std::string& uri) {
  std::vector<std::string> found;
  auto add = [&](const std::string& secret) {
    if (secret.empty()) return;
    found.push_back(secret);
    found.push_back(percentDecoded(secret));
  };
  static const std::regex kScheme(R"(^postgres(ql)?://)", std::regex::icase);
  std::smatch match;
  if (std::regex_search(uri, match, kScheme)) {
    const std::string rest = match.suffix();
    // libpq ends the user info at the first '@'; a human may have meant the last one.
    for (size_t at : {rest.find('@'), rest.rfind('@')}) {
      if (at == std::string::npos) continue;
      std::string userInfo = rest.substr(0, at);
      if (size_t colon = userInfo.find(':'); colon != std::string::npos)
        add(userInfo.substr(colon + 1));
    }
    static const std::regex kQueryPassword(R"([?&]password=([^&]*))");
    for (auto it = std::sregex_iterator(rest.begin(), rest.end(), kQueryPassword);
         it != std::sregex_iterator(); ++it)
      add((*it)[1]);
  } else {
    static const std::regex kKeyValuePassword(R"((^|\s)password\s*=\s*('(([^'\\]|\\.)*)'|(\S+)))");
    for (auto it = std::sregex_iterator(uri.begin(), uri.end(), kKeyValuePassword);
         it != std::sregex_iterator(); ++it) {
      if ((*it)[3].matched) {
        std::string unescaped;
        const std::string quoted = (*it)[3];
        for (size_t i = 0; i < quoted.size(); ++i) {
          if (quoted[i] == '\\' && i + 1 < quoted.size()) ++i;
          unescaped += quoted[i];
        }
        found.push_back(quoted);
        found.push_back(unescaped);
      } else {
        found.push_back((*it)[5]);
      }
    }
  }
  std::sort(found.begin(), found.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  found.erase(std::unique(found.begin(), found.end()), found.end());
  found.erase(std::remove(found.begin(), found.end(), std::string()), found.end());
  return found;
}

std::string maskSecrets(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
      text.replace(at, secret.size(), "***");
  }
  return text;
}

Connection::Connection(const std::string& uri) : conn_(open(uri), &closeConnection) {
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string message = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    // libpq quotes tokens it cannot parse, a badly percent-encoded password among them.
    message = maskSecrets(message, passwordsIn(uri));
    throw DatabaseError("could not connect to the database: " + message,
                        {"08001", message, "", "", std::nullopt, false});
  }
  // Notices (e.g. "table does not exist, skipping") would otherwise go to stderr unformatted.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
}

void Connection::throwError(PGresult* result) const {
  DatabaseError error = errorFrom(conn_.get(), result);
  if (result) PQclear(result);
  throw error;
}

Result Connection::exec(std::string_view sql) {
  std::string text(sql);
  PGresult* result = PQexec(conn_.get(), text.c_str());
  if (!result || failed(result)) throwError(result);
  return Result(result);
}

Result Connection::exec(std::string_view sql,
                        const std::vector<std::optional<std::string>>& params) {
  std::string text(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* result = PQexecParams(conn_.get(), text.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.data(), nullptr, nullptr, 0);
  if (!result || failed(result)) throwError(result);
  return Result(result);
}

std::vector<Result> Connection::execBatch(const std::string& sql) {
  if (!PQsendQuery(conn_.get(), sql.c_str())) throwError(nullptr);
  std::vector<Result> results;
  std::optional<StatementError> error;
  while (PGresult* result = PQgetResult(conn_.get())) {
    if (!error && failed(result)) {
      error.emplace(errorFrom(conn_.get(), result), results.size());
    }
    results.emplace_back(result);
  }
  if (error) throw *error;
  return results;
}

bool Connection::inTransaction() const {
  PGTransactionStatusType status = PQtransactionStatus(conn_.get());
  return status != PQTRANS_IDLE && status != PQTRANS_UNKNOWN;
}

bool Connection::isOpen() const {
  return PQstatus(conn_.get()) == CONNECTION_OK;
}

std::string Connection::option(std::string_view keyword) const {
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfo(conn_.get()),
                                                                       &PQconninfoFree);
  for (PQconninfoOption* o = options.get(); o && o->keyword; ++o) {
    if (keyword == o->keyword) return o->val ? o->val : "";
  }
  return "";
}

std::string Connection::quoteIdentifier(std::string_view name) const {
  char* quoted = PQescapeIdentifier(conn_.get(), name.data(), name.size());
  std::string out = quoted ? quoted : "";
  PQfreemem(quoted);
  return out;
}

std::string Connection::quoteLiteral(std::string_view value) const {
  char* quoted = PQescapeLiteral(conn_.get(), value.data(), value.size());
  std::string out = quoted ? quoted : "";
  PQfreemem(quoted);
  return out;
}

std::string obfuscatePassword(const std::string& uri) {
  static const std::regex kUriPassword(R"(^([a-z]+://[^:/@]*):[^@]*@)");
  static const std::regex kKeyValuePassword(R"((^|\s)password\s*=\s*('([^'\\]|\\.)*'|\S+))");
  static const std::regex kQueryPassword(R"(([?&]password=)[^&]*)");
  std::string out = std::regex_replace(uri, kUriPassword, "$1:***@");
  out = std::regex_replace(out, kKeyValuePassword, "$1password=***");
  out = std::regex_replace(out, kQueryPassword, "$1***");
  return maskSecrets(out, passwordsIn(uri));
}

}  // namespace retort::engine
