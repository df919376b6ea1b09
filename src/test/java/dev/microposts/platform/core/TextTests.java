package dev.microposts.platform.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTests {

    @Test
    void countsCodePointsNotUtf16Units() {
        assertThat(Text.codePoints("\uD83D\uDE00".repeat(255))).isEqualTo(255);
        assertThat(Text.codePoints("abc")).isEqualTo(3);
    }

    @Test
    void rejectsNulAndUnpairedSurrogates() {
        assertThat(Text.malformation("fine \uD83D\uDE00")).isNull();
        assertThat(Text.malformation("a\u0000b")).contains("U+0000");
        assertThat(Text.malformation("a\uD800")).contains("surrogate");
        assertThat(Text.malformation("\uDC00a")).contains("surrogate");
        assertThat(Text.malformation("\uD800\uD800\uDC00")).contains("surrogate");
    }

    @Test
    void needsOneCharacterThatIsNotWhitespace() {
        assertThat(Text.hasVisibleCharacter(" \t\n\u00A0\u2003")).isFalse();
        assertThat(Text.hasVisibleCharacter("  x ")).isTrue();
    }
}
