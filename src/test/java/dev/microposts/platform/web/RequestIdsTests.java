package dev.microposts.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTests {

    @Test
    void keepsWellFormedIdsAndReplacesOthers() {
        assertThat(RequestIds.accept("abc-DEF_1.2")).isEqualTo("abc-DEF_1.2");
        assertThat(RequestIds.accept("x".repeat(128))).isEqualTo("x".repeat(128));
        assertThat(RequestIds.accept("x".repeat(129))).hasSize(36);
        assertThat(RequestIds.accept("has space")).hasSize(36);
        assertThat(RequestIds.accept("")).hasSize(36);
        assertThat(RequestIds.accept(null)).hasSize(36);
        assertThat(RequestIds.accept("new\nline")).hasSize(36);
    }

    @Test
    void newIdsAreDistinctVersion4Uuids() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.newId();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(seen.add(id)).isTrue();
        }
    }
}
