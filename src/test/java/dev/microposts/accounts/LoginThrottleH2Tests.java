package dev.microposts.accounts;

import dev.microposts.MicroPostsApplication;
import org.springframework.boot.test.context.SpringBootTest;

/** {@link LoginThrottleTests} on the monolith's embedded default, H2 in a file. */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "microposts.data-dir=target/test-data/h2-throttle-${random.uuid}")
class LoginThrottleH2Tests extends LoginThrottleTests {}
