package dev.microposts.accounts;

import dev.microposts.platform.topology.MicropostsProperties;
import dev.microposts.platform.topology.ModuleId;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code java -jar microposts.jar rotate-signing-key}: stores a new token signing key in the
 * accounts database ({@link SigningKeys#rotate}) and prints what changed. Run it with the settings
 * of an accounts process (its database, its {@code MICROPOSTS_JWT_ENCRYPTION_KEY}); it starts only
 * a connection pool to that database (no web server, no module), and the running processes pick
 * the key up by themselves: every process verifies with it at once, and it signs from
 * {@code MICROPOSTS_JWKS_CACHE} plus a minute later, when every process has fetched it.
 * Exit status 0 when the key is stored, 1 otherwise.
 */
public final class SigningKeyCommand {

    public static final String NAME = "rotate-signing-key";

    private static final String H2_FILE = "jdbc:h2:file:";

    private SigningKeyCommand() {}

    /** Runs the command; {@code args} are Spring Boot arguments such as {@code --microposts.db.url=...}. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.stream().anyMatch(arg -> arg.equals("--help") || arg.equals("-h"))) {
            out.println("usage: java -jar microposts.jar " + NAME + " [--setting=value ...]: stores a new token"
                    + " signing key in the accounts module's database, with the settings of a process that runs the"
                    + " accounts module (environment or --microposts.db.url=...; README.md, \"Signing keys\")");
            return 0;
        }
        for (String arg : args) {
            if (!arg.matches("--[A-Za-z][A-Za-z0-9._\\[\\]-]*=.*")) {
                err.println(NAME + " takes only settings such as --microposts.data-dir=/var/lib/microposts; '" + arg
                        + "' is not one. Nothing was changed.");
                return 2;
            }
        }
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Context.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties("logging.level.root=WARN", "spring.main.register-shutdown-hook=false")
                .run(args.toArray(String[]::new))) {
            if (!MicropostsProperties.localModules(context.getEnvironment()).contains(ModuleId.ACCOUNTS)) {
                err.println(NAME + " works on the accounts module's database: run it with the settings of a process "
                        + "that runs the accounts module (MICROPOSTS_MODULES must include accounts)");
                return 1;
            }
            AccountsProperties settings = context.getBean(AccountsProperties.class);
            if (!settings.jwt().privateKey().isBlank()) {
                err.println("The signing key is given in MICROPOSTS_JWT_PRIVATE_KEY, not stored: rotate it there "
                        + "(tokens signed with the old key are refused once every process has the new one)");
                return 1;
            }
            String url = context.getEnvironment().getProperty("spring.datasource.url", "");
            if (url.startsWith(H2_FILE)) {
                java.nio.file.Path file =
                        java.nio.file.Path.of(url.substring(H2_FILE.length()).split(";", 2)[0] + ".mv.db");
                if (!java.nio.file.Files.exists(file)) {
                    err.println(NAME + ": there is no embedded database at " + file + ": run it with the settings"
                            + " of the service whose key it rotates (MICROPOSTS_DATA_DIR, or"
                            + " --microposts.data-dir=...). Nothing was changed.");
                    return 1;
                }
            }
            DataSource database = context.getBean(DataSource.class);
            KeyEncryption encryption = KeyEncryption.of(settings.jwt().encryptionKey());
            Users users = new Users(JdbcClient.create(database), database);
            SigningKeys.Rotation rotation = SigningKeys.rotate(
                    users,
                    encryption,
                    settings.jwks().cache().plus(SigningKeyRing.MARGIN),
                    settings.token().ttl(),
                    Clock.systemUTC().instant());
            out.printf(
                    "Stored signing key %s (generation %d%s); it is published now and signs tokens from %s.%n",
                    rotation.kid(),
                    rotation.generation(),
                    encryption.enabled() ? ", encrypted" : ", unencrypted",
                    rotation.activatesAt());
            if (rotation.previousKid() != null) {
                out.printf(
                        "Signing key %s signs until then and verifies tokens until %s.%n",
                        rotation.previousKid(), rotation.previousVerifiesUntil());
            }
            for (String removed : rotation.removed()) {
                out.printf("Removed signing key %s: the last tokens it signed have expired.%n", removed);
            }
            return 0;
        } catch (RuntimeException ex) {
            String message = String.valueOf(ex.getMessage());
            boolean inUse = false;
            for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
                inUse |= String.valueOf(cause.getMessage()).contains("Database may be already in use");
            }
            if (inUse) {
                err.println(NAME + ": the H2 database file is in use by the running service (the embedded"
                        + " default lets one process open it): stop the service, rotate, and start it again, or run"
                        + " the service on PostgreSQL, where rotation needs no stop. Nothing was changed.");
            } else {
                err.println(NAME + " failed: " + message.lines().findFirst().orElse(message));
            }
            return 1;
        }
    }

    /** What the command starts: the settings and the database's connection pool, nothing else. */
    @ImportAutoConfiguration(DataSourceAutoConfiguration.class)
    @EnableConfigurationProperties(AccountsProperties.class)
    static class Context {}
}
