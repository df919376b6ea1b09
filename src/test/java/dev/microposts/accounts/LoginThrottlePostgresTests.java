package dev.microposts.accounts;

import dev.microposts.MicroPostsApplication;
import dev.microposts.support.EmbeddedPostgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link LoginThrottleTests} on a real PostgreSQL server (started from zonky's binaries). */
@SpringBootTest(classes = MicroPostsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LoginThrottlePostgresTests extends LoginThrottleTests {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String url = EmbeddedPostgres.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }
}
