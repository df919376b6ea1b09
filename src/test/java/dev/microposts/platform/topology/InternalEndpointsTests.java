package dev.microposts.platform.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import dev.microposts.contract.Api.Response;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.env.MockEnvironment;

/**
 * A process whose modules are called from other processes (here accounts and posts, whose callers
 * social and timeline run elsewhere) serves their internal endpoints only to callers with the
 * deployment's token, within the public lists' limits; its own calls to other processes carry the
 * token.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "microposts.modules=accounts,posts",
            "microposts.data-dir=target/test-data/internal-endpoints-${random.uuid}",
            "microposts.internal.token=" + InternalEndpointsTests.TOKEN
        })
class InternalEndpointsTests {

    static final String TOKEN = "0123456789abcdef0123456789abcdef-internal";

    @LocalServerPort
    int port;

    private Api api() {
        return new Api("http://127.0.0.1:" + port);
    }

    @Test
    void withoutTheTokenAModuleProcessAnswers401() {
        String author = api().register("internal");
        for (String path : new String[] {
            "/internal/posts/users/" + author + "/recent?limit=1000",
            "/internal/posts/users/" + author + "/recent",
            "/internal/accounts/users/" + author + "/exists"
        }) {
            Response anonymous = api().get(path);
            assertThat(anonymous.status()).as(path).isEqualTo(401);
            assertThat(anonymous.contentType()).startsWith("application/problem+json");
            assertThat(anonymous.header("X-Request-Id")).isNotBlank();
            assertThat(api().get(path, InternalEndpoints.HEADER, TOKEN.substring(1))
                            .status())
                    .isEqualTo(401);
            assertThat(api().get(path, InternalEndpoints.HEADER, TOKEN + "x").status())
                    .isEqualTo(401);
            assertThat(api().get(path, InternalEndpoints.HEADER, "").status()).isEqualTo(401);
            assertThat(api().get(path, "Authorization", "Bearer " + TOKEN).status())
                    .isEqualTo(401);
        }
    }

    @Test
    void withTheTokenItAnswersWithinThePublicLimits() {
        String author = api().register("internal");
        String token = api().token(author);
        for (int i = 0; i < 3; i++) {
            api().createPost(author, token, "post " + i);
        }
        String recent = "/internal/posts/users/" + author + "/recent";
        Response two = api().get(recent + "?limit=2", InternalEndpoints.HEADER, TOKEN);
        assertThat(two.status()).as(two.body()).isEqualTo(200);
        assertThat(two.json().size()).isEqualTo(2);
        assertThat(api().get(recent + "?limit=100", InternalEndpoints.HEADER, TOKEN)
                        .json()
                        .size())
                .isEqualTo(3);
        assertThat(api().get(recent, InternalEndpoints.HEADER, TOKEN).json().size())
                .isEqualTo(3);
        for (String limit : new String[] {"101", "1000", "0", "-1", "many"}) {
            Response refused = api().get(recent + "?limit=" + limit, InternalEndpoints.HEADER, TOKEN);
            assertThat(refused.status()).as("limit=" + limit).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        }

        Response exists = api().get("/internal/accounts/users/" + author + "/exists", InternalEndpoints.HEADER, TOKEN);
        assertThat(exists.status()).isEqualTo(200);
        assertThat(exists.json().get("exists").asBoolean()).isTrue();
        assertThat(api().get("/internal/accounts/users/nobody_" + author + "/exists", InternalEndpoints.HEADER, TOKEN)
                        .json()
                        .get("exists")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void callsToAnotherProcessCarryTheToken() throws IOException {
        AtomicReference<String> received = new AtomicReference<>();
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", exchange -> {
            received.set(exchange.getRequestHeaders().getFirst(InternalEndpoints.HEADER));
            byte[] body = "{\"exists\":true}".getBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        try {
            MockEnvironment environment = new MockEnvironment()
                    .withProperty("microposts.modules", "posts")
                    .withProperty(
                            "microposts.accounts.url",
                            "http://127.0.0.1:" + stub.getAddress().getPort())
                    .withProperty("microposts.internal.token", TOKEN);
            RemoteModules remotes = new RemoteModules(MicropostsProperties.of(environment));
            RemoteModules.Remote accounts = remotes.of(ModuleId.ACCOUNTS);
            accounts.read(() -> accounts.client()
                    .get()
                    .uri("/internal/accounts/users/a/exists")
                    .retrieve()
                    .body(String.class));
            assertThat(received.get()).isEqualTo(TOKEN);
        } finally {
            stub.stop(0);
        }
    }

    @Test
    void whoServesAndWhoCallsFollowsTheModuleGraph() {
        Set<ModuleId> monolith = ModuleId.BUSINESS;
        assertThat(InternalEndpoints.served(monolith)).isEmpty();
        assertThat(InternalEndpoints.called(monolith)).isEmpty();
        assertThat(InternalEndpoints.served(EnumSet.of(ModuleId.ROUTER))).isEmpty();
        assertThat(InternalEndpoints.called(EnumSet.of(ModuleId.ROUTER))).isEmpty();
        assertThat(InternalEndpoints.served(EnumSet.of(ModuleId.ACCOUNTS))).containsExactly(ModuleId.ACCOUNTS);
        assertThat(InternalEndpoints.served(EnumSet.of(ModuleId.POSTS))).containsExactly(ModuleId.POSTS);
        assertThat(InternalEndpoints.called(EnumSet.of(ModuleId.POSTS))).containsExactly(ModuleId.ACCOUNTS);
        assertThat(InternalEndpoints.served(EnumSet.of(ModuleId.TIMELINE))).isEmpty();
        assertThat(InternalEndpoints.called(EnumSet.of(ModuleId.TIMELINE)))
                .containsExactly(ModuleId.ACCOUNTS, ModuleId.POSTS);
        assertThat(InternalEndpoints.served(EnumSet.of(ModuleId.ACCOUNTS, ModuleId.POSTS, ModuleId.SOCIAL)))
                .containsExactly(ModuleId.ACCOUNTS, ModuleId.POSTS);
    }
}
