package dev.microposts.topology;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microposts.MicroPostsApplication;
import dev.microposts.platform.topology.TopologyEnvironment.TopologyException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A topology that cannot work refuses to start, with one message naming what to set. (The
 * variables are given as the properties they bind to, as MICROPOSTS_ACCOUNTS_URL binds to
 * microposts.accounts.url.)
 */
class TopologyConfigurationTests {

    private static void start(String... properties) {
        new SpringApplicationBuilder(MicroPostsApplication.class)
                .properties("server.port=0")
                .properties("microposts.data-dir=target/test-data/config")
                .properties(properties)
                .run()
                .close();
    }

    @Test
    void aModuleWhoseDependencyIsNeitherLocalNorReachableNamesTheMissingUrl() {
        assertThatThrownBy(() -> start("microposts.modules=posts"))
                .isInstanceOf(TopologyException.class)
                .hasMessageStartingWith("MICROPOSTS_ACCOUNTS_URL is not set: module posts needs accounts");
        assertThatThrownBy(() -> start("microposts.modules=timeline", "microposts.accounts.url=http://127.0.0.1:1"))
                .isInstanceOf(TopologyException.class)
                .hasMessageStartingWith("MICROPOSTS_POSTS_URL is not set");
    }

    @Test
    void aConsumerOfRemoteEventsNeedsKafka() {
        assertThatThrownBy(() -> start(
                        "microposts.modules=timeline",
                        "microposts.accounts.url=http://127.0.0.1:1",
                        "microposts.posts.url=http://127.0.0.1:1"))
                .isInstanceOf(TopologyException.class)
                .hasMessageStartingWith(
                        "MICROPOSTS_KAFKA_BOOTSTRAP is not set: module timeline consumes the events of posts");
    }

    @Test
    void theRouterNeedsEveryModule() {
        assertThatThrownBy(() -> start("microposts.modules=router", "microposts.accounts.url=http://127.0.0.1:1"))
                .isInstanceOf(TopologyException.class)
                .hasMessageStartingWith("MICROPOSTS_POSTS_URL is not set");
    }

    @Test
    void aProcessBetweenProcessesNeedsTheSharedInternalToken() {
        assertThatThrownBy(() -> start("microposts.modules=posts", "microposts.accounts.url=http://127.0.0.1:1"))
                .isInstanceOf(TopologyException.class)
                .hasMessageStartingWith(
                        "MICROPOSTS_INTERNAL_TOKEN is not set: "
                                + "this process calls accounts in another process and serves posts to modules in other processes");
        assertThatThrownBy(() -> start("microposts.modules=accounts"))
                .isInstanceOf(TopologyException.class)
                .hasMessageStartingWith("MICROPOSTS_INTERNAL_TOKEN is not set: this process serves accounts");
        assertThatThrownBy(() -> start("microposts.modules=accounts", "microposts.internal.token=short"))
                .isInstanceOf(TopologyException.class)
                .hasMessageStartingWith("MICROPOSTS_INTERNAL_TOKEN is too short");
    }

    @Test
    void unknownModulesAndDisagreeingDatabasesAreRefused() {
        assertThatThrownBy(() -> start("microposts.modules=posts,billing"))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("unknown modules [billing]");
        assertThatThrownBy(() -> start(
                        "microposts.modules=accounts,posts",
                        "microposts.internal.token=0123456789abcdef0123456789abcdef",
                        "microposts.accounts.db.url=jdbc:h2:mem:a",
                        "microposts.posts.db.url=jdbc:h2:mem:b"))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("differ");
    }
}
