-- revision: c0000000011
-- down_revision: c0000000010
-- message: the safe split: the NOT VALID constraints came in the previous step
-- transactional: true

-- migrate:upgrade
ALTER TABLE users VALIDATE CONSTRAINT users_karma_positive;
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users ALTER COLUMN karma SET NOT NULL; -- expect: set-not-null

-- migrate:downgrade
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
