-- The first answer to a create sent with an Idempotency-Key, kept 24 hours: a retry with the same
-- key and body by the same author answers it again instead of creating a second micropost.
CREATE TABLE posts_idempotency_keys (
    author       VARCHAR(50)              NOT NULL,
    idem_key     VARCHAR(255)             NOT NULL,
    request_hash VARCHAR(64)              NOT NULL,
    micropost_id BIGINT                   NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (author, idem_key)
);
