// Text taken from users or files, made safe to show on a terminal or in a log line: control
// bytes (below 0x20, and 0x7f) are written as \xNN, so a revision id or a message cannot move
// the cursor, clear the screen or forge a line of output. Other bytes pass unchanged.
#pragma once

#include <string>
#include <string_view>

namespace retort::engine {

std::string printable(std::string_view text);

// True when `text` holds a byte printable() would escape.
bool hasControlByte(std::string_view text);

}  // namespace retort::engine
