-- revision: c0000000007
-- down_revision: c0000000006
-- message: an upgrade that cannot be rolled back
-- transactional: true

-- migrate:upgrade
-- expect-file: missing-downgrade
UPDATE users SET karma = 0 WHERE karma IS NULL;
