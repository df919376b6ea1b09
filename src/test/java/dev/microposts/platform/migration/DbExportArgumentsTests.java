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
}
