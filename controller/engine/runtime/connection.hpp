// A PostgreSQL connection over libpq, owned RAII-style, with the few operations the engine
// needs: run a statement (simple or parameterised), read rows as strings, and turn server
// errors into DatabaseError carrying SQLSTATE, message, detail, hint and error position.
// Connection strings are never included in error messages because they may hold passwords,
// and every password the connection string spells (URI user info, `password=` in a query or a
// key=value string, raw or percent-decoded) is masked in libpq's own messages too, since libpq
// echoes tokens it cannot parse. A connection attempt is bounded: without a connect_timeout in
// the string or PGCONNECT_TIMEOUT, it gives up after kDefaultConnectTimeoutSeconds.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// libpq's handles, declared rather than included so users of this header don't see libpq.
struct pg_conn;
struct pg_result;

namespace retort::engine {

inline constexpr int kDefaultConnectTimeoutSeconds = 10;

// An error reported by the server or by libpq.
class DatabaseError : public std::runtime_error {
 public:
  struct Details {
    std::string sqlstate;
    std::string primary;
    std::string detail;
    std::string hint;
    std::optional<int> position;  // 1-based character offset into the statement, when known
    // The session is gone (libpq's CONNECTION_BAD, SQLSTATE class 08, or 57P01-57P03: the server
    // shut down or crashed), so its open transaction was rolled back by the server.
    bool connectionLost = false;
  };
  DatabaseError(std::string message, Details details)
      : std::runtime_error(std::move(message)), details_(std::move(details)) {}
  const Details& details() const { return details_; }
  const std::string& sqlstate() const { return details_.sqlstate; }
  bool connectionLost() const { return details_.connectionLost; }

 private:
  Details details_;
};

// The rows of one statement's result, as text (NULL becomes std::nullopt).
class Result {
 public:
  explicit Result(pg_result* result);
  int rows() const;
  int columns() const;
  bool isNull(int row, int column) const;
  std::string value(int row, int column) const;
  std::optional<std::string> optionalValue(int row, int column) const;
  // Rows touched by INSERT/UPDATE/DELETE.
  long affectedRows() const;
  // The row count of the command tag (INSERT, UPDATE, DELETE, MERGE, COPY, SELECT, CREATE TABLE
  // AS, ...); none for a command whose tag carries no count (DDL).
  std::optional<long long> reportedRows() const;

 private:
  std::shared_ptr<pg_result> result_;
};

class Connection {
 public:
  // `uri` is a libpq connection string or URI; empty means libpq's PG* environment defaults.
  explicit Connection(const std::string& uri);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result exec(std::string_view sql);
  Result exec(std::string_view sql, const std::vector<std::optional<std::string>>& params);

  // Sends several statements as one simple-protocol query and returns one result per
  // statement. On the first failing statement throws StatementError with its index.
  std::vector<Result> execBatch(const std::string& sql);

  // False on a lost connection too: the server rolled its transaction back, and a ROLLBACK
  // sent over it would only fail.
  bool inTransaction() const;
  // libpq still holds a usable session (PQstatus is CONNECTION_OK).
  bool isOpen() const;
  // The value libpq uses for a connection option (e.g. "connect_timeout"); empty when unset.
  std::string option(std::string_view keyword) const;
  std::string quoteIdentifier(std::string_view name) const;
  std::string quoteLiteral(std::string_view value) const;

 private:
  [[noreturn]] void throwError(pg_result* result) const;
  std::unique_ptr<pg_conn, void (*)(pg_conn*)> conn_;
};

// A failure inside execBatch: which statement of the batch failed (0-based).
class StatementError : public DatabaseError {
 public:
  StatementError(const DatabaseError& error, size_t statementIndex)
      : DatabaseError(error), statementIndex_(statementIndex) {}
  size_t statementIndex() const { return statementIndex_; }

 private:
  size_t statementIndex_;
};

// Removes the password from a connection URI or key=value string, for display.
std::string obfuscatePassword(const std::string& uri);

// Every spelling of a password in `uri` that a message might echo (raw, percent-decoded, and
// each reading of an ambiguous user info), longest first.
std::vector<std::string> passwordsIn(const std::string& uri);
// `text` with each of `secrets` replaced by "***".
std::string maskSecrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace retort::engine
