-- revision: 1d6e4f8a3b04
-- down_revision: 9c5d3e7f2a03
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-01 09:30:00
-- message: restocks by admins
-- transactional: true

-- migrate:upgrade
CREATE TABLE restocks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sweet_id BIGINT NOT NULL,
    admin_id BIGINT NOT NULL,
    quantity INTEGER NOT NULL,
    note TEXT,
    restocked_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT restocks_sweet_id_fkey FOREIGN KEY (sweet_id) REFERENCES sweets (id) ON DELETE CASCADE,
    CONSTRAINT restocks_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT restocks_quantity_check CHECK (quantity > 0)
);

CREATE INDEX restocks_sweet_id_restocked_at_idx ON restocks (sweet_id, restocked_at DESC);
CREATE INDEX restocks_admin_id_idx ON restocks (admin_id);

-- migrate:downgrade
DROP TABLE restocks;
