package dev.microposts.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.support.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code java -jar microposts.jar rotate-signing-key} (run here in the test JVM, as the jar's main
 * dispatches it): with the settings of an accounts process it stores the next key in that
 * process's database, published at once and signing after the JWKS cache and a minute, and says
 * so; it refuses settings that do not name the accounts database, and a key given in the
 * environment (there is nothing stored to rotate).
 */
class SigningKeyCommandTests {

    @Test
    void storesTheNextKeyInTheAccountsDatabaseEncryptedWithTheGivenKey() {
        String url = EmbeddedPostgres.newDatabase();
        String secret = Base64.getEncoder().encodeToString(new byte[32]);
        List<String> settings = List.of(
                "--microposts.modules=accounts",
                "--microposts.data-dir=target/test-data/rotate-" + UUID.randomUUID(),
                "--microposts.db.url=" + url,
                "--microposts.db.user=postgres",
                "--microposts.jwt.encryption-key=" + secret,
                "--microposts.jwks.cache=2m",
                "--microposts.internal.token=0123456789abcdef0123456789abcdef-rotate");

        Result first = run(settings);
        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.out()).contains("generation 1, encrypted").doesNotContain("signs until then");

        Instant before = Instant.now();
        Result second = run(settings);
        assertThat(second.status()).as(second.err()).isZero();
        assertThat(second.out())
                .contains("generation 2, encrypted")
                .contains("signs until then")
                .contains("verifies tokens until");

        var dataSource = new DriverManagerDataSource(url, "postgres", "");
        Users users = new Users(JdbcClient.create(dataSource), dataSource);
        List<Users.StoredKey> keys = new ArrayList<>(users.signingKeys());
        assertThat(keys).extracting(Users.StoredKey::generation).containsExactly(1, 2);
        assertThat(keys).allSatisfy(key -> assertThat(key.jwk()).startsWith(KeyEncryption.SEALED));
        Duration lead = Duration.between(before, keys.get(1).activatesAt());
        assertThat(lead)
                .as("the new key signs after the JWKS cache and a minute")
                .isBetween(
                        Duration.ofMinutes(3).minusSeconds(5),
                        Duration.ofMinutes(3).plusSeconds(5));
        assertThat(second.out())
                .contains(keys.get(1).kid())
                .contains(keys.get(0).kid());
    }

    @Test
    void refusesSettingsWithoutTheAccountsModuleAndAKeyGivenInTheEnvironment() {
        String dir = "--microposts.data-dir=target/test-data/rotate-" + UUID.randomUUID();
        Result notAccounts = run(List.of(
                dir,
                "--microposts.modules=posts",
                "--microposts.accounts.url=http://127.0.0.1:9",
                "--microposts.internal.token=0123456789abcdef0123456789abcdef-rotate"));
        assertThat(notAccounts.status()).isEqualTo(1);
        assertThat(notAccounts.err()).contains("MICROPOSTS_MODULES must include accounts");

        Result fromEnvironment = run(List.of(dir, "--microposts.jwt.private-key=-----BEGIN PRIVATE KEY-----x"));
        assertThat(fromEnvironment.status()).isEqualTo(1);
        assertThat(fromEnvironment.err()).contains("MICROPOSTS_JWT_PRIVATE_KEY");
    }

    @Test
    void anArgumentThatIsNoSettingIsRefusedAndHelpRotatesNothing() {
        String dir = "--microposts.data-dir=target/test-data/rotate-" + UUID.randomUUID();
        for (String stray : List.of("extra", "--bogus-option", "-x")) {
            Result refused = run(List.of(dir, stray));
            assertThat(refused.status()).as(stray).isEqualTo(2);
            assertThat(refused.err()).as(stray).contains("'" + stray + "' is not one", "Nothing was changed");
        }
        Result help = run(List.of("--help"));
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("usage:").doesNotContain("Stored signing key");
    }

    @Test
    void aDataDirectoryWithoutTheEmbeddedDatabaseIsRefusedAndNoneIsCreated() {
        java.nio.file.Path dir = java.nio.file.Path.of("target/test-data/rotate-none-" + UUID.randomUUID());
        Result refused = run(List.of("--microposts.data-dir=" + dir));
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("there is no embedded database at", "Nothing was changed");
        assertThat(dir.resolve("microposts.mv.db")).doesNotExist();
    }

    private record Result(int status, String out, String err) {}

    private static Result run(List<String> args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = SigningKeyCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
