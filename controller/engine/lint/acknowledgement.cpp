#include "engine/lint/acknowledgement.hpp"

#include <sstream>

namespace retort::engine::lint {

std::vector<Acknowledgement> findAcknowledgements(const std::string& sql, int firstLine) {
  std::vector<Acknowledgement> found;
  std::istringstream lines(sql);
  std::string text;
  int line = firstLine;
  for (; std::getline(lines, text); ++line) {
    size_t comment = text.find("--");
    if (comment == std::string::npos) continue;
    std::istringstream words(text.substr(comment + 2));
    std::string marker;
    words >> marker;
    if (marker != "retort:ack" && marker != "retort:ack-file") continue;
    Acknowledgement ack;
    ack.line = line;
    ack.wholeFile = marker == "retort:ack-file";
    words >> ack.ruleId;
    std::getline(words, ack.reason);
    // A second comment marker ends the reason: `-- retort:ack rule reason -- other note`.
    size_t another = ack.reason.find("--");
    if (another != std::string::npos) ack.reason.resize(another);
    size_t start = ack.reason.find_first_not_of(" \t");
    size_t end = ack.reason.find_last_not_of(" \t\r");
    ack.reason = start == std::string::npos ? "" : ack.reason.substr(start, end - start + 1);
    found.push_back(std::move(ack));
  }
  return found;
}

}  // namespace retort::engine::lint
