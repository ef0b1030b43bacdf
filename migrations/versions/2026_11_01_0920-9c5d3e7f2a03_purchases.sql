-- revision: 9c5d3e7f2a03
-- down_revision: 7b4e2d8a1c02
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-01 09:20:00
-- message: purchases
-- transactional: true

-- migrate:upgrade
CREATE TABLE purchases (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL,
    sweet_id BIGINT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    total_cents INTEGER GENERATED ALWAYS AS (quantity * unit_price_cents) STORED,
    purchased_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- RESTRICT: purchases are accounting records, so a buyer cannot be deleted outright.
    CONSTRAINT purchases_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT purchases_sweet_id_fkey FOREIGN KEY (sweet_id) REFERENCES sweets (id) ON DELETE RESTRICT,
    CONSTRAINT purchases_quantity_check CHECK (quantity > 0),
    CONSTRAINT purchases_unit_price_cents_check CHECK (unit_price_cents > 0)
);

CREATE INDEX purchases_user_id_purchased_at_idx ON purchases (user_id, purchased_at DESC);
CREATE INDEX purchases_sweet_id_idx ON purchases (sweet_id);

-- migrate:downgrade
DROP TABLE purchases;
