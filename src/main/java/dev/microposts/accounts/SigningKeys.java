package dev.microposts.accounts;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * The RS256 keys that sign tokens. Given by {@code MICROPOSTS_JWT_PRIVATE_KEY} (a PKCS#8 PEM RSA
 * key, then the only key), or stored in the accounts database: generated on the first start, one
 * for all replicas (the first generation is stored at most once, and every replica uses the
 * stored one), rotated by {@code java -jar microposts.jar rotate-signing-key}
 * ({@link SigningKeyCommand}) with overlap ({@link SigningKeyRing}), and sealed with
 * {@code MICROPOSTS_JWT_ENCRYPTION_KEY} when it is set ({@link KeyEncryption}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnModule(ModuleId.ACCOUNTS)
class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    @Bean
    SigningKeyRing signingKeyRing(Users users, AccountsProperties settings) {
        String pem = settings.jwt().privateKey();
        if (!pem.isBlank()) {
            return SigningKeyRing.of(fromPem(pem));
        }
        KeyEncryption encryption = KeyEncryption.of(settings.jwt().encryptionKey());
        if (!encryption.enabled()) {
            log.warn("MICROPOSTS_JWT_ENCRYPTION_KEY is not set: the private keys that sign tokens are stored "
                    + "unencrypted in the accounts database (accounts_signing_keys). Set it (openssl rand -base64 32) "
                    + "to encrypt them, or give the key in MICROPOSTS_JWT_PRIVATE_KEY.");
        }
        return stored(users, encryption, settings.token().ttl(), Clock.systemUTC());
    }

    @Bean
    JwtEncoder jwtEncoder(SigningKeyRing keys) {
        return new NimbusJwtEncoder(keys.signingSource());
    }

    @Bean
    JwtDecoder localJwtDecoder(SigningKeyRing keys) {
        return TokenVerification.withValidation(
                NimbusJwtDecoder.withJwkSource(keys).build());
    }

    /**
     * The stored keys of one replica: makes sure that there is one (race-free), seals the plain
     * ones when there is an encryption key, and reads them.
     */
    static SigningKeyRing stored(Users users, KeyEncryption encryption, Duration tokenTtl, Clock clock) {
        ensureKey(users, encryption, clock.instant());
        if (encryption.enabled()) {
            sealPlainKeys(users, encryption);
        }
        return new SigningKeyRing(() -> read(users, encryption), tokenTtl, clock);
    }

    /**
     * Stores a first key unless there is one. Replicas that start together each try to store
     * generation 1; the table's unique generation lets one of them in, and all of them then read
     * the stored key, never their own.
     */
    static void ensureKey(Users users, KeyEncryption encryption, Instant now) {
        if (users.signingKeys().stream().anyMatch(key -> key.generation() != null)) {
            return;
        }
        RSAKey key = generate();
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        if (users.insertSigningKey(new Users.StoredKey(
                key.getKeyID(), encryption.seal(key.getKeyID(), key.toJSONString()), 1, at, at, null))) {
            log.info(
                    "Generated the token signing key {} and stored it{}",
                    key.getKeyID(),
                    encryption.enabled() ? ", encrypted" : "");
        }
    }

    /** Seals every stored key that is plain JSON (stored before there was an encryption key). */
    static void sealPlainKeys(Users users, KeyEncryption encryption) {
        for (Users.StoredKey key : users.signingKeys()) {
            if (!KeyEncryption.isSealed(key.jwk())
                    && users.replaceSigningKeyJwk(key.kid(), key.jwk(), encryption.seal(key.kid(), key.jwk()))) {
                log.info("Encrypted the stored token signing key {}", key.kid());
            }
        }
    }

    static List<SigningKeyRing.Entry> read(Users users, KeyEncryption encryption) {
        List<SigningKeyRing.Entry> entries = new ArrayList<>();
        for (Users.StoredKey key : users.signingKeys()) {
            entries.add(new SigningKeyRing.Entry(
                    parse(encryption.open(key.kid(), key.jwk())),
                    key.generation(),
                    key.activatesAt(),
                    key.retiresAt()));
        }
        return entries;
    }

    /**
     * What a rotation did: the new key, when it starts signing, the key it replaces (null when
     * there was none) and until when that one still verifies, and the keys it removed (their last
     * tokens had expired).
     */
    record Rotation(
            String kid,
            int generation,
            Instant activatesAt,
            String previousKid,
            Instant previousVerifiesUntil,
            List<String> removed) {}

    /**
     * Stores a new key as the next generation. It is published (in the JWKS, and accepted) at once
     * and signs from {@code now + publishAhead}, when every process has fetched it; the key it
     * replaces verifies until then plus the token lifetime and {@link SigningKeyRing#MARGIN}. Keys
     * that no longer verify are deleted.
     */
    static Rotation rotate(
            Users users, KeyEncryption encryption, Duration publishAhead, Duration tokenTtl, Instant now) {
        List<Users.StoredKey> stored = users.signingKeys();
        for (Users.StoredKey key : stored) {
            encryption.open(key.kid(), key.jwk()); // refuses a wrong encryption key before anything changes
        }
        List<SigningKeyRing.Entry> before = read(users, encryption);
        SigningKeyRing.Entry previous = before.stream()
                .filter(entry -> entry.generation() != null)
                .reduce((first, second) -> second)
                .orElse(null);
        int generation = previous == null ? 1 : previous.generation() + 1;
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        Instant activatesAt = previous == null ? at : at.plus(publishAhead);
        RSAKey key = generate();
        if (!users.insertSigningKey(new Users.StoredKey(
                key.getKeyID(),
                encryption.seal(key.getKeyID(), key.toJSONString()),
                generation,
                at,
                activatesAt,
                null))) {
            throw new IllegalStateException("Another rotation stored signing key generation " + generation
                    + " at the same time; this one changed nothing");
        }
        List<SigningKeyRing.Entry> after = read(users, encryption);
        SigningKeyRing ring = new SigningKeyRing(() -> after, tokenTtl, Clock.fixed(now, java.time.ZoneOffset.UTC));
        List<String> removed = new ArrayList<>();
        for (SigningKeyRing.Entry entry : after) {
            if (!ring.verifies(entry, after, now)) {
                users.deleteSigningKey(entry.key().getKeyID());
                removed.add(entry.key().getKeyID());
            }
        }
        return new Rotation(
                key.getKeyID(),
                generation,
                activatesAt,
                previous == null ? null : previous.key().getKeyID(),
                previous == null ? null : activatesAt.plus(tokenTtl).plus(SigningKeyRing.MARGIN),
                removed);
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048)
                    .keyUse(KeyUse.SIGNATURE)
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException ex) {
            throw new IllegalStateException("Could not generate a signing key", ex);
        }
    }

    private static RSAKey parse(String jwk) {
        try {
            return RSAKey.parse(jwk);
        } catch (ParseException ex) {
            throw new IllegalStateException("A stored signing key is not a valid RSA JWK", ex);
        }
    }

    static RSAKey fromPem(String pem) {
        try {
            String base64 =
                    pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            var factory = KeyFactory.getInstance("RSA");
            var privateKey = (RSAPrivateCrtKey) factory.generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            var publicKey = (RSAPublicKey) factory.generatePublic(
                    new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
            return new RSAKey.Builder(publicKey)
                    .privateKey(privateKey)
                    .keyUse(KeyUse.SIGNATURE)
                    .keyIDFromThumbprint()
                    .build();
        } catch (Exception ex) {
            throw new IllegalStateException(
                    "MICROPOSTS_JWT_PRIVATE_KEY must be an RSA private key in PKCS#8 PEM form", ex);
        }
    }
}
