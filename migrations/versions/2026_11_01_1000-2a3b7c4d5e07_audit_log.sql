-- revision: 2a3b7c4d5e07
-- down_revision: 8f1a6b2c3d06
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-01 10:00:00
-- message: audit log
-- transactional: true

-- migrate:upgrade
CREATE TYPE audit_action AS ENUM ('create', 'update', 'delete', 'login', 'logout', 'restock', 'purchase');

-- The actor is kept as NULL when a user is deleted so that the trail itself survives.
CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id BIGINT,
    action audit_action NOT NULL,
    entity_type VARCHAR(64) NOT NULL,
    entity_id TEXT,
    details JSONB NOT NULL DEFAULT '{}'::jsonb,
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES users (id) ON DELETE SET NULL
);

CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor_id_idx ON audit_log (actor_id);

-- migrate:downgrade
DROP TABLE audit_log;
DROP TYPE audit_action;
