// In-script acknowledgements of lint findings. A comment
//   -- retort:ack <rule-id> <reason>
// acknowledges that rule for the statement it precedes (in the comment block right above
// it), sits inside, or ends the line of; `-- retort:ack-file <rule-id> <reason>` covers the
// whole file. The reason is mandatory: it is what a reviewer reads instead of the warning.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace retort::engine::lint {

struct Acknowledgement {
  std::string ruleId;
  std::string reason;  // empty when the author left it out (then it does not count)
  int line = 0;
  bool wholeFile = false;
};

std::vector<Acknowledgement> findAcknowledgements(std::string_view sql, int firstLine);

}  // namespace retort::engine::lint
