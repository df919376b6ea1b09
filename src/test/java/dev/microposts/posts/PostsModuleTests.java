package dev.microposts.posts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;

import dev.microposts.accounts.Accounts;
import dev.microposts.platform.web.Paging;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.test.ApplicationModuleTest;
import org.springframework.modulith.test.AssertablePublishedEvents;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

@ApplicationModuleTest
@TestPropertySource(properties = "microposts.data-dir=target/test-data/module-posts-${random.uuid}")
class PostsModuleTests {

    @MockitoBean
    Accounts accounts;

    private final PostService posts;

    PostsModuleTests(PostService posts) {
        this.posts = posts;
    }

    @BeforeEach
    void everyoneExists() {
        given(accounts.exists(anyString())).willReturn(true);
    }

    @Test
    void createUpdateAndDeletePublishTheirEvents(AssertablePublishedEvents events) {
        Micropost created = posts.create("writer", "first", null);
        assertThat(events)
                .contains(MicropostCreated.class)
                .matching(e -> e.micropost().id(), created.id());
        posts.update(created, "second", "reader");
        assertThat(events)
                .contains(MicropostUpdated.class)
                .matching(e -> e.micropost().text(), "second");
        posts.delete(posts.get("writer", created.id()));
        assertThat(events).contains(MicropostDeleted.class).matching(MicropostDeleted::micropostId, created.id());
    }

    @Test
    void searchTreatsWildcardsAsLiterals() {
        posts.create("searcher", "50% off", null);
        posts.create("searcher", "5000 off", null);
        posts.create("searcher", "a_b", null);
        posts.create("searcher", "axb", null);
        var page = new Paging.Page(20, null);
        assertThat(posts.collection("searcher", Optional.of("0%"), page))
                .extracting(Micropost::text)
                .containsExactly("50% off");
        assertThat(posts.collection("searcher", Optional.of("A_B"), page))
                .extracting(Micropost::text)
                .containsExactly("a_b");
        assertThat(posts.collection("searcher", Optional.of(""), page)).hasSize(4);
    }

    @Test
    void recentByIsNewestFirstAndBounded() {
        for (int i = 0; i < 5; i++) {
            posts.create("recent", "post " + i, null);
        }
        assertThat(posts.recentBy("recent", 3))
                .extracting(Micropost::text)
                .containsExactly("post 4", "post 3", "post 2");
    }
}
