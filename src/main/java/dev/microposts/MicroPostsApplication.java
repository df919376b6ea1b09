package dev.microposts;

import dev.microposts.accounts.SigningKeyCommand;
import dev.microposts.platform.migration.DbExport;
import dev.microposts.platform.migration.MigrateCommand;
import dev.microposts.platform.topology.TopologyCommand;
import dev.microposts.router.RouterCommand;
import java.util.Arrays;
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

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(TopologyCommand.NAME)) {
            TopologyCommand.print(Arrays.asList(args).subList(1, args.length), System.out);
            return;
        }
        if (args.length > 0 && args[0].equals(SigningKeyCommand.NAME)) {
            System.exit(SigningKeyCommand.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals(RouterCommand.NAME)) {
            System.exit(RouterCommand.run(
                    Arrays.asList(args).subList(1, args.length), System.getenv(), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals(DbExport.NAME)) {
            System.exit(
                    DbExport.run(Arrays.asList(args).subList(1, args.length), System.getenv(), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals(MigrateCommand.NAME)) {
            System.exit(MigrateCommand.run(
                    Arrays.asList(args).subList(1, args.length), System.getenv(), System.out, System.err));
        }
        SpringApplication.run(MicroPostsApplication.class, args);
    }
}
