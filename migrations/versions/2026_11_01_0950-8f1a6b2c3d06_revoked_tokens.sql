-- revision: 8f1a6b2c3d06
-- down_revision: 4e7f5a9b2c05
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-01 09:50:00
-- message: revoked JWT tokens
-- transactional: true

-- migrate:upgrade
-- A token is identified by its `jti` claim; rows can be purged once `expires_at` has passed.
CREATE TABLE revoked_tokens (
    jti UUID PRIMARY KEY,
    user_id BIGINT NOT NULL,
    revoked_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    reason VARCHAR(64) NOT NULL DEFAULT 'logout',
    CONSTRAINT revoked_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT revoked_tokens_expiry_check CHECK (expires_at > revoked_at)
);

CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);
CREATE INDEX revoked_tokens_user_id_idx ON revoked_tokens (user_id);

-- migrate:downgrade
DROP TABLE revoked_tokens;
