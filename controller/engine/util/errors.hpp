// Errors the engine reports to its callers, one hierarchy: every Error carries where the fault
// is (file and 1-based line, when a script is at fault), a hint for the user, the process exit
// code a command should end with, and how the CLI shows it (Alembic's "FAILED: <message>" or a
// log line). CommandError is a user-facing failure with Alembic's wording and exit code 255;
// ScriptError points at a script file and line. `retort run` maps outcomes onto RunExit
// (DESIGN.md section 5). Database failures are DatabaseError (connection.hpp) and a failed step
// is MigrationFailed (migrator.hpp); both exit 1.
#pragma once

#include <stdexcept>
#include <string>

namespace retort::engine {

// The exit codes of `retort run` and `retort backup` / `restore` (DESIGN.md section 5).
namespace RunExit {
inline constexpr int Ok = 0;
inline constexpr int StepFailed = 1;
inline constexpr int Usage = 2;
inline constexpr int Refused = 3;
inline constexpr int BackupFailed = 4;
inline constexpr int Transient = 5;
inline constexpr int Invalid = 6;
}  // namespace RunExit

class Error : public std::runtime_error {
 public:
  enum class Style { Failed, Logged };  // "FAILED: message" on stderr, or an ERROR log line

  Error(const std::string& message, int exitCode, Style style = Style::Logged,
        std::string file = {}, int line = 0, std::string hint = {})
      : std::runtime_error(message),
        exitCode_(exitCode),
        style_(style),
        file_(std::move(file)),
        line_(line),
        hint_(std::move(hint)) {}

  int exitCode() const { return exitCode_; }
  Style style() const { return style_; }
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& hint() const { return hint_; }

 private:
  int exitCode_;
  Style style_;
  std::string file_;
  int line_;
  std::string hint_;
};

// Alembic's command errors: "FAILED: <message>", exit 255.
class CommandError : public Error {
 public:
  explicit CommandError(const std::string& message, std::string file = {}, int line = 0)
      : Error(message, 255, Style::Failed, std::move(file), line) {}
};

// A problem in a migration script, located by file and 1-based line (0 when not known).
class ScriptError : public CommandError {
 public:
  ScriptError(std::string file, int line, const std::string& message)
      : CommandError(
            file + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + message, file,
            line) {}
};

// A backup or restore that could not be made or verified (exit 4).
class BackupError : public Error {
 public:
  explicit BackupError(const std::string& message, std::string hint = {})
      : Error(message, RunExit::BackupFailed, Style::Logged, {}, 0, std::move(hint)) {}
};

}  // namespace retort::engine
