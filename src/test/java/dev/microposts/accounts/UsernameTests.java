package dev.microposts.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UsernameTests {

    @Test
    void usernamesAreOneToFiftyLowercaseLettersDigitsAndUnderscores() {
        assertThat(Username.isValid("a")).isTrue();
        assertThat(Username.isValid("user_01")).isTrue();
        assertThat(Username.isValid("a".repeat(50))).isTrue();
        assertThat(Username.isValid("a".repeat(51))).isFalse();
        assertThat(Username.isValid("")).isFalse();
        assertThat(Username.isValid(null)).isFalse();
        assertThat(Username.isValid("Alice")).isFalse();
        assertThat(Username.isValid("al-ice")).isFalse();
        assertThat(Username.isValid("ålice")).isFalse();
    }
}
