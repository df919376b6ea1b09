package dev.microposts.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;

import dev.microposts.accounts.Accounts;
import dev.microposts.platform.web.Paging;
import dev.microposts.posts.Micropost;
import dev.microposts.posts.MicropostCreated;
import dev.microposts.posts.MicropostDeleted;
import dev.microposts.posts.MicropostUpdated;
import dev.microposts.posts.Posts;
import dev.microposts.social.Followed;
import dev.microposts.social.Unfollowed;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.test.ApplicationModuleTest;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.util.AopTestUtils;

/**
 * Events reach the timeline in any order and more than once (listeners run concurrently,
 * redelivery comes seconds later, Kafka partitions are consumed apart): for every order of a
 * micropost's or a follow pair's events, each delivered twice, the timelines equal the ones that
 * delivery in order gives.
 */
@ApplicationModuleTest
@TestPropertySource(properties = "microposts.data-dir=target/test-data/timeline-order-${random.uuid}")
class TimelineEventOrderTests {

    @MockitoBean
    Accounts accounts;

    @MockitoBean
    Posts posts;

    private final TimelineService timeline;
    private final Paging.Page first = new Paging.Page(100, null);
    private final AtomicLong ids = new AtomicLong(900_000);
    private int run;

    TimelineEventOrderTests(TimelineService timeline) {
        // the handlers themselves, called in the order under test (the bean runs them asynchronously)
        this.timeline = AopTestUtils.getUltimateTargetObject(timeline);
    }

    @BeforeEach
    void everyoneExists() {
        given(accounts.exists(anyString())).willReturn(true);
    }

    /** What a delivery leaves: the texts in the author's and a follower's timelines. */
    record Outcome(List<String> author, List<String> follower) {}

    @Test
    void aMicropostsCreationEditsAndDeletionInAnyOrderLeaveItDeleted() {
        assertEveryOrderGivesTheInOrderOutcome(4, this::micropostLifecycle, true);
    }

    @Test
    void aMicropostsCreationAndEditsInAnyOrderLeaveTheNewestText() {
        assertEveryOrderGivesTheInOrderOutcome(3, this::micropostLifecycle, false);
    }

    @Test
    void aFollowAndItsUnfollowInAnyOrderLeaveNoFollow() {
        assertEveryOrderGivesTheInOrderOutcome(2, this::followChanges, false);
    }

    @Test
    void aFollowUnfollowAndRefollowInAnyOrderLeaveTheFollowWithItsBackfill() {
        assertEveryOrderGivesTheInOrderOutcome(3, this::followChanges, false);
    }

    /**
     * Delivers the first {@code count} events of a fresh scenario in order, then every other order
     * of them, each event twice, each order in a fresh scenario, and compares what they leave.
     */
    private void assertEveryOrderGivesTheInOrderOutcome(
            int count, Function<Integer, Scenario> scenarios, boolean withDeletion) {
        List<Integer> inOrder = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inOrder.add(i);
        }
        Outcome expected = deliver(scenarios.apply(count), inOrder);
        if (withDeletion) {
            assertThat(expected.author()).isEmpty();
        }
        List<List<Integer>> orders = permutations(inOrder);
        for (List<Integer> order : orders) {
            List<Integer> twice = new ArrayList<>(order);
            List<Integer> backwards = new ArrayList<>(order);
            java.util.Collections.reverse(backwards);
            twice.addAll(backwards);
            assertThat(deliver(scenarios.apply(count), twice))
                    .as("delivered in the order %s", twice)
                    .isEqualTo(expected);
        }
    }

    /** The events of a scenario and how to read its outcome. */
    record Scenario(List<Runnable> events, java.util.function.Supplier<Outcome> outcome) {}

    private Outcome deliver(Scenario scenario, List<Integer> order) {
        order.forEach(i -> scenario.events().get(i).run());
        return scenario.outcome().get();
    }

    /** Created, updated twice, deleted: one micropost of an author with one follower. */
    private Scenario micropostLifecycle(int count) {
        String author = "order_author_" + (++run);
        String fan = "order_fan_" + run;
        long id = ids.incrementAndGet();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        given(posts.recentBy(author, TimelineService.BACKFILL)).willReturn(List.of());
        timeline.on(Followed.of(fan, author, 1));
        List<Runnable> events = List.of(
                () -> timeline.on(MicropostCreated.of(new Micropost(id, author, "v1", null, at, 1))),
                () -> timeline.on(MicropostUpdated.of(new Micropost(id, author, "v2", null, at, 2))),
                () -> timeline.on(MicropostUpdated.of(new Micropost(id, author, "v3", "order_mentioned", at, 3))),
                () -> timeline.on(MicropostDeleted.of(id, author)));
        return new Scenario(events.subList(0, count), () -> new Outcome(texts(author), texts(fan)));
    }

    /** Followed, unfollowed, followed again: a follower and a followee with two microposts to backfill. */
    private Scenario followChanges(int count) {
        String followee = "order_star_" + (++run);
        String follower = "order_fan_" + run;
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Micropost older = new Micropost(ids.incrementAndGet(), followee, "older", null, at, 1);
        Micropost newer = new Micropost(ids.incrementAndGet(), followee, "newer", null, at, 1);
        given(posts.recentBy(followee, TimelineService.BACKFILL)).willReturn(List.of(newer, older));
        given(posts.recentBy(follower, TimelineService.BACKFILL)).willReturn(List.of());
        timeline.on(MicropostCreated.of(older));
        timeline.on(MicropostCreated.of(newer));
        List<Runnable> events = List.of(
                () -> timeline.on(Followed.of(follower, followee, 11)),
                () -> timeline.on(Unfollowed.of(follower, followee, 12)),
                () -> timeline.on(Followed.of(follower, followee, 13)));
        Micropost later = new Micropost(ids.incrementAndGet(), followee, "later", null, at, 1);
        // what is left shows in the backfill and in the fan-out of a micropost written afterwards
        return new Scenario(events.subList(0, count), () -> {
            timeline.on(MicropostCreated.of(later));
            return new Outcome(texts(followee), texts(follower));
        });
    }

    private List<String> texts(String owner) {
        return timeline.read(owner, first).stream()
                .map(post -> post.text() + "@" + post.referenced())
                .toList();
    }

    private static List<List<Integer>> permutations(List<Integer> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<Integer>> result = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<Integer> rest = new ArrayList<>(items);
            Integer head = rest.remove(i);
            for (List<Integer> tail : permutations(rest)) {
                List<Integer> order = new ArrayList<>();
                order.add(head);
                order.addAll(tail);
                result.add(order);
            }
        }
        return result;
    }
}
