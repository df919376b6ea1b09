package dev.microposts.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The settings a process's modules turn into, before anything starts. */
class TopologyEnvironmentTests {

    private static final String GATEWAY =
            "org.springframework.cloud.gateway.server.mvc.GatewayServerMvcAutoConfiguration";

    private static MockEnvironment environment(String modules) {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("microposts.modules", modules)
                .withProperty("MICROPOSTS_DATA_DIR", "target/test-data/topology-environment");
        for (String module : new String[] {"accounts", "posts", "social", "timeline"}) {
            environment.setProperty("microposts." + module + ".url", "http://127.0.0.1:1");
        }
        return environment;
    }

    @Test
    void processesWithoutTheRouterLeaveTheGatewayOutAndKeepOtherExclusions() {
        MockEnvironment monolith = environment("accounts,posts,social,timeline");
        monolith.setProperty("spring.autoconfigure.exclude", "com.example.SomethingAutoConfiguration");
        new TopologyEnvironment().postProcessEnvironment(monolith, null);
        assertThat(monolith.getProperty("spring.autoconfigure.exclude"))
                .startsWith("com.example.SomethingAutoConfiguration,")
                .contains(GATEWAY);

        MockEnvironment posts = environment("posts");
        posts.setProperty("microposts.kafka.bootstrap", "127.0.0.1:1");
        posts.setProperty("microposts.internal.token", "0123456789abcdef0123456789abcdef");
        new TopologyEnvironment().postProcessEnvironment(posts, null);
        assertThat(posts.getProperty("spring.autoconfigure.exclude")).startsWith(GATEWAY);
    }

    @Test
    void theRouterKeepsTheGatewayWithoutItsWeightFilter() {
        MockEnvironment router = environment("router");
        new TopologyEnvironment().postProcessEnvironment(router, null);
        assertThat(router.getProperty("spring.autoconfigure.exclude", "")).doesNotContain("gateway");
        assertThat(router.getProperty("spring.cloud.gateway.server.webmvc.weight-calculator-filter.enabled"))
                .isEqualTo("false");
    }

    @Test
    void eachProcessIsNamedAfterItsModulesUnlessANameIsSet() {
        MockEnvironment router = environment("router");
        new TopologyEnvironment().postProcessEnvironment(router, null);
        assertThat(router.getProperty("spring.application.name")).isEqualTo("microposts-router");

        MockEnvironment monolith = environment("timeline,social,posts,accounts");
        new TopologyEnvironment().postProcessEnvironment(monolith, null);
        assertThat(monolith.getProperty("spring.application.name")).isEqualTo("microposts");

        MockEnvironment named = environment("router");
        named.setProperty("spring.application.name", "edge");
        new TopologyEnvironment().postProcessEnvironment(named, null);
        assertThat(named.getProperty("spring.application.name")).isEqualTo("edge");

        assertThat(TopologyEnvironment.serviceName(java.util.EnumSet.of(ModuleId.SOCIAL, ModuleId.ACCOUNTS)))
                .isEqualTo("microposts-accounts-social");
    }
}
