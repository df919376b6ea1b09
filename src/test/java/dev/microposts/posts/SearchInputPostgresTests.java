package dev.microposts.posts;

import dev.microposts.MicroPostsApplication;
import dev.microposts.support.EmbeddedPostgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link SearchInputTests} on a real PostgreSQL server, which refuses U+0000 in any text. */
@SpringBootTest(classes = MicroPostsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SearchInputPostgresTests extends SearchInputTests {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String url = EmbeddedPostgres.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }
}
