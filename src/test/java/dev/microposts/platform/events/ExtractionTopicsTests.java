package dev.microposts.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.platform.topology.ModuleId;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * While a module is extracted, the monolith takes that module's events from Kafka (where the
 * extracted process publishes them once it takes the writes), and its consumer group is named by
 * its consuming modules, so it stays the same when the monolith restarts without the module.
 */
class ExtractionTopicsTests {

    private static final Set<ModuleId> MONOLITH = EnumSet.copyOf(ModuleId.BUSINESS);

    @Test
    void theMonolithConsumesNothingFromKafkaUntilAModuleIsExtracted() {
        assertThat(EventBridge.consumedTopics(MONOLITH)).isEmpty();
        assertThat(EventBridge.consumedTopics(MONOLITH, EnumSet.of(ModuleId.POSTS)))
                .containsExactly("microposts.posts");
        assertThat(EventBridge.consumedTopics(MONOLITH, EnumSet.of(ModuleId.POSTS, ModuleId.SOCIAL)))
                .containsExactly("microposts.posts", "microposts.social");
    }

    @Test
    void theConsumerGroupIsTheSameDuringTheExtractionAndAfterTheMonolithRestartsWithoutTheModule() {
        Set<ModuleId> during = EventBridge.consumers(MONOLITH, EnumSet.of(ModuleId.POSTS));
        Set<ModuleId> after =
                EventBridge.consumers(EnumSet.of(ModuleId.ACCOUNTS, ModuleId.SOCIAL, ModuleId.TIMELINE), Set.of());
        Set<ModuleId> alone = EventBridge.consumers(EnumSet.of(ModuleId.TIMELINE), Set.of());
        assertThat(during).containsExactly(ModuleId.TIMELINE).isEqualTo(after).isEqualTo(alone);
    }

    @Test
    void aProcessThatRunsAConsumerBeingExtractedReadsInAGroupOfItsOwn() {
        Set<ModuleId> monolith = EnumSet.of(ModuleId.ACCOUNTS, ModuleId.TIMELINE);
        // the extracted process reads in the usual group, the monolith beside it in another
        assertThat(EventBridge.group(EnumSet.of(ModuleId.TIMELINE), Set.of())).isEqualTo("microposts-timeline");
        assertThat(EventBridge.group(monolith, EnumSet.of(ModuleId.TIMELINE)))
                .isEqualTo("microposts-timeline-extracting");
        // extracting a producer does not change the consumer's group
        assertThat(EventBridge.group(MONOLITH, EnumSet.of(ModuleId.POSTS))).isEqualTo("microposts-timeline");
    }
}
