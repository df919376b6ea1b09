package dev.microposts.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microposts.platform.core.DomainException;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.test.ApplicationModuleTest;
import org.springframework.modulith.test.AssertablePublishedEvents;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.context.TestPropertySource;

@ApplicationModuleTest
@TestPropertySource(properties = "microposts.data-dir=target/test-data/module-accounts-${random.uuid}")
class AccountsModuleTests {

    private final AccountService accounts;
    private final JwtDecoder decoder;

    AccountsModuleTests(AccountService accounts, JwtDecoder decoder) {
        this.accounts = accounts;
        this.decoder = decoder;
    }

    @Test
    void registrationPublishesUserRegistered(AssertablePublishedEvents events) {
        accounts.register("module_alice", "password123");
        assertThat(events).contains(UserRegistered.class).matching(UserRegistered::username, "module_alice");
        assertThat(accounts.exists("module_alice")).isTrue();
        assertThat(accounts.exists("Module_Alice")).isFalse();
    }

    @Test
    void storesOnlyASlowSaltedHash() {
        var user = accounts.register("module_hash", "password123");
        assertThat(user.passwordHash()).startsWith("$argon2id$").doesNotContain("password123");
    }

    @Test
    void issuesTokensThatTheLocalDecoderAccepts() {
        accounts.register("module_token", "password123");
        var token = accounts.login("module_token", "password123");
        var jwt = decoder.decode(token.token());
        assertThat(jwt.getSubject()).isEqualTo("module_token");
        assertThat(jwt.getExpiresAt()).isEqualTo(token.expiresAt());
    }

    @Test
    void throttlesAfterFiveFailures() {
        accounts.register("module_throttle", "password123");
        for (int i = 0; i < AccountService.MAX_FAILURES; i++) {
            assertThatThrownBy(() -> accounts.login("module_throttle", "wrong"))
                    .isInstanceOfSatisfying(DomainException.class, p -> assertThat(p.kind())
                            .isEqualTo(DomainException.Kind.UNAUTHENTICATED)); // 401
        }
        assertThatThrownBy(() -> accounts.login("module_throttle", "password123"))
                .isInstanceOfSatisfying(DomainException.class, p -> {
                    assertThat(p.kind()).isEqualTo(DomainException.Kind.THROTTLED); // 429
                    assertThat(p.retryAfterSeconds()).isBetween(1L, 60L);
                });
    }
}
