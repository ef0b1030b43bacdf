#include "engine/script/revision_writer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/revision/migration_step.hpp"
#include "engine/revision/revision_errors.hpp"
#include "engine/revision/revision_resolver.hpp"
#include "engine/script/alembic_python_module.hpp"
#include "engine/script/alembic_template.hpp"
#include "engine/util/errors.hpp"
#include "engine/util/printable.hpp"
#include "engine/util/text.hpp"

namespace retort::engine {

const char* const kDefaultScriptTemplate =
    "-- revision: ${up_revision}\n"
    "-- down_revision: ${down_revision}\n"
    "-- branch_labels: ${branch_labels}\n"
    "-- depends_on: ${depends_on}\n"
    "-- create_date: ${create_date}\n"
    "-- message: ${message}\n"
    "-- transactional: true\n"
    "\n"
    "-- migrate:upgrade\n"
    "${upgrades}\n"
    "\n"
    "-- migrate:downgrade\n"
    "${downgrades}\n";

std::string randomRevisionId() {
  std::random_device device;
  std::mt19937_64 generator((static_cast<uint64_t>(device()) << 32) ^ device());
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(generator()));
  return std::string(buffer).substr(4);
}

std::string slugify(const std::string& message, int truncateLength) {
  // Alembic: "_".join(re.findall(r"\w+", message)).lower(); bytes of multi-byte UTF-8
  // characters count as word characters, as Python's Unicode \w does for letters.
  std::vector<std::string> words;
  std::string word;
  for (char ch : message) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '_' || c >= 0x80) {
      word += static_cast<char>(std::tolower(c));
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(word);
  std::string slug;
  for (const auto& w : words) slug += (slug.empty() ? "" : "_") + w;
  if (truncateLength > 0 && static_cast<int>(slug.size()) > truncateLength) {
    std::string cut = slug.substr(0, static_cast<size_t>(truncateLength));
    size_t underscore = cut.rfind('_');
    slug = (underscore == std::string::npos ? cut : cut.substr(0, underscore)) + "_";
  }
  return slug;
}

std::string renderFileTemplate(const std::string& fileTemplate, const std::string& rev,
                               const std::string& slug, const std::tm& when, std::time_t epoch) {
  std::string out;
  for (size_t i = 0; i < fileTemplate.size();) {
    if (fileTemplate.compare(i, 2, "%(") != 0) {
      out += fileTemplate[i++];
      continue;
    }
    size_t close = fileTemplate.find(')', i);
    if (close == std::string::npos)
      throw CommandError("bad file_template: unclosed '%(' in '" + fileTemplate + "'");
    std::string name = fileTemplate.substr(i + 2, close - i - 2);
    size_t conv = fileTemplate.find_first_of("sd", close + 1);
    if (conv == std::string::npos)
      throw CommandError("bad file_template: no conversion after '%(" + name + ")'");
    std::string spec = "%" + fileTemplate.substr(close + 1, conv - close - 1);
    char buffer[256];
    if (name == "rev" || name == "slug") {
      std::snprintf(buffer, sizeof buffer, (spec + "s").c_str(),
                    (name == "rev" ? rev : slug).c_str());
    } else {
      long value;
      if (name == "year")
        value = when.tm_year + 1900;
      else if (name == "month")
        value = when.tm_mon + 1;
      else if (name == "day")
        value = when.tm_mday;
      else if (name == "hour")
        value = when.tm_hour;
      else if (name == "minute")
        value = when.tm_min;
      else if (name == "second")
        value = when.tm_sec;
      else if (name == "epoch")
        value = static_cast<long>(epoch);
      else
        throw CommandError("bad file_template: unknown token '" + name + "'");
      std::snprintf(buffer, sizeof buffer, (spec + "ld").c_str(), value);
    }
    out += buffer;
    i = conv + 1;
  }
  return out;
}

std::filesystem::path scriptPathInside(const std::filesystem::path& versions,
                                       const std::string& fileName) {
  std::filesystem::path folder = versions.lexically_normal();
  std::filesystem::path path = (versions / fileName).lexically_normal();
  // The loader reads versions/*.sql only, and nothing may be written anywhere else: no
  // separator at all, so neither `..` nor an absolute path nor a sub-folder gets through.
  if (fileName.find_first_of(std::string("/\\\0", 3)) != std::string::npos ||
      fileName.starts_with(".") || path.parent_path() != folder) {
    throw CommandError("file name '" + printable(fileName) +
                       "' (from file_template) is not a file directly inside " + folder.string());
  }
  return path;
}

std::string renderScriptTemplate(const std::string& templateText,
                                 const std::vector<std::pair<std::string, std::string>>& values) {
  // One pass over the template: a value is never scanned again, so a message such as
  // '${upgrades}' is written as it is instead of being expanded.
  std::string out;
  for (size_t i = 0; i < templateText.size();) {
    size_t open = templateText.find("${", i);
    if (open == std::string::npos) {
      out.append(templateText, i, std::string::npos);
      break;
    }
    out.append(templateText, i, open - i);
    size_t close = templateText.find('}', open + 2);
    const std::pair<std::string, std::string>* match = nullptr;
    if (close != std::string::npos) {
      std::string_view name(templateText.data() + open + 2, close - open - 2);
      for (const auto& entry : values) {
        if (entry.first == name) match = &entry;
      }
    }
    if (match) {
      out += match->second;
      i = close + 1;
    } else {
      out += "${";
      i = open + 2;
    }
  }
  // Empty values leave "-- key: " with a trailing blank; trim trailing blanks on every line.
  std::string trimmed;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    trimmed += line + "\n";
  }
  return trimmed;
}

std::filesystem::path writeRevision(const ScriptDirectory& scripts, const NewRevision& request) {
  const RevisionGraph& graph = scripts.graph();
  RevisionResolver resolver(graph);
  const std::string rev = request.revisionId.empty() ? randomRevisionId() : request.revisionId;
  if (std::string bad = validateRevisionId(rev); !bad.empty()) throw CommandError(bad);
  if (hasControlByte(request.message)) {
    throw CommandError("message '" + printable(request.message) +
                       "' contains a control byte; a message is one line of printable text");
  }
  for (const auto* list : {&request.branchLabels, &request.dependsOn, &request.heads}) {
    for (const std::string& item : *list) {
      if (hasControlByte(item) || item.find(',') != std::string::npos) {
        throw CommandError("'" + printable(item) +
                           "' is not a revision or label: it holds a comma or a control byte");
      }
    }
  }
  if (graph.find(rev) >= 0) {
    throw CommandError("Revision " + rev + " is already present in " +
                       graph.script(graph.find(rev)).path.string());
  }
  RevisionErrorTexts texts;
  texts.multipleHeads =
      "Multiple heads are present; please specify the head revision on which the new revision "
      "should be based, "
      "or perform a merge.";
  RevisionSet heads =
      translateRevisionErrors(texts, [&] { return resolver.getRevisions(request.heads); });
  std::vector<RevisionIndex> sorted = heads;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    throw CommandError("Duplicate head revisions specified");
  }
  if (!request.splice) {
    for (RevisionIndex h : heads) {
      if (!graph.isHead(h)) {
        throw CommandError("Revision " + graph.id(h) +
                           " is not a head revision; please specify --splice to create a new "
                           "branch from this revision");
      }
    }
  }
  for (const std::string& label : request.branchLabels) {
    RevisionIndex owner = graph.findLabel(label);
    if (owner < 0) owner = graph.find(label);
    if (owner >= 0) {
      throw CommandError("Branch name '" + label + "' in revision " + rev +
                         " already used by revision " + graph.id(owner));
    }
  }
  std::vector<std::string> dependsOn;
  for (const std::string& dep : request.dependsOn) {
    RevisionIndex d = translateRevisionErrors({}, [&] { return resolver.getRevision(dep); });
    const auto& labels = graph.branchLabels(d);
    // Branch labels are kept as written; partial ids are expanded, as Alembic does.
    dependsOn.push_back(std::find(labels.begin(), labels.end(), dep) != labels.end() ? dep
                                                                                     : graph.id(d));
  }
  std::vector<std::string> downIds;
  for (RevisionIndex h : heads) downIds.push_back(graph.id(h));

  auto now = std::chrono::system_clock::now();
  std::time_t epoch = std::chrono::system_clock::to_time_t(now);
  std::tm when{};
  if (scripts.settings().utc)
    gmtime_r(&epoch, &when);
  else
    localtime_r(&epoch, &when);
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1000000;
  char createDate[64];
  std::snprintf(createDate, sizeof createDate, "%04d-%02d-%02d %02d:%02d:%02d.%06lld",
                when.tm_year + 1900, when.tm_mon + 1, when.tm_mday, when.tm_hour, when.tm_min,
                when.tm_sec, static_cast<long long>(micros));

  const std::string message = request.message.empty() ? "empty message" : request.message;
  // An Alembic project (alembic_project.hpp) gets a .py script from its script.py.mako.
  const bool alembic = scripts.templatePath().extension() == ".mako";
  std::string fileName =
      renderFileTemplate(scripts.settings().fileTemplate, rev,
                         slugify(request.message, scripts.settings().truncateSlugLength), when,
                         epoch) +
      (alembic ? ".py" : ".sql");
  std::filesystem::path path = scriptPathInside(scripts.versionsPath(), fileName);
  if (std::filesystem::exists(path))
    throw CommandError("File " + path.string() + " already exists");

  if (alembic) {
    if (!request.upgradeSql.empty() || !request.downgradeSql.empty())
      throw CommandError("autogenerate writes .sql scripts; convert the Alembic project first");
    std::string text = renderAlembicRevision(
        scripts.templatePath(),
        {rev, downIds, request.branchLabels, dependsOn, createDate, request.message});
    alembicScript(path, text);  // a template that breaks the identifiers fails here
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path);
    out << text;
    if (!out) throw CommandError("cannot write " + path.string());
    return path;
  }
  std::string templateText =
      readFileIfExists(scripts.templatePath()).value_or(std::string(kDefaultScriptTemplate));
  std::string text =
      renderScriptTemplate(templateText, {{"up_revision", rev},
                                          {"down_revision", join(downIds)},
                                          {"branch_labels", join(request.branchLabels)},
                                          {"depends_on", join(dependsOn)},
                                          {"create_date", createDate},
                                          {"message", message},
                                          {"upgrades", request.upgradeSql},
                                          {"downgrades", request.downgradeSql}});
  // Parse what we are about to write, so a broken template fails here, not at the next run.
  parseScript(path, text);
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path);
  out << text;
  if (!out) throw CommandError("cannot write " + path.string());
  return path;
}

}  // namespace retort::engine
