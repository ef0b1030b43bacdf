#include "engine/runtime/connection.hpp"

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

std::optional<std::string> Result::optionalValue(int row, int column) const {
  if (isNull(row, column)) return std::nullopt;
  return value(row, column);
}

long Result::affectedRows() const {
  const char* tuples = PQcmdTuples(result_.get());
  return (tuples && *tuples) ? std::stol(tuples) : 0;
}

namespace {

// The application name travels in the startup packet, which saves a round trip per run.
PGconn* open(const std::string& uri) {
  const char* keys[] = {"dbname", "fallback_application_name", nullptr};
  const char* values[] = {uri.c_str(), "retort", nullptr};
  return PQconnectdbParams(keys, values, 1);
}

}  // namespace

Connection::Connection(const std::string& uri) : conn_(open(uri), &PQfinish) {
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string message = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    throw DatabaseError("could not connect to the database: " + message,
                        {"08001", message, "", "", std::nullopt});
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
  return PQtransactionStatus(conn_.get()) != PQTRANS_IDLE;
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
  return std::regex_replace(out, kQueryPassword, "$1***");
}

}  // namespace retort::engine
