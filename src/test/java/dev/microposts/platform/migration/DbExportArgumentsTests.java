package dev.microposts.platform.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code db export}'s arguments are checked before anything is read or written: a URL that names no
 * database (the driver would take the user's name for one, and export into 'postgres') and a
 * malformed number are refused with the usage.
 */
class DbExportArgumentsTests {

    private static int run(List<String> args, ByteArrayOutputStream err) {
        return DbExport.run(
                args,
                Map.of("MICROPOSTS_DATA_DIR", "target/test-data/no-such-h2"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aUrlThatNamesNoDatabaseIsRefused() {
        for (String url : List.of(
                "jdbc:postgresql://",
                "jdbc:postgresql://127.0.0.1:5432",
                "jdbc:postgresql://127.0.0.1:5432/",
                "jdbc:postgresql://127.0.0.1/?user=postgres",
                "jdbc:postgresql:")) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(run(List.of("export", "--to", url), err)).as(url).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(url).contains("names no database");
        }
        for (String url : List.of(
                "jdbc:postgresql://127.0.0.1:5432/microposts",
                "jdbc:postgresql://h/microposts?user=u",
                "jdbc:postgresql:microposts")) {
            assertThat(DbExport.namesADatabase(url)).as(url).isTrue();
        }
    }

    @Test
    void aMalformedShowIsRefusedWithoutAStackTrace() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(List.of("export", "--to", "jdbc:postgresql://127.0.0.1/x", "--show", "abc"), err))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--show takes a whole number")
                .doesNotContain("Exception");
    }

    @Test
    void anH2FileWithoutEveryModulesTablesIsRefusedBeforeAnythingIsWritten() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(
                        "target", "test-data", "export-partial-" + java.util.UUID.randomUUID())
                .toAbsolutePath();
        var h2 = new org.springframework.jdbc.datasource.DriverManagerDataSource(
                "jdbc:h2:file:" + dir.toString().replace('\\', '/') + "/microposts", "sa", "");
        dev.microposts.platform.jdbc.ModuleSchema.migrate(h2, "accounts");
        try (var close = h2.getConnection();
                var sql = close.createStatement()) {
            sql.execute("SHUTDOWN");
        }
        String postgres = dev.microposts.support.EmbeddedPostgres.newDatabase();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DbExport.run(
                List.of("export", "--to", postgres, "--to-user", "postgres", "--data-dir", dir.toString()),
                Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no table posts_", "Nothing was written");
        try (var target = java.sql.DriverManager.getConnection(postgres, "postgres", "");
                var tables = target.createStatement()
                        .executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            tables.next();
            assertThat(tables.getInt(1)).as("tables made on the target").isZero();
        }
    }
}
