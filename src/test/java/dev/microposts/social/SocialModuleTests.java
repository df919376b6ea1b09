package dev.microposts.social;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;

import dev.microposts.accounts.Accounts;
import dev.microposts.platform.web.Paging;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.test.ApplicationModuleTest;
import org.springframework.modulith.test.AssertablePublishedEvents;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

@ApplicationModuleTest
@TestPropertySource(properties = "microposts.data-dir=target/test-data/module-social-${random.uuid}")
class SocialModuleTests {

    @MockitoBean
    Accounts accounts;

    private final SocialService social;

    SocialModuleTests(SocialService social) {
        this.social = social;
    }

    @BeforeEach
    void everyoneExists() {
        given(accounts.exists(anyString())).willReturn(true);
    }

    @Test
    void followingTwiceCreatesOneEdgeAndOneEvent(AssertablePublishedEvents events) {
        assertThat(social.follow("fan", "star")).isTrue();
        assertThat(social.follow("fan", "star")).isFalse();
        assertThat(events.ofType(Followed.class)).hasSize(1);
        assertThat(social.following("fan", new Paging.Page(20, null)))
                .extracting(Follows.Edge::username)
                .containsExactly("star");
    }

    @Test
    void unfollowPublishesOnlyWhenAnEdgeWasRemoved(AssertablePublishedEvents events) {
        social.unfollow("nobody", "star");
        assertThat(events.ofType(Unfollowed.class)).isEmpty();
        social.follow("leaver", "star");
        social.unfollow("leaver", "star");
        assertThat(events).contains(Unfollowed.class).matching(Unfollowed::follower, "leaver");
    }
}
