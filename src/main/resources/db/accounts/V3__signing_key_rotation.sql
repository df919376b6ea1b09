-- Signing keys with rotation (SigningKeys, SigningKeyRing). Each key that ever signs has a
-- generation: the first is 1, each rotation adds the next. The unique generation is what makes
-- the keys race-free: replicas that start together on an empty table all try to store
-- generation 1, one wins, and every one of them reads back and uses the one stored key.
-- A key signs from activates_at (a rotated key is published in the JWKS before it signs) until
-- the next generation's activates_at, and verifies until then plus the token lifetime.
-- retires_at ends a key early (only the keys below have it).
ALTER TABLE accounts_signing_keys ADD COLUMN generation INTEGER;
ALTER TABLE accounts_signing_keys ADD COLUMN activates_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE accounts_signing_keys ADD COLUMN retires_at TIMESTAMP WITH TIME ZONE;

UPDATE accounts_signing_keys SET activates_at = created_at;

-- The key that every replica of the previous version signed with after a restart: the first.
UPDATE accounts_signing_keys SET generation = 1
 WHERE kid = (SELECT kid FROM accounts_signing_keys ORDER BY created_at, kid FETCH FIRST 1 ROW ONLY);

-- Keys that replicas of the previous version, started together, generated each for itself: they
-- no longer sign, and verify the tokens they signed for one more token lifetime.
UPDATE accounts_signing_keys SET retires_at = CURRENT_TIMESTAMP WHERE generation IS NULL;

ALTER TABLE accounts_signing_keys ALTER COLUMN activates_at SET NOT NULL;
ALTER TABLE accounts_signing_keys ADD CONSTRAINT accounts_signing_keys_generation UNIQUE (generation);
