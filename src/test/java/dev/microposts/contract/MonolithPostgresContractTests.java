package dev.microposts.contract;

import dev.microposts.MicroPostsApplication;
import dev.microposts.support.EmbeddedPostgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The contract against the monolith on a real PostgreSQL server (started from zonky's binaries). */
@SpringBootTest(classes = MicroPostsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MonolithPostgresContractTests extends ContractTests {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String url = EmbeddedPostgres.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @LocalServerPort
    int port;

    @Override
    protected Api api() {
        return new Api("http://127.0.0.1:" + port);
    }
}
