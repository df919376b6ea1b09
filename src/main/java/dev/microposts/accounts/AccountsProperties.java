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
 */
@ConfigurationProperties("microposts")
record AccountsProperties(@DefaultValue Token token, @DefaultValue Jwt jwt, @DefaultValue Password password) {

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
	 */
	record Jwt(@DefaultValue("") String privateKey) {
	}

	/**
	 * Password hashing.
	 *
	 * @param argon2 Argon2id's cost parameters
	 */
	record Password(@DefaultValue Argon2 argon2) {
	}

	/**
	 * Argon2id's cost: every login and registration takes this much memory and time.
	 *
	 * @param memoryKib memory per hash, in KiB
	 * @param iterations passes over that memory
	 */
	record Argon2(@DefaultValue("16384") int memoryKib, @DefaultValue("2") int iterations) {

		Argon2 {
			if (memoryKib < 1024 || iterations < 1) {
				throw new IllegalArgumentException(
						"microposts.password.argon2 needs memory-kib >= 1024 and iterations >= 1");
			}
		}
	}
}
