package dev.microposts.accounts;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The accounts module's settings.
 *
 * @param token the tokens it issues
 * @param jwt the key that signs them
 * @param password how passwords are hashed
 * @param jwks how processes that do not run the module fetch its public keys
 */
@ConfigurationProperties("microposts")
record AccountsProperties(
        @DefaultValue Token token,
        @DefaultValue Jwt jwt,
        @DefaultValue Password password,
        @DefaultValue Jwks jwks) {

    /**
     * Tokens.
     *
     * @param ttl how long a token is accepted after it is issued (ISO-8601 or 1h, 30m)
     */
    record Token(@DefaultValue("PT1H") Duration ttl) {

        Token {
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("microposts.token.ttl must be positive, not " + ttl);
            }
        }
    }

    /**
     * The signing key.
     *
     * @param privateKey RSA private key (PKCS#8 PEM) that signs tokens; when unset, one is generated
     * on first start and stored in the accounts tables
     * @param encryptionKey 32 random bytes in base64 (openssl rand -base64 32) with which the stored
     * private signing keys are encrypted (AES-256-GCM); when unset they are stored unencrypted
     */
    record Jwt(
            @DefaultValue("") String privateKey,
            @DefaultValue("") String encryptionKey) {

        @Override
        public String toString() {
            return "Jwt[privateKey=" + (privateKey.isBlank() ? "(unset)" : "(set)") + ", encryptionKey="
                    + (encryptionKey.isBlank() ? "(unset)" : "(set)") + "]";
        }
    }

    /**
     * The accounts module's public keys as the processes that do not run it fetch them (from its
     * {@code /.well-known/jwks.json}).
     *
     * @param cache how long a fetched key set is used before it is fetched again (refreshed in the
     * background shortly before); a rotated key starts signing this long (and a minute) after it
     * is published
     * @param refetchInterval a token signed with a key that is not in the key set fetches the set
     * again at most twice in this interval, however many such tokens arrive; less than the cache
     * @param outageTolerance how long the last fetched key set keeps verifying tokens while the
     * accounts module cannot be reached
     */
    record Jwks(
            @DefaultValue("5m") Duration cache,
            @DefaultValue("30s") Duration refetchInterval,
            @DefaultValue("24h") Duration outageTolerance) {

        Jwks {
            if (refetchInterval.isNegative() || refetchInterval.isZero() || refetchInterval.compareTo(cache) >= 0) {
                throw new IllegalArgumentException("microposts.jwks.refetch-interval must be positive and less than "
                        + "microposts.jwks.cache, not " + refetchInterval + " (cache " + cache + ")");
            }
            if (outageTolerance.isNegative()) {
                throw new IllegalArgumentException(
                        "microposts.jwks.outage-tolerance must not be negative, not " + outageTolerance);
            }
        }
    }

    /**
     * Password hashing.
     *
     * @param argon2 Argon2id's cost parameters
     * @param maxConcurrent how many password hashes (logins and registrations) may run at once in
     * a process; when unset, twice the processors, fewer when a quarter of the heap cannot hold
     * that many hashes' memory
     * @param maxWait how long a login or registration waits for its turn to hash before it is
     * answered 503 with Retry-After
     */
    record Password(
            @DefaultValue Argon2 argon2,
            Integer maxConcurrent,
            @DefaultValue("2s") Duration maxWait) {

        Password {
            if (maxConcurrent != null && maxConcurrent < 1) {
                throw new IllegalArgumentException(
                        "microposts.password.max-concurrent must be at least 1, not " + maxConcurrent);
            }
            if (maxWait.isNegative()) {
                throw new IllegalArgumentException("microposts.password.max-wait must not be negative, not " + maxWait);
            }
        }
    }

    /**
     * Argon2id's cost: every login and registration takes this much memory and time.
     *
     * @param memoryKib memory per hash, in KiB
     * @param iterations passes over that memory
     */
    record Argon2(
            @DefaultValue("16384") int memoryKib,
            @DefaultValue("2") int iterations) {

        Argon2 {
            if (memoryKib < 1024 || iterations < 1) {
                throw new IllegalArgumentException(
                        "microposts.password.argon2 needs memory-kib >= 1024 and iterations >= 1");
            }
        }
    }
}
