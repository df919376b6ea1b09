package dev.microposts.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;

import dev.microposts.accounts.Accounts;
import dev.microposts.platform.web.Paging;
import dev.microposts.posts.Micropost;
import dev.microposts.posts.Posts;
import dev.microposts.social.Followed;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.modulith.test.ApplicationModuleTest;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A burst of follows handled by more listener threads than the pool has connections: each
 * backfill must finish, none may wait for a second connection while holding one (that stalled
 * every listener until the pool's timeout, and the follows' backfills failed).
 */
@ApplicationModuleTest
@TestPropertySource(
        properties = {
            "microposts.data-dir=target/test-data/follow-burst-${random.uuid}",
            "spring.datasource.hikari.maximum-pool-size=3",
            "spring.datasource.hikari.connection-timeout=1000",
            "spring.task.execution.pool.core-size=12",
            "spring.task.execution.pool.max-size=12",
            "microposts.events.redeliver-after=PT10M"
        })
class TimelineFollowBurstTests {

    @MockitoBean
    Accounts accounts;

    @MockitoBean
    Posts posts;

    private final TimelineService timeline;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transaction;

    TimelineFollowBurstTests(
            TimelineService timeline, ApplicationEventPublisher events, TransactionTemplate transaction) {
        this.timeline = timeline;
        this.events = events;
        this.transaction = transaction;
    }

    @Test
    void everyBackfillOfABurstOfFollowsArrives() {
        given(accounts.exists(anyString())).willReturn(true);
        given(posts.recentBy(anyString(), anyInt())).willAnswer(call -> {
            String author = call.getArgument(0);
            long base = 10_000L * (Integer.parseInt(author.substring(author.lastIndexOf('_') + 1)) + 1);
            Thread.sleep(50); // a remote call takes a while
            return List.of(
                    new Micropost(base + 2, author, "second", null, Instant.now(), 1),
                    new Micropost(base + 1, author, "first", null, Instant.now(), 1));
        });
        int follows = 36;
        for (int i = 0; i < follows; i++) {
            Followed followed = Followed.of("burst_fan_" + i, "burst_star_" + i, 1);
            transaction.executeWithoutResult(status -> events.publishEvent(followed));
        }
        Paging.Page page = new Paging.Page(10, null);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (int i = 0; i < follows; i++) {
                assertThat(timeline.read("burst_fan_" + i, page))
                        .as("timeline of burst_fan_" + i)
                        .hasSize(2);
            }
        });
    }
}
