package dev.microposts.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.microposts.platform.jdbc.Sql;
import dev.microposts.support.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * The stored signing keys on real databases: replicas that start together on an empty database
 * end up with one key; a rotation publishes the new key at once, signs with it from its activation
 * and keeps the old one verifying until its last tokens expired; stored keys are sealed with the
 * encryption key, and keys stored by the previous version (plain rows, even several from replicas
 * that raced) keep working after the upgrade.
 */
@ExtendWith(OutputCaptureExtension.class)
class SigningKeysTests {

    private static final Duration TTL = Duration.ofHours(1);
    private static final int REPLICAS = 6;

    @Test
    void replicasStartingTogetherOnAnEmptyPostgresDatabaseShareOneKey() throws Exception {
        replicasShareOneKey(EmbeddedPostgres.newDatabase(), "postgres");
    }

    @Test
    void replicasStartingTogetherOnAnEmptyH2FileShareOneKey() throws Exception {
        replicasShareOneKey(
                "jdbc:h2:file:"
                        + Path.of("target/test-data/signing-keys-" + UUID.randomUUID())
                                .toAbsolutePath()
                                .toString()
                                .replace('\\', '/')
                        + "/microposts;WRITE_DELAY=0",
                "sa");
    }

    private void replicasShareOneKey(String url, String user) throws Exception {
        new Users(jdbc(url, user), dataSource(url, user)); // the schema, as the first replica's start leaves it
        CyclicBarrier together = new CyclicBarrier(REPLICAS);
        ExecutorService replicas = Executors.newFixedThreadPool(REPLICAS);
        List<Future<SigningKeyRing>> started = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            started.add(replicas.submit(() -> {
                DataSource own = dataSource(url, user);
                Users users = new Users(JdbcClient.create(own), own);
                together.await();
                return SigningKeys.stored(users, KeyEncryption.of(""), TTL, Clock.systemUTC());
            }));
        }
        List<SigningKeyRing> rings = new ArrayList<>();
        for (Future<SigningKeyRing> ring : started) {
            rings.add(ring.get(60, TimeUnit.SECONDS));
        }
        replicas.shutdown();

        Set<String> signing =
                rings.stream().map(ring -> ring.signingKey().getKeyID()).collect(Collectors.toSet());
        assertThat(signing).as("keys the replicas sign with").hasSize(1);
        assertThat(jdbc(url, user)
                        .sql("SELECT COUNT(*) FROM accounts_signing_keys")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        for (SigningKeyRing issuer : rings) {
            String token = sign(issuer, "alice");
            for (SigningKeyRing verifier : rings) {
                assertThat(decoder(verifier).decode(token).getSubject()).isEqualTo("alice");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRotatedKeyIsPublishedAtOnceSignsFromItsActivationAndTheOldOneVerifiesUntilItsTokensExpired() {
        String url = EmbeddedPostgres.newDatabase();
        Users users = new Users(jdbc(url, "postgres"), dataSource(url, "postgres"));
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        SigningKeyRing ring = SigningKeys.stored(users, KeyEncryption.of(""), TTL, clock);
        String first = ring.signingKey().getKeyID();
        String oldToken = sign(ring, "alice");

        clock.advance(Duration.ofMinutes(10));
        Duration publishAhead = Duration.ofMinutes(6);
        SigningKeys.Rotation rotation =
                SigningKeys.rotate(users, KeyEncryption.of(""), publishAhead, TTL, clock.instant());
        assertThat(rotation.previousKid()).isEqualTo(first);
        assertThat(rotation.generation()).isEqualTo(2);
        assertThat(rotation.activatesAt()).isEqualTo(clock.instant().plus(publishAhead));
        String second = rotation.kid();

        // a replica sees the rotation within SigningKeyRing.RELOAD_EVERY: published, not yet signing
        clock.advance(SigningKeyRing.RELOAD_EVERY.plusSeconds(1));
        assertThat(ring.signingKey().getKeyID()).isEqualTo(first);
        assertThat(kids(ring.publicJwks())).containsExactlyInAnyOrder(first, second);
        assertThat((List<?>) ring.publicJwks().get("keys")).allSatisfy(key -> assertThat((Map<String, Object>) key)
                .containsKeys("kid", "n", "e")
                .doesNotContainKeys("d", "p", "q"));

        clock.set(rotation.activatesAt());
        assertThat(ring.signingKey().getKeyID()).isEqualTo(second);
        assertThat(kids(ring.publicJwks())).containsExactlyInAnyOrder(first, second);
        // a token the old key signed still verifies, a new one is signed with the new key
        assertThat(decoder(ring).decode(oldToken).getSubject()).isEqualTo("alice");
        String newToken = sign(ring, "bob");
        assertThat(decoder(ring).decode(newToken).getHeaders().get("kid")).isEqualTo(second);

        Instant oldKeyEnds = rotation.activatesAt().plus(TTL).plus(SigningKeyRing.MARGIN);
        assertThat(rotation.previousVerifiesUntil()).isEqualTo(oldKeyEnds);
        clock.set(oldKeyEnds.minusSeconds(1));
        assertThat(kids(ring.publicJwks())).containsExactlyInAnyOrder(first, second);
        clock.set(oldKeyEnds);
        assertThat(kids(ring.publicJwks())).containsExactly(second);
        assertThatThrownBy(() -> decoder(ring).decode(oldToken)).isInstanceOf(JwtException.class);

        // the next rotation removes the key that no longer verifies
        SigningKeys.Rotation third =
                SigningKeys.rotate(users, KeyEncryption.of(""), publishAhead, TTL, clock.instant());
        assertThat(third.removed()).containsExactly(first);
        assertThat(users.signingKeys()).extracting(Users.StoredKey::kid).containsExactlyInAnyOrder(second, third.kid());
    }

    @Test
    void withAnEncryptionKeyStoredKeysAreSealedAndOnlyThatKeyOpensThem(CapturedOutput output) {
        String url = EmbeddedPostgres.newDatabase();
        Users users = new Users(jdbc(url, "postgres"), dataSource(url, "postgres"));
        String secret = randomKey();
        SigningKeyRing ring =
                new SigningKeys().signingKeyRing(users, settings(Map.of("microposts.jwt.encryption-key", secret)));
        String kid = ring.signingKey().getKeyID();
        assertThat(output).doesNotContain("MICROPOSTS_JWT_ENCRYPTION_KEY is not set");

        String stored = users.signingKeys().get(0).jwk();
        assertThat(stored)
                .startsWith(KeyEncryption.SEALED)
                .doesNotContain("\"d\"")
                .doesNotContain("\"kty\"");
        // another replica (or a restart) with the same key uses the stored one
        assertThat(new SigningKeys()
                        .signingKeyRing(users, settings(Map.of("microposts.jwt.encryption-key", secret)))
                        .signingKey()
                        .getKeyID())
                .isEqualTo(kid);
        // without it, or with another, the process refuses to start rather than make a key of its own
        assertThatThrownBy(() -> new SigningKeys().signingKeyRing(users, settings(Map.of())))
                .hasMessageContaining("MICROPOSTS_JWT_ENCRYPTION_KEY");
        assertThatThrownBy(() -> new SigningKeys()
                        .signingKeyRing(users, settings(Map.of("microposts.jwt.encryption-key", randomKey()))))
                .hasMessageContaining("does not decrypt");
        // a sealed key cannot be moved to another row
        assertThatThrownBy(() -> KeyEncryption.of(secret).open("another-kid", stored))
                .hasMessageContaining("does not decrypt");
        assertThat(users.signingKeys()).hasSize(1);
    }

    @Test
    void anEncryptionKeyThatIsNot32BytesOfBase64IsRefused() {
        assertThatThrownBy(() -> KeyEncryption.of("short")).hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> KeyEncryption.of(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 random bytes");
    }

    @Test
    void withoutAnEncryptionKeyTheStartWarnsThatTheKeyIsStoredUnencrypted(CapturedOutput output) {
        String url = EmbeddedPostgres.newDatabase();
        Users users = new Users(jdbc(url, "postgres"), dataSource(url, "postgres"));
        new SigningKeys().signingKeyRing(users, settings(Map.of()));
        assertThat(output).contains("WARN").contains("MICROPOSTS_JWT_ENCRYPTION_KEY is not set");
        assertThat(users.signingKeys().get(0).jwk()).startsWith("{");
    }

    @Test
    void keysStoredByThePreviousVersionKeepWorkingOnPostgres() throws Exception {
        keysStoredByThePreviousVersionKeepWorkingAndAreSealedOnceThereIsAnEncryptionKey(
                dataSource(EmbeddedPostgres.newDatabase(), "postgres"));
    }

    @Test
    void keysStoredByThePreviousVersionKeepWorkingOnH2() throws Exception {
        keysStoredByThePreviousVersionKeepWorkingAndAreSealedOnceThereIsAnEncryptionKey(dataSource(
                "jdbc:h2:file:"
                        + Path.of("target/test-data/signing-keys-" + UUID.randomUUID())
                                .toAbsolutePath()
                                .toString()
                                .replace('\\', '/')
                        + "/microposts;WRITE_DELAY=0",
                "sa"));
    }

    private void keysStoredByThePreviousVersionKeepWorkingAndAreSealedOnceThereIsAnEncryptionKey(DataSource dataSource)
            throws Exception {
        // the previous version's tables, with the keys of two replicas that raced on the first start
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/accounts")
                .table("flyway_history_accounts")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .target("2")
                .load()
                .migrate();
        Instant raced = Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        RSAKey kept = key();
        RSAKey other = key();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        for (RSAKey key : List.of(kept, other)) {
            jdbc.sql("INSERT INTO accounts_signing_keys (kid, jwk, created_at) VALUES (?, ?, ?)")
                    .params(
                            key.getKeyID(),
                            key.toJSONString(),
                            Sql.timestamp(key == kept ? raced : raced.plusMillis(5)))
                    .update();
        }

        Users users = new Users(jdbc, dataSource); // the upgrade: migrates the table
        MutableClock clock = new MutableClock(Instant.now());
        String secret = randomKey();
        SigningKeyRing ring = SigningKeys.stored(users, KeyEncryption.of(secret), TTL, clock);
        assertThat(ring.signingKey().getKeyID())
                .as("the key the previous version signed with after a restart")
                .isEqualTo(kept.getKeyID());
        assertThat(kids(ring.publicJwks())).containsExactlyInAnyOrder(kept.getKeyID(), other.getKeyID());
        assertThat(users.signingKeys()).allSatisfy(row -> assertThat(row.jwk()).startsWith(KeyEncryption.SEALED));
        assertThat(SigningKeys.read(users, KeyEncryption.of(secret)))
                .extracting(entry -> entry.key().toJSONString())
                .containsExactlyInAnyOrder(kept.toJSONString(), other.toJSONString());

        // the raced key verifies what it signed for one more token lifetime, then not
        clock.advance(TTL.plus(SigningKeyRing.MARGIN).plusMinutes(1));
        assertThat(kids(ring.publicJwks())).containsExactly(kept.getKeyID());
        assertThat(ring.signingKey().getKeyID()).isEqualTo(kept.getKeyID());
    }

    // --- helpers

    private static String sign(SigningKeyRing ring, String subject) {
        JwtEncoder encoder = new SigningKeys().jwtEncoder(ring);
        Instant now = Instant.now();
        var claims = JwtClaimsSet.builder()
                .issuer(TokenVerification.ISSUER)
                .subject(subject)
                .issuedAt(now)
                .expiresAt(now.plus(TTL))
                .build();
        return encoder.encode(JwtEncoderParameters.from(
                        JwsHeader.with(SignatureAlgorithm.RS256).build(), claims))
                .getTokenValue();
    }

    private static JwtDecoder decoder(SigningKeyRing ring) {
        return new SigningKeys().localJwtDecoder(ring);
    }

    @SuppressWarnings("unchecked")
    private static Set<String> kids(Map<String, Object> jwks) {
        Set<String> kids = new TreeSet<>();
        for (Map<String, Object> key : (List<Map<String, Object>>) jwks.get("keys")) {
            kids.add((String) key.get("kid"));
        }
        return kids;
    }

    private static AccountsProperties settings(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("microposts", AccountsProperties.class);
    }

    private static String randomKey() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static RSAKey key() throws Exception {
        return new RSAKeyGenerator(2048)
                .keyUse(KeyUse.SIGNATURE)
                .keyIDFromThumbprint(true)
                .generate();
    }

    private static DataSource dataSource(String url, String user) {
        return new DriverManagerDataSource(url, user, "");
    }

    private static JdbcClient jdbc(String url, String user) {
        return JdbcClient.create(dataSource(url, user));
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {

        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
