-- revision: 4e7f5a9b2c05
-- down_revision: 1d6e4f8a3b04
-- branch_labels:
-- depends_on:
-- create_date: 2026-11-01 09:40:00
-- message: reviews
-- transactional: true

-- migrate:upgrade
CREATE TABLE reviews (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL,
    sweet_id BIGINT NOT NULL,
    rating SMALLINT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT reviews_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT reviews_sweet_id_fkey FOREIGN KEY (sweet_id) REFERENCES sweets (id) ON DELETE CASCADE,
    CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5),
    CONSTRAINT reviews_user_id_sweet_id_key UNIQUE (user_id, sweet_id)
);

CREATE INDEX reviews_sweet_id_idx ON reviews (sweet_id);

-- migrate:downgrade
DROP TABLE reviews;
