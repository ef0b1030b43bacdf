#include "engine/lint/acknowledgement.hpp"

#include <sstream>
#include <string_view>

namespace retort::engine::lint {

std::vector<Acknowledgement> findAcknowledgements(std::string_view sql, int firstLine) {
  std::vector<Acknowledgement> found;
  // Line by line in place: a stream over `sql` would copy the whole file or section.
  int line = firstLine;
  for (size_t from = 0; from < sql.size(); ++line) {
    size_t newline = sql.find('\n', from);
    if (newline == std::string_view::npos) newline = sql.size();
    std::string_view text(sql.data() + from, newline - from);
    from = newline + 1;
    size_t comment = text.find("--");
    if (comment == std::string_view::npos) continue;
    std::istringstream words(std::string(text.substr(comment + 2)));
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
    if (another != std::string_view::npos) ack.reason.resize(another);
    size_t start = ack.reason.find_first_not_of(" \t");
    size_t end = ack.reason.find_last_not_of(" \t\r");
    ack.reason = start == std::string_view::npos ? "" : ack.reason.substr(start, end - start + 1);
    found.push_back(std::move(ack));
  }
  return found;
}

}  // namespace retort::engine::lint
