package dev.microposts;

import dev.microposts.accounts.SigningKeyCommand;
import dev.microposts.platform.migration.DbExport;
import dev.microposts.platform.migration.MigrateCommand;
import dev.microposts.platform.topology.TopologyCommand;
import dev.microposts.router.RouterCommand;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * MicroPosts: one codebase that runs as a modular monolith or as microservices. Without
 * arguments it runs the service; {@code topology} prints the module graph and exits;
 * {@code rotate-signing-key} stores a new token signing key in the accounts database and exits;
 * {@code router ...} steers a running router through its admin API; {@code migrate <module> <step>}
 * extracts a module from a live monolith on PostgreSQL (docs/MIGRATION.md); {@code db export}
 * moves a monolith from its H2 file to PostgreSQL, offline.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableAsync
@EnableScheduling
public class MicroPostsApplication {

    /** What the jar does, by its first argument. */
    static final String USAGE = """
            usage: java -jar microposts.jar [--setting=value ...]     run the service (settings: README.md)
                   java -jar microposts.jar topology [--modules]     print the module graph
                   java -jar microposts.jar rotate-signing-key [--setting=value ...]
                                                                     store a new token signing key
                   java -jar microposts.jar router <command> ...     steer a running router (docs/ROUTER.md)
                   java -jar microposts.jar migrate <module> <step>  extract a module (docs/MIGRATION.md)
                   java -jar microposts.jar db export --to <jdbc-url>
                                                                     move the H2 file to PostgreSQL
            """;

    /**
     * A command prints what it does itself: the libraries' own INFO lines (Flyway's, the
     * database driver's) would bury it, so only their warnings and errors are logged.
     */
    private static void quietLogs() {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
            logs.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    public static void main(String[] args) {
        if (args.length > 0 && List.of("help", "--help", "-h").contains(args[0])) {
            System.out.print(USAGE);
            return;
        }
        if (args.length > 0 && args[0].equals(TopologyCommand.NAME)) {
            List<String> options = Arrays.asList(args).subList(1, args.length);
            if (!options.stream().allMatch("--modules"::equals)) {
                System.err.println("topology: takes no argument but --modules");
                System.err.print(USAGE);
                System.exit(2);
            }
            TopologyCommand.print(options, System.out);
            return;
        }
        if (args.length > 0 && args[0].equals(SigningKeyCommand.NAME)) {
            System.exit(SigningKeyCommand.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals(RouterCommand.NAME)) {
            quietLogs();
            System.exit(RouterCommand.run(
                    Arrays.asList(args).subList(1, args.length), System.getenv(), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals(DbExport.NAME)) {
            quietLogs();
            System.exit(
                    DbExport.run(Arrays.asList(args).subList(1, args.length), System.getenv(), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals(MigrateCommand.NAME)) {
            quietLogs();
            System.exit(MigrateCommand.run(
                    Arrays.asList(args).subList(1, args.length), System.getenv(), System.out, System.err));
        }
        if (args.length > 0 && !args[0].startsWith("-")) {
            // a mistyped command must not start the service
            System.err.println("microposts: '" + args[0] + "' is not a command");
            System.err.print(USAGE);
            System.exit(2);
        }
        SpringApplication.run(MicroPostsApplication.class, args);
    }
}
