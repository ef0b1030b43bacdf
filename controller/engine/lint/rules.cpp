#include "engine/lint/rules.hpp"

#include <stdexcept>

namespace retort::engine::lint {

const std::vector<Rule>& allRules() {
  static const std::vector<Rule> rules = {
      {"drop-table", Severity::Error, Category::DataLoss, "DROP TABLE deletes the table's rows"},
      {"drop-column", Severity::Error, Category::DataLoss,
       "ALTER TABLE ... DROP COLUMN deletes the column's values"},
      {"drop-schema", Severity::Error, Category::DataLoss, "DROP SCHEMA deletes what it holds"},
      {"drop-database", Severity::Error, Category::DataLoss,
       "DROP DATABASE deletes a whole database"},
      {"truncate", Severity::Error, Category::DataLoss,
       "TRUNCATE deletes every row (with CASCADE, those of referencing tables too)"},
      {"narrowing-type", Severity::Error, Category::DataLoss,
       "ALTER COLUMN ... TYPE to a narrower type can fail or cut values"},
      {"changing-column-type", Severity::Warning, Category::Locking,
       "ALTER COLUMN ... TYPE rewrites the table under an ACCESS EXCLUSIVE lock"},
      {"index-without-concurrently", Severity::Warning, Category::Locking,
       "CREATE INDEX on an existing table blocks writes; use CONCURRENTLY"},
      {"volatile-default", Severity::Warning, Category::Locking,
       "ADD COLUMN with a volatile default (or a stored generated column) rewrites the table"},
      {"add-required-column", Severity::Warning, Category::Locking,
       "ADD COLUMN ... NOT NULL without a default fails on a table that has rows"},
      {"set-not-null", Severity::Warning, Category::Locking,
       "SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock; validate a CHECK "
       "(col IS NOT NULL) NOT VALID constraint first"},
      {"constraint-missing-not-valid", Severity::Warning, Category::Locking,
       "ADD CONSTRAINT (CHECK, FOREIGN KEY) on an existing table validates every row under "
       "lock; add it NOT VALID and VALIDATE it separately"},
      {"unique-constraint-without-index", Severity::Warning, Category::Locking,
       "ADD UNIQUE / PRIMARY KEY on an existing table builds the index under lock; build it "
       "CONCURRENTLY and attach it with USING INDEX"},
      {"exclusion-constraint", Severity::Warning, Category::Locking,
       "ADD EXCLUDE on an existing table builds its index and checks every row under an ACCESS "
       "EXCLUSIVE lock, and has no NOT VALID form"},
      {"drop-index-without-concurrently", Severity::Warning, Category::Locking,
       "DROP INDEX takes an ACCESS EXCLUSIVE lock on its table; use DROP INDEX CONCURRENTLY"},
      {"reindex-without-concurrently", Severity::Warning, Category::Locking,
       "REINDEX blocks writes (and reads using the index) while it rebuilds; use REINDEX "
       "CONCURRENTLY"},
      {"detach-partition-without-concurrently", Severity::Warning, Category::Locking,
       "DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the parent; use DETACH PARTITION "
       "... CONCURRENTLY"},
      {"vacuum-full-or-cluster", Severity::Warning, Category::Locking,
       "VACUUM FULL and CLUSTER rewrite the table under an ACCESS EXCLUSIVE lock; use pg_repack "
       "or a plain VACUUM"},
      {"lock-table", Severity::Warning, Category::Locking,
       "LOCK TABLE in a mode that blocks writes holds it until the step commits"},
      {"work-while-locked", Severity::Warning, Category::Locking,
       "VALIDATE CONSTRAINT, UPDATE or DELETE in the same transaction as a statement that locked "
       "the table keeps that lock for the whole scan; give it a step of its own"},
      {"lock-timeout-override", Severity::Warning, Category::Locking,
       "SET lock_timeout / statement_timeout in a script replaces the runner's lock budget"},
      {"prefer-bigint", Severity::Info, Category::Locking,
       "a serial/identity key of type integer or smallint runs out; widening it later rewrites "
       "the table"},
      {"add-json-column", Severity::Warning, Category::Compatibility,
       "ADD COLUMN of type json breaks the application's SELECT DISTINCT over the table; use "
       "jsonb"},
      {"rename-table", Severity::Warning, Category::Compatibility,
       "RENAME of a table or view breaks the running application's queries"},
      {"rename-column", Severity::Warning, Category::Compatibility,
       "RENAME COLUMN breaks the running application's queries"},
      {"rename-schema", Severity::Warning, Category::Compatibility,
       "ALTER SCHEMA ... RENAME breaks every query naming the schema"},
      {"rename-enum-value", Severity::Warning, Category::Compatibility,
       "ALTER TYPE ... RENAME VALUE breaks the application's reads and writes of that value"},
      {"concurrently-in-transaction", Severity::Error, Category::Transaction,
       "CONCURRENTLY cannot run inside a transaction; mark the script `transactional: false`"},
      {"not-in-transaction", Severity::Error, Category::Transaction,
       "VACUUM, CREATE/DROP DATABASE, ALTER SYSTEM and the like cannot run inside a "
       "transaction; mark the script `transactional: false`"},
      {"transaction-control", Severity::Error, Category::Transaction,
       "BEGIN/COMMIT/ROLLBACK in a script fight Retort's own transaction per step"},
      {"identifier-too-long", Severity::Warning, Category::Script,
       "a name longer than 63 bytes, which PostgreSQL silently cuts"},
      {"missing-downgrade", Severity::Warning, Category::Script,
       "the script has no downgrade section, so it cannot be rolled back"},
      {"syntax-error", Severity::Error, Category::Script, "PostgreSQL's parser rejects the SQL"},
      {"ack-without-reason", Severity::Warning, Category::Script,
       "a retort:ack comment must give a reason; it is ignored without one"},
  };
  return rules;
}

const Rule& rule(const std::string& id) {
  for (const Rule& candidate : allRules()) {
    if (candidate.id == id) return candidate;
  }
  throw std::out_of_range("unknown lint rule " + id);
}

bool isKnownRule(const std::string& id) {
  for (const Rule& candidate : allRules()) {
    if (candidate.id == id) return true;
  }
  return false;
}

}  // namespace retort::engine::lint
