// The names PostgreSQL gives what a statement creates without naming it: `users_pkey`,
// `users_email_key`, `users_role_id_fkey`, `users_email_check`, `users_name_idx`,
// `users_id_seq`. A port of makeObjectName() and ChooseIndexNameAddition() (PostgreSQL's
// src/backend/commands/indexcmds.c), including the truncation to 63 bytes that shortens the
// longer of the two name parts first. The numbered variants the server picks on a collision
// (`users_email_key1`) are not produced: callers detect the collision instead.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace retort::engine::schema {

// "<name1>_<name2>_<label>" shortened to 63 bytes; `name2` may be empty (no middle part).
// nullopt when shortening would have to cut a multi-byte character, which this port does not
// reproduce.
std::optional<std::string> generatedName(const std::string& name1, const std::string& name2,
                                         const std::string& label);

// The middle part for a list of columns: their names joined by "_", stopping once 63 bytes
// are reached (the server's ChooseIndexNameAddition and ChooseForeignKeyConstraintNameAddition).
std::string columnsNamePart(const std::vector<std::string>& columns);

}  // namespace retort::engine::schema
