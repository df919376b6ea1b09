package dev.microposts.platform.jdbc;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Runs one module's own Flyway migrations ({@code classpath:db/<module>}) with its own history
 * table, so that a module's tables can live in a shared database or move to one of their own.
 */
public final class ModuleSchema {

    private ModuleSchema() {}

    public static void migrate(DataSource dataSource, String module) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/" + module)
                .table("flyway_history_" + module)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
