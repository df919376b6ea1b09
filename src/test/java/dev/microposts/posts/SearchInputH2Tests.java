package dev.microposts.posts;

import dev.microposts.MicroPostsApplication;
import org.springframework.boot.test.context.SpringBootTest;

/** {@link SearchInputTests} on the monolith's embedded default, H2 in a file. */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "microposts.data-dir=target/test-data/h2-search-${random.uuid}")
class SearchInputH2Tests extends SearchInputTests {}
