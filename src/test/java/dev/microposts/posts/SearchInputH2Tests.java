package dev.microposts.posts;

import org.springframework.boot.test.context.SpringBootTest;

import dev.microposts.MicroPostsApplication;

/** {@link SearchInputTests} on the monolith's embedded default, H2 in a file. */
@SpringBootTest(classes = MicroPostsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "microposts.data-dir=target/test-data/h2-search-${random.uuid}")
class SearchInputH2Tests extends SearchInputTests {
}
