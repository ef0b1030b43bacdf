// Errors the engine reports to its callers. CommandError is a user-facing failure with
// Alembic's wording (the CLI prints it as "FAILED: <message>" and exits 255); ScriptError
// points at a script file and line. Database failures are DatabaseError (connection.hpp).
#pragma once

#include <stdexcept>
#include <string>

namespace retort::engine {

class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A problem in a migration script, located by file and 1-based line (0 when not known).
class ScriptError : public CommandError {
 public:
  ScriptError(std::string file, int line, const std::string& message)
      : CommandError(file + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " +
                     message),
        file_(std::move(file)),
        line_(line) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  std::string file_;
  int line_;
};

}  // namespace retort::engine
