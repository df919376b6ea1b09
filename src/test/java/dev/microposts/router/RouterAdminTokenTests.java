package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microposts.MicroPostsApplication;
import dev.microposts.platform.topology.ModuleId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A router whose admin credential no one could use, or anyone could guess, does not start. */
class RouterAdminTokenTests {

    private static void start(String token) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--microposts.modules=router",
                "--microposts.router.admin-port=0",
                "--microposts.router.admin-token=" + token,
                "--microposts.data-dir=target/test-data/router-token-" + UUID.randomUUID()));
        for (ModuleId module : ModuleId.BUSINESS) {
            arguments.add("--microposts." + module.id() + ".url=http://127.0.0.1:9");
        }
        new SpringApplicationBuilder(MicroPostsApplication.class)
                .run(arguments.toArray(String[]::new))
                .close();
    }

    @Test
    void aShortCredentialRefusesTheStart() {
        assertThatThrownBy(() -> start("short"))
                .hasStackTraceContaining("(MICROPOSTS_ROUTER_ADMIN_TOKEN) must be at least 32 characters");
    }

    @Test
    void aCredentialWithALineBreakRefusesTheStartWithoutShowingIt() {
        String token = "0123456789abcdef0123456789abcdef";
        assertThatThrownBy(() -> start(token + "\n"))
                .hasStackTraceContaining("holds a line break")
                .satisfies(thrown -> org.assertj.core.api.Assertions.assertThat(
                                org.assertj.core.util.Throwables.getStackTrace(thrown))
                        .doesNotContain(token));
    }
}
