// `retort promote`: moves what staging has proved into the production overlay, as the change a
// pull request shows. It reads the source SchemaVersion with its own kubeconfig (staging is
// usually another cluster), refuses unless that object is Ready for its current generation, has
// been so for at least --ready-for, and records exactly one head; then it rewrites the value of
// the one `targetRevision:` line of DIR/kustomization.yaml to that revision id (never `head`:
// production must name what staging ran), leaving every other byte of the file as it was.
// Exit codes: 0 written or already there, 2 usage, 3 refused (the message names what is
// missing), 1 anything else (unreadable kubeconfig, API unreachable, no such object, a file
// without exactly one targetRevision line).
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "cli/command.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/printable.hpp"
#include "kube/api_client.hpp"
#include "kube/api_error.hpp"
#include "kube/kubeconfig.hpp"
#include "operator/schema_version/conditions.hpp"
#include "operator/schema_version/schema_version.hpp"
#include "operator/schema_version/schema_version_reconciler.hpp"
#include "operator/schema_version/wall_time.hpp"

namespace retort::cli {
namespace {

namespace fs = std::filesystem;

struct PromoteOptions {
  std::string kubeconfig;
  std::string context;
  std::string from;  // NAMESPACE/NAME
  std::string to;    // the overlay directory
  std::string readyFor = "0s";
};

// The source is not (yet) fit to promote from: exit 3, which a pipeline may retry later.
class Refused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Anything else that stops the command: exit 1.
class Failed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Source {
  std::string ns;
  std::string name;
  std::string key() const { return ns + "/" + name; }
};

Source parseSource(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() ||
      text.find('/', slash + 1) != std::string::npos)
    throw std::invalid_argument("expected NAMESPACE/NAME, got \"" + engine::printable(text) + "\"");
  return {text.substr(0, slash), text.substr(slash + 1)};
}

// The same grammar as the CRD's targetRevision pattern: what is written into the overlay must be
// a value the API server accepts and a plain YAML scalar, whatever the source's status holds.
bool isRevisionId(const std::string& id) {
  if (id.empty() || id.size() > 256 || id[0] == '-') return false;
  for (const char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("_.@:+-").find(c) == std::string_view::npos)
      return false;
  return true;
}

struct ReadySource {
  std::string revision;
  std::string readySince;  // the Ready condition's lastTransitionTime
};

// Why the source cannot be promoted from, or its one head and since when it is Ready there.
ReadySource checkSource(const Source& source, const nlohmann::json& object,
                        std::chrono::seconds readyFor, op::WallTime now) {
  const op::SchemaVersionStatus status = [&] {
    try {
      return op::statusFromJson(object.value("status", nlohmann::json::object()));
    } catch (const op::SpecError& error) {
      throw Failed(source.key() + ": unreadable status: " + error.what());
    }
  }();
  const std::int64_t generation = object.at("metadata").value("generation", std::int64_t{0});
  const op::Condition* ready = op::findCondition(status.conditions, op::condition::kReady);
  if (!ready) throw Refused(source.key() + " is not Ready (it has no Ready condition yet)");
  if (ready->status != "True") {
    std::string why =
        "reason " + engine::printable(ready->reason.empty() ? "(none)" : ready->reason);
    if (!ready->message.empty()) why += ": " + engine::printable(ready->message);
    throw Refused(source.key() + " is not Ready (" + why + ")");
  }
  // A Ready written before the latest spec change says nothing about that spec.
  if (status.observedGeneration != generation)
    throw Refused(source.key() + " is Ready for generation " +
                  std::to_string(status.observedGeneration) + ", but its spec is at generation " +
                  std::to_string(generation) + " (the controller has not caught up with it yet)");
  if (status.currentRevisions.empty())
    throw Refused(source.key() + " is Ready but its status records no currentRevisions");
  if (status.currentRevisions.size() > 1) {
    std::string heads;
    for (const std::string& head : status.currentRevisions)
      heads += (heads.empty() ? "" : ", ") + engine::printable(head);
    throw Refused(source.key() + " is at " + std::to_string(status.currentRevisions.size()) +
                  " heads (" + heads + "); one targetRevision names exactly one head");
  }
  const std::string& revision = status.currentRevisions.front();
  if (!isRevisionId(revision))
    throw Failed(source.key() + ": status.currentRevisions holds \"" + engine::printable(revision) +
                 "\", which is not a revision id");
  const std::optional<op::WallTime> since = op::wallTimeFrom(ready->lastTransitionTime);
  if (readyFor.count() > 0) {
    if (!since)
      throw Refused(source.key() + " is Ready, but its Ready condition has no readable " +
                    "lastTransitionTime, so --ready-for " + op::formatDuration(readyFor) +
                    " cannot be checked");
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - *since);
    if (elapsed < readyFor)
      throw Refused(source.key() + " is Ready at " + revision + " for " +
                    op::formatDuration(std::max(elapsed, std::chrono::seconds(0))) + " (since " +
                    ready->lastTransitionTime + "), --ready-for asks " +
                    op::formatDuration(readyFor) + " (until " +
                    op::wallTimeText(*since + readyFor) + ")");
  }
  return {revision, since ? ready->lastTransitionTime : "an unknown time"};
}

// kustomize's own search order for the file of a directory.
fs::path kustomizationFile(const fs::path& dir) {
  for (const char* name : {"kustomization.yaml", "kustomization.yml", "Kustomization"})
    if (fs::is_regular_file(dir / name)) return dir / name;
  throw Failed(dir.string() + ": no kustomization.yaml");
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failed(path.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Where the value of a `targetRevision: VALUE` line is, in the file's text.
struct ValueSpan {
  std::size_t begin = 0;  // of the value, quotes included
  std::size_t end = 0;
  std::string value;  // unquoted
  int line = 0;
};

// The one `targetRevision:` line; only its value changes, so comments, indentation, quoting and
// line endings stay as they are and the pull request's diff is that one line.
ValueSpan findTargetRevision(const std::string& text, const fs::path& file) {
  std::vector<ValueSpan> found;
  std::vector<int> withoutValue;
  int lineNumber = 0;
  for (std::size_t start = 0; start < text.size();) {
    ++lineNumber;
    std::size_t stop = text.find('\n', start);
    if (stop == std::string::npos) stop = text.size();
    std::size_t end = stop;
    if (end > start && text[end - 1] == '\r') --end;
    std::size_t i = text.find_first_not_of(" \t", start);
    if (i != std::string::npos && i < end && text[i] == '-' && i + 1 < end &&
        (text[i + 1] == ' ' || text[i + 1] == '\t'))
      i = text.find_first_not_of(" \t", i + 1);
    constexpr std::string_view kKey = "targetRevision:";
    if (i != std::string::npos && i < end && text.compare(i, kKey.size(), kKey) == 0) {
      std::size_t v = i + kKey.size();
      const bool spaced = v == end || text[v] == ' ' || text[v] == '\t';
      v = std::min(text.find_first_not_of(" \t", v), end);
      if (spaced) {
        ValueSpan span{v, v, "", lineNumber};
        if (v < end && (text[v] == '\'' || text[v] == '"')) {
          const std::size_t close = text.find(text[v], v + 1);
          if (close != std::string::npos && close < end) {
            span.end = close + 1;
            span.value = text.substr(v + 1, close - v - 1);
          }
        } else {
          // A plain scalar ends where a comment starts (a '#' after a blank) or at the end.
          span.end = end;
          for (std::size_t k = v; k < end; ++k)
            if (text[k] == '#' && (text[k - 1] == ' ' || text[k - 1] == '\t')) {
              span.end = k;
              break;
            }
          while (span.end > v && (text[span.end - 1] == ' ' || text[span.end - 1] == '\t'))
            --span.end;
          span.value = text.substr(v, span.end - v);
        }
        if (span.value.empty())
          withoutValue.push_back(lineNumber);
        else
          found.push_back(span);
      }
    }
    start = stop + 1;
  }
  if (!withoutValue.empty() && found.empty())
    throw Failed(file.string() + ":" + std::to_string(withoutValue.front()) +
                 ": targetRevision has no value on its line (write it as targetRevision: ID)");
  if (found.empty()) throw Failed(file.string() + ": no \"targetRevision: ...\" line");
  if (found.size() + withoutValue.size() > 1) {
    std::string lines;
    for (const ValueSpan& span : found)
      lines += (lines.empty() ? "" : ", ") + std::to_string(span.line);
    for (const int line : withoutValue) lines += (lines.empty() ? "" : ", ") + std::to_string(line);
    throw Failed(file.string() + ": " + std::to_string(found.size() + withoutValue.size()) +
                 " targetRevision lines (lines " + lines + "); cannot tell which one to rewrite");
  }
  return found.front();
}

// Replaces the file by a complete new one (written next to it, then renamed), so that an
// interrupted run never leaves half an overlay; the file's permissions are kept.
void replaceFile(const fs::path& file, const std::string& text) {
  const fs::path temporary = file.parent_path() / ("." + file.filename().string() + ".retort-" +
                                                   std::to_string(::getpid()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      fs::remove(temporary);
      throw Failed(temporary.string() + ": cannot be written");
    }
  }
  std::error_code error;
  fs::permissions(temporary, fs::status(file).permissions(), error);
  fs::rename(temporary, file, error);
  if (error) {
    fs::remove(temporary);
    throw Failed(file.string() + ": cannot be replaced: " + error.message());
  }
}

void promote(const PromoteOptions& args) {
  const Source source = parseSource(args.from);
  const std::chrono::seconds readyFor = op::parseDuration(args.readyFor, "--ready-for");
  // The overlay is checked before the API is asked, so a wrong DIR fails fast and offline.
  const fs::path file = kustomizationFile(args.to);
  const std::string text = readFile(file);
  const ValueSpan span = findTargetRevision(text, file);

  const kube::ApiClient client([&] {
    try {
      return kube::load_kubeconfig(args.kubeconfig, args.context);
    } catch (const kube::ConfigError& error) {
      throw Failed(args.kubeconfig + ": " + error.what());
    }
  }());
  nlohmann::json object;
  try {
    object = client.get(op::schemaVersionResource(), source.ns, source.name);
  } catch (const kube::ApiError& error) {
    if (error.is_not_found())
      throw Failed("SchemaVersion " + source.key() + " not found on " + client.config().server);
    throw;
  }
  const ReadySource ready = checkSource(source, object, readyFor, std::chrono::system_clock::now());
  const std::string proof =
      source.key() + " Ready at " + ready.revision + " since " + ready.readySince;
  if (span.value == ready.revision) {
    std::cout << file.string() << ": targetRevision is already " << ready.revision << " (" << proof
              << "); nothing to change" << std::endl;
    return;
  }
  // The value's quoting stays as written; a revision id needs none, so plain stays plain.
  const std::string quote = text[span.begin] == '\'' || text[span.begin] == '"'
                                ? std::string(1, text[span.begin])
                                : std::string();
  replaceFile(file,
              text.substr(0, span.begin) + quote + ready.revision + quote + text.substr(span.end));
  std::cout << file.string() << ": targetRevision " << engine::printable(span.value) << " -> "
            << ready.revision << " (" << proof << ")" << std::endl;
}

CLI::Validator sourceValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        try {
          parseSource(value);
          return {};
        } catch (const std::invalid_argument& error) {
          return error.what();
        }
      },
      "NAMESPACE/NAME");
}

CLI::Validator durationValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        try {
          op::parseDuration(value, "--ready-for");
          return {};
        } catch (const op::SpecError& error) {
          // CLI11 names the option itself.
          return std::string(error.what()).substr(error.path().size() + 2);
        }
      },
      "DURATION");
}

void install(CLI::App& app, GlobalOptions&) {
  auto args = std::make_shared<PromoteOptions>();
  CLI::App* cmd = app.add_subcommand(
      "promote",
      "Pin an overlay's targetRevision to the revision a Ready SchemaVersion (staging) is at.");
  cmd->add_option("--from-kubeconfig", args->kubeconfig, "kubeconfig of the source's cluster")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--from-context", args->context,
                  "context in that kubeconfig (default: its current-context)");
  cmd->add_option("--from", args->from, "the source SchemaVersion")
      ->required()
      ->check(sourceValidator());
  cmd->add_option("--to", args->to, "the overlay directory whose kustomization.yaml is rewritten")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--ready-for", args->readyFor,
                  "how long the source must have been Ready, e.g. 1h (default: 0s)")
      ->check(durationValidator());
  cmd->callback([args] {
    try {
      promote(*args);
    } catch (const Refused& refusal) {
      std::cerr << "retort promote: refused: " << refusal.what() << std::endl;
      setExitCode(engine::RunExit::Refused);
    } catch (const std::exception& error) {
      // kube errors name the method and path, never a credential (api_error.hpp).
      std::cerr << "retort promote: " << error.what() << std::endl;
      setExitCode(1);
    }
  });
}

}  // namespace
RETORT_COMMAND(promote, install);
}  // namespace retort::cli
