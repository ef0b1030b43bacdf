-- revision: c0000000003
-- down_revision: c0000000002
-- message: statements that hold strong locks for a long time on existing tables
-- transactional: true

-- migrate:upgrade
CREATE INDEX users_email_idx ON users (email); -- expect: index-without-concurrently
CREATE UNIQUE INDEX purchases_token_idx ON purchases USING btree (token) WHERE note IS NOT NULL; -- expect: index-without-concurrently
ALTER TABLE users ADD COLUMN api_key UUID DEFAULT gen_random_uuid(); -- expect: volatile-default
ALTER TABLE users ADD COLUMN seen_at TIMESTAMPTZ DEFAULT clock_timestamp(); -- expect: volatile-default
ALTER TABLE users ADD COLUMN legacy_id SERIAL; -- expect: volatile-default, prefer-bigint
ALTER TABLE users ADD COLUMN double_karma INTEGER GENERATED ALWAYS AS (karma * 2) STORED; -- expect: volatile-default
ALTER TABLE users ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now();
ALTER TABLE users ADD COLUMN tier SMALLINT DEFAULT 1;
ALTER TABLE users ADD COLUMN bio TEXT;
ALTER TABLE users ADD COLUMN country TEXT NOT NULL; -- expect: add-required-column
ALTER TABLE purchases ALTER COLUMN sweet_id SET NOT NULL; -- expect: set-not-null
ALTER TABLE purchases ADD CONSTRAINT purchases_note_not_null CHECK (note IS NOT NULL) NOT VALID;
ALTER TABLE purchases VALIDATE CONSTRAINT purchases_note_not_null; -- expect: work-while-locked
ALTER TABLE purchases ALTER COLUMN note SET NOT NULL;
ALTER TABLE purchases ADD CONSTRAINT purchases_sweet_fk FOREIGN KEY (sweet_id) REFERENCES sweets (id); -- expect: constraint-missing-not-valid
ALTER TABLE purchases ADD CONSTRAINT purchases_sweet_fk2 FOREIGN KEY (sweet_id) REFERENCES sweets (id) NOT VALID;
ALTER TABLE purchases ADD CONSTRAINT purchases_small CHECK (quantity < 1000); -- expect: constraint-missing-not-valid
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email); -- expect: unique-constraint-without-index
ALTER TABLE users ADD CONSTRAINT users_email_key2 UNIQUE USING INDEX users_email_idx;
ALTER TABLE users ALTER COLUMN karma TYPE BIGINT; -- expect: changing-column-type
ALTER TABLE mystery ALTER COLUMN x TYPE TEXT; -- expect: changing-column-type
ALTER TABLE users -- expect: drop-column
    ADD COLUMN a INTEGER,
    DROP COLUMN bio;

-- migrate:downgrade
ALTER TABLE users DROP COLUMN api_key;
