package dev.microposts.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.accounts.Username;
import dev.microposts.platform.core.Text;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTests {

    private final Dataset dataset = Dataset.generate(1000, 40, 20, 42);

    @Test
    void meanFolloweesIsAboutForty() {
        double mean = Arrays.stream(dataset.followeeCounts()).average().orElseThrow();
        assertThat(mean).isBetween(36.0, 44.0);
    }

    @Test
    void popularityIsSkewedLikeASocialNetwork() {
        int[] followers = dataset.followerCounts();
        int[] sorted = Arrays.stream(followers).sorted().toArray();
        int max = sorted[sorted.length - 1];
        int median = sorted[sorted.length / 2];
        assertThat(max).as("the most followed user has hundreds of followers").isGreaterThanOrEqualTo(300);
        assertThat(Arrays.stream(followers).filter(f -> f >= 100).count())
                .as("only a few have 100+")
                .isBetween(3L, 100L);
        double mean = Arrays.stream(followers).average().orElseThrow();
        assertThat(median).as("most users have fewer followers than the mean").isLessThan((int) (mean * 0.6));
    }

    @Test
    void edgesAreDistinctAndNeverSelfFollows() {
        Set<Long> seen = new HashSet<>();
        for (int[] edge : dataset.follows()) {
            assertThat(edge[0]).isNotEqualTo(edge[1]);
            assertThat(seen.add(edge[0] * 1_000_000L + edge[1])).isTrue();
        }
    }

    @Test
    void usernamesAreValidAndTheGraphIsReproducible() {
        assertThat(dataset.users()).allMatch(Username::isValid).doesNotHaveDuplicates();
        assertThat(Dataset.generate(1000, 40, 20, 42).follows()).hasSameSizeAs(dataset.follows());
    }

    @Test
    void textsHaveTheRequestedLengthsInCodePoints() {
        Random random = new Random(1);
        for (int length : new int[] {1, 20, 200, 255}) {
            String text = Dataset.text(random, length);
            assertThat(Text.codePoints(text)).isEqualTo(length);
            assertThat(Text.hasVisibleCharacter(text)).isTrue();
        }
        for (int user = 0; user < 50; user++) {
            int length = Text.codePoints(dataset.initialText(user, user % 20));
            assertThat(length).isBetween(20, 255);
        }
    }
}
