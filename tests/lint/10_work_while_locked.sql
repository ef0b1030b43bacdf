-- revision: c0000000010
-- down_revision: c0000000009
-- message: a scan or backfill in the transaction that already locked the table
-- transactional: true

-- migrate:upgrade
UPDATE purchases SET note = '' WHERE note IS NULL;
ALTER TABLE purchases ADD COLUMN discount INTEGER;
UPDATE purchases SET discount = 0; -- expect: work-while-locked
DELETE FROM purchases WHERE quantity = 0; -- expect: work-while-locked
ALTER TABLE users ADD CONSTRAINT users_karma_positive CHECK (karma >= 0) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_karma_positive; -- expect: work-while-locked
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
UPDATE audit_entries SET seen = true;

-- migrate:downgrade
SELECT 1;
