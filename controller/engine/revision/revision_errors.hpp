// The ways resolving a revision target can fail, mirroring Alembic's RevisionError family.
// Commands translate them into CommandError with Alembic's CLI wording (for example every
// ResolutionError becomes "Can't locate revision identified by '<arg>'").
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace retort::engine {

class RevisionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An identifier that names no revision, or more than one (ambiguous prefix).
class ResolutionError : public RevisionError {
 public:
  ResolutionError(const std::string& message, std::string argument)
      : RevisionError(message), argument_(std::move(argument)) {}
  const std::string& argument() const { return argument_; }

 private:
  std::string argument_;
};

class MultipleHeads : public RevisionError {
 public:
  MultipleHeads(std::vector<std::string> heads, std::string argument)
      : RevisionError("Multiple heads are present for given argument '" + argument + "'"),
        heads_(std::move(heads)),
        argument_(std::move(argument)) {}
  const std::vector<std::string>& heads() const { return heads_; }
  const std::string& argument() const { return argument_; }

 private:
  std::vector<std::string> heads_;
  std::string argument_;
};

// A range whose ends are not ancestor and descendant of each other.
class RangeNotAncestorError : public RevisionError {
 public:
  RangeNotAncestorError(std::string lower, std::string upper)
      : RevisionError("Revision " + lower + " is not an ancestor of revision " + upper),
        lower_(std::move(lower)),
        upper_(std::move(upper)) {}
  const std::string& lower() const { return lower_; }
  const std::string& upper() const { return upper_; }

 private:
  std::string lower_, upper_;
};

// Alembic's ScriptDirectory._catch_revision_errors: the texts each command substitutes.
struct RevisionErrorTexts {
  std::string ancestor;       // may use %(start)s and %(end)s
  std::string multipleHeads;  // may use %(head_arg)s
  std::string start, end;     // substituted into the texts above
};

// Called inside a catch block: rethrows the RevisionError as CommandError with Alembic's texts.
[[noreturn]] void rethrowAsCommandError(const RevisionErrorTexts& texts);

// Runs `body`, turning RevisionError subclasses into CommandError with Alembic's texts.
template <typename Body>
auto translateRevisionErrors(const RevisionErrorTexts& texts, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const RevisionError&) {
    rethrowAsCommandError(texts);
  }
}

}  // namespace retort::engine
