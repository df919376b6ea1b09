package dev.microposts.posts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microposts.MicroPostsApplication;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

/**
 * A PUT that races a DELETE of the same micropost (it read the micropost, then the DELETE
 * committed) answers 404 and publishes nothing: an update event of a deleted micropost would
 * bring its text back wherever it is copied.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        properties = "microposts.data-dir=target/test-data/update-deleted-${random.uuid}")
@RecordApplicationEvents
class UpdateOfDeletedMicropostTests {

    @Autowired
    PostService posts;

    @Autowired
    ApplicationEvents events;

    @Test
    void anUpdateOfAMicropostDeletedSinceItWasReadIsNotFoundAndPublishesNothing() {
        Micropost created = posts.create("race_author", "before", null);
        Micropost read = posts.get("race_author", created.id());
        posts.delete(read);
        assertThatThrownBy(() -> posts.update(read, "after", null)).isInstanceOf(MicropostNotFound.class);
        assertThat(events.stream(MicropostUpdated.class)).isEmpty();
        assertThat(events.stream(MicropostDeleted.class)).hasSize(1);
    }

    @Test
    void everyUpdateGivesTheNextRevision() {
        Micropost created = posts.create("revision_author", "one", null);
        assertThat(created.revision()).isEqualTo(1);
        Micropost second = posts.update(created, "two", null);
        Micropost third = posts.update(second, "three", null);
        assertThat(second.revision()).isEqualTo(2);
        assertThat(third.revision()).isEqualTo(3);
    }
}
