package dev.microposts.platform.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.platform.topology.ModuleId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code migrate <module> plan} reads the module's tables, routes, events and neighbours from the code. */
class MigratePlanTests {

    @Test
    void thePlanOfPostsNamesItsTablesRoutesEventsAndNeighbours() {
        assertThat(MigratePlan.tables(ModuleId.POSTS)).containsExactly("posts_idempotency_keys", "posts_microposts");
        assertThat(MigratePlan.tables(ModuleId.TIMELINE))
                .containsExactly(
                        "timeline_deleted_posts",
                        "timeline_entries",
                        "timeline_follow_revisions",
                        "timeline_follows",
                        "timeline_posts");
        assertThat(MigratePlan.events(ModuleId.POSTS))
                .containsExactly("MicropostCreated", "MicropostDeleted", "MicropostUpdated");
        assertThat(MigratePlan.events(ModuleId.TIMELINE)).isEmpty();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = MigrateCommand.run(List.of("posts", "plan"), Map.of(), new PrintStream(out, true), System.err);
        String plan = out.toString(StandardCharsets.UTF_8);
        assertThat(status).isZero();
        assertThat(plan)
                .contains("posts_microposts", "/api/users/{username}/collection/{id}", "microposts.posts")
                .contains("consumed by: timeline", "Modules it calls: accounts", "Modules that call it: timeline")
                .contains("wal_level=logical", "MICROPOSTS_EXTRACTING=posts");
    }

    @Test
    void aModuleThatConsumesEventsIsPlannedWithItsFences() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(MigrateCommand.run(List.of("timeline", "plan"), Map.of(), new PrintStream(out, true), System.err))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("timeline_entries", "timeline_follow_revisions", "Events it consumes from: posts, social")
                .contains("written by event listeners", "pause the listeners on both sides");
    }

    @Test
    void aWrongCallIsRefusedWithItsUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true);
        assertThat(MigrateCommand.run(List.of("router", "plan"), Map.of(), System.out, errors))
                .isEqualTo(2);
        assertThat(MigrateCommand.run(List.of("posts"), Map.of(), System.out, errors))
                .isEqualTo(2);
        assertThat(MigrateCommand.run(List.of("posts", "copyy"), Map.of(), System.out, errors))
                .isEqualTo(2);
        assertThat(MigrateCommand.run(List.of("posts", "copy", "--tagret", "x"), Map.of(), System.out, errors))
                .isEqualTo(2);
        // a live migration needs the monolith on PostgreSQL
        assertThat(MigrateCommand.run(
                        List.of("posts", "copy"),
                        Map.of("MICROPOSTS_DB_URL", "jdbc:h2:file:./data/microposts"),
                        System.out,
                        errors))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("usage:", "'copyy' is not a step", "--tagret is not an option")
                .contains("must be PostgreSQL", "cannot do");
    }

    @Test
    void aMalformedOptionValueIsRefusedBeforeAnyStepBegins() {
        // no database is named: a step that began would fail on that instead
        for (List<String> options : List.of(
                List.of("verify", "--range-rows", "abc"),
                List.of("verify", "--range-rows", "0"),
                List.of("verify", "--show", "-1"),
                List.of("switch-writes", "--hold", "5x"),
                List.of("copy", "--wait", "0s"),
                List.of("complete", "--restart-wait", "soon"),
                List.of("start", "--shift", "abc"),
                List.of("start", "--shift", "10,5"),
                List.of("start", "--shift", "1,10", "--interval", "5x"),
                List.of("start", "--router", "127.0.0.1:9080"),
                List.of("start", "--service-url", "http://"))) {
            List<String> args = new java.util.ArrayList<>(List.of("posts"));
            args.addAll(options);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = MigrateCommand.run(
                    args,
                    Map.of(),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(status).as(options + ": " + said).isEqualTo(2);
            assertThat(said)
                    .as(options.toString())
                    .contains("migrate: --" + options.get(options.size() - 2).substring(2));
            assertThat(said).as(options.toString()).doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void anUnknownModuleAndADatabaseThatIsNoJdbcUrlAreNamed() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(MigrateCommand.run(List.of("bogus", "plan"), Map.of(), quiet, errors))
                .isEqualTo(2);
        assertThat(MigrateCommand.run(List.of("router", "plan"), Map.of(), quiet, errors))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("'bogus' is not a module that can move", "'router' is not a module that can move");
        err.reset();
        assertThat(MigrateCommand.run(
                        List.of("posts", "copy", "--source", "postgres://127.0.0.1/x"), Map.of(), quiet, errors))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a JDBC URL", "jdbc:postgresql://");
    }
}
