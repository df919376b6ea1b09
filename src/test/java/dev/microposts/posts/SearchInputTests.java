package dev.microposts.posts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microposts.contract.Api;
import dev.microposts.contract.Api.Response;
import dev.microposts.platform.core.DomainException;
import dev.microposts.platform.web.Paging;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A {@code ?search} term that no micropost text can hold (U+0000, an unpaired surrogate) is a 400
 * naming {@code search} on every database, never a 500 from the database's refusal of the
 * character. {@link SearchInputH2Tests} and {@link SearchInputPostgresTests} run it on each.
 */
abstract class SearchInputTests {

    @LocalServerPort
    int port;

    @Autowired
    PostService posts;

    private Api api() {
        return new Api("http://127.0.0.1:" + port);
    }

    @Test
    void aNulInTheSearchTermIsA400NamingSearch() {
        String author = api().register("nul");
        api().createPost(author, api().token(author), "a b c");
        String path = "/api/users/" + author + "/collection";
        for (String search : List.of("%00", "a%00b", "%00%25")) {
            Response response = api().get(path + "?search=" + search);
            assertThat(response.status())
                    .as("?search=%s: %s", search, response.body())
                    .isEqualTo(400);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            assertThat(fields(response)).containsExactly("search");
        }
        assertThat(api().get(path + "?search=%00&limit=500").status()).isEqualTo(400);
        assertThat(api().get(path + "?search=b").status()).isEqualTo(200);
    }

    @Test
    void theUserComesFirst() {
        assertThat(api().get("/api/users/" + Api.uniqueName("nobody") + "/collection?search=%00")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void anUnpairedSurrogateInTheSearchTermIsRefusedNamingSearch() {
        String author = api().register("surrogate");
        Paging.Page page = Paging.page(null, null);
        for (String term : List.of("\uD800", "a\uDC00", "\uDBFF\u0000")) {
            assertThatThrownBy(() -> posts.collection(author, Optional.of(term), page))
                    .isInstanceOfSatisfying(DomainException.class, refusal -> {
                        assertThat(refusal.kind()).isEqualTo(DomainException.Kind.INVALID);
                        assertThat(refusal.errors())
                                .extracting(error -> error.field())
                                .containsExactly("search");
                    });
        }
        assertThat(posts.collection(author, Optional.of("\uD83D\uDE00"), page)).isEmpty();
        // over HTTP a surrogate cannot arrive as one: its UTF-8 form is not valid URL encoding
        Response encoded = api().get("/api/users/" + author + "/collection?search=%ED%A0%80");
        assertThat(encoded.status()).as(encoded.body()).isEqualTo(400);
        assertThat(encoded.header("Content-Type")).startsWith("application/problem+json");
    }

    private static List<String> fields(Response response) {
        List<String> fields = new ArrayList<>();
        response.json()
                .get("errors")
                .forEach(error -> fields.add(error.get("field").stringValue()));
        return fields;
    }
}
