#include "cli/version_table_option.hpp"

#include "engine/util/printable.hpp"

namespace retort::cli {

std::string versionTableNameProblem(const std::string& name) {
  if (name.empty()) return "the version table name is empty";
  if (engine::hasControlByte(name)) {
    return "version table name '" + engine::printable(name) + "' contains a control byte";
  }
  if (name.size() > kMaxVersionTableNameBytes) {
    return "version table name '" + name + "' is " + std::to_string(name.size()) +
           " bytes long; at most " + std::to_string(kMaxVersionTableNameBytes) +
           " fit, so that its history table '" + name +
           "_history' stays within PostgreSQL's 63-byte names";
  }
  return "";
}

}  // namespace retort::cli
