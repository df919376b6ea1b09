package dev.microposts.contract;

import dev.microposts.MicroPostsApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The contract against the monolith on its embedded default: H2 in a file. */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "microposts.data-dir=target/test-data/h2-contract-${random.uuid}")
class MonolithH2ContractTests extends ContractTests {

    @LocalServerPort
    int port;

    @Override
    protected Api api() {
        return new Api("http://127.0.0.1:" + port);
    }
}
