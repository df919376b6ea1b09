package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendChooserTests {

    private static RouteGroup group(int old, int candidate, int third) {
        return new RouteGroup(
                "posts",
                List.of(
                        new Backend("old", URI.create("http://127.0.0.1:1"), old),
                        new Backend("new", URI.create("http://127.0.0.1:2"), candidate),
                        new Backend("third", URI.create("http://127.0.0.1:3"), third)),
                true,
                null,
                null);
    }

    @Test
    void theUserIsThePathsUsernameElseTheTokensSubject() {
        assertThat(BackendChooser.user("/api/users/alice/collection/3", null)).isEqualTo("alice");
        assertThat(BackendChooser.user("/api/users/bob", "Bearer x.y.z")).isEqualTo("bob");
        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"iss\":\"microposts\",\"sub\":\"carol\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(BackendChooser.user("/api/token", "Bearer h." + payload + ".s"))
                .isEqualTo("carol");
        assertThat(BackendChooser.user("/api/users", null)).isNull();
        assertThat(BackendChooser.user("/api/users", "Bearer not-a-jwt")).isNull();
        assertThat(BackendChooser.user("/api/users", "Bearer a.%%%.b")).isNull();
        assertThat(BackendChooser.user("/api/users", "Basic abc")).isNull();
    }

    @Test
    void rendezvousSharesFollowTheWeightsOverThreeBackends() {
        RouteGroup group = group(60, 30, 10);
        int[] counts = new int[3];
        for (int i = 0; i < 30_000; i++) {
            Backend chosen = BackendChooser.choose(group, "user" + i);
            counts[group.backends().indexOf(chosen)]++;
        }
        assertThat(counts[0] / 30_000.0).isBetween(0.58, 0.62);
        assertThat(counts[1] / 30_000.0).isBetween(0.28, 0.32);
        assertThat(counts[2] / 30_000.0).isBetween(0.08, 0.12);
    }

    @Test
    void raisingOneWeightOnlyMovesUsersToThatBackend() {
        for (int i = 0; i < 20_000; i++) {
            String user = "u" + i;
            // three backends: whoever was on the growing one stays there
            if (BackendChooser.choose(group(80, 10, 10), user).name().equals("new")) {
                assertThat(BackendChooser.choose(group(40, 50, 10), user).name())
                        .isEqualTo("new");
            }
            // two backends, as in a shift: users only ever move from old to new
            String at10 = BackendChooser.choose(group(90, 10, 0), user).name();
            String at50 = BackendChooser.choose(group(50, 50, 0), user).name();
            if (at10.equals("new")) {
                assertThat(at50).isEqualTo("new");
            }
            if (at50.equals("old")) {
                assertThat(at10).isEqualTo("old");
            }
        }
    }

    @Test
    void aBackendWithoutWeightIsNeverChosen() {
        RouteGroup group = group(100, 0, 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(BackendChooser.choose(group, "u" + i).name()).isEqualTo("old");
            assertThat(BackendChooser.random(group).name()).isEqualTo("old");
        }
    }
}
