package dev.microposts.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
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
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.test.ApplicationModuleTest;
import org.springframework.modulith.test.Scenario;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

@ApplicationModuleTest
@TestPropertySource(properties = "microposts.data-dir=target/test-data/module-timeline-${random.uuid}")
class TimelineModuleTests {

    @MockitoBean
    Accounts accounts;

    @MockitoBean
    Posts posts;

    private final TimelineService timeline;
    private final Timelines timelines;
    private final Paging.Page first = new Paging.Page(100, null);

    TimelineModuleTests(TimelineService timeline, Timelines timelines) {
        this.timeline = timeline;
        this.timelines = timelines;
    }

    @BeforeEach
    void everyoneExists() {
        given(accounts.exists(anyString())).willReturn(true);
        given(posts.recentBy(anyString(), anyInt())).willReturn(List.of());
    }

    private static Micropost post(long id, String author, String text) {
        return new Micropost(id, author, text, null, Instant.now().truncatedTo(ChronoUnit.MILLIS), 1);
    }

    private static Micropost revision(Micropost post, long revision) {
        return new Micropost(post.id(), post.author(), post.text(), post.referenced(), post.createdAt(), revision);
    }

    @Test
    void fansOutToTheAuthorAndFollowers(Scenario scenario) {
        scenario.publish(Followed.of("t_fan", "t_star", 1))
                .andWaitForStateChange(() -> timelines.follows("t_fan", "t_star"));
        scenario.publish(MicropostCreated.of(post(1001, "t_star", "hello")))
                .andWaitForStateChange(() -> timeline.read("t_fan", first), list -> !list.isEmpty())
                .andVerify(list -> assertThat(list).extracting(Micropost::id).containsExactly(1001L));
        assertThat(timeline.read("t_star", first)).extracting(Micropost::id).containsExactly(1001L);
        assertThat(timeline.read("t_stranger", first)).isEmpty();
    }

    @Test
    void aRedeliveredEventChangesNothing(Scenario scenario) {
        MicropostCreated event = MicropostCreated.of(post(2001, "t_twice", "once"));
        scenario.publish(event).andWaitForStateChange(() -> timeline.read("t_twice", first), l -> !l.isEmpty());
        scenario.publish(event)
                .andWaitForStateChange(() -> timeline.read("t_twice", first), l -> l.size() == 1)
                .andVerify(list -> assertThat(list).hasSize(1));
    }

    @Test
    void followBackfillsAndUnfollowRemoves(Scenario scenario) {
        given(posts.recentBy(eq("t_old"), anyInt()))
                .willReturn(List.of(post(3002, "t_old", "b"), post(3001, "t_old", "a")));
        scenario.publish(Followed.of("t_new", "t_old", 1))
                .andWaitForStateChange(() -> timeline.read("t_new", first), list -> list.size() == 2)
                .andVerify(list -> assertThat(list).extracting(Micropost::id).containsExactly(3002L, 3001L));
        scenario.publish(Unfollowed.of("t_new", "t_old", 2))
                .andWaitForStateChange(() -> timeline.read("t_new", first), List::isEmpty);
    }

    @Test
    void editsAndDeletesReachTheTimeline(Scenario scenario) {
        scenario.publish(MicropostCreated.of(post(4001, "t_editor", "draft")))
                .andWaitForStateChange(() -> timeline.read("t_editor", first), l -> !l.isEmpty());
        scenario.publish(MicropostUpdated.of(revision(post(4001, "t_editor", "final"), 2)))
                .andWaitForStateChange(
                        () -> timeline.read("t_editor", first),
                        l -> l.get(0).text().equals("final"));
        scenario.publish(MicropostDeleted.of(4001, "t_editor"))
                .andWaitForStateChange(() -> timeline.read("t_editor", first), List::isEmpty);
    }
}
