package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import dev.microposts.contract.Api.Response;
import dev.microposts.platform.topology.ModuleId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the router tells the modules behind it about the public URL: a trusted proxy's
 * {@code X-Forwarded-*} first (the modules use the first value), with the router's own after
 * them; an untrusted client's replaced by the router's own; a malformed value dropped. And it
 * never forwards an internal path, nor a cookie a module set for another client. The modules are
 * a stub that records what reaches it.
 */
class RouterForwardedHeadersTests {

    private static final String[] FORWARDED = {
        "X-Forwarded-Proto",
        "https",
        "X-Forwarded-Host",
        "proxy.example",
        "X-Forwarded-Prefix",
        "/p",
        "X-Forwarded-For",
        "203.0.113.9",
        "Forwarded",
        "host=evil.example"
    };

    static HttpServer modules;
    static final List<Headers> received = new CopyOnWriteArrayList<>();
    static ConfigurableApplicationContext trusting;
    static ConfigurableApplicationContext untrusting;

    @BeforeAll
    static void start() throws IOException {
        modules = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        modules.createContext("/", exchange -> {
            received.add(exchange.getRequestHeaders());
            byte[] body = "{}".getBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (exchange.getRequestURI().getPath().endsWith("/module-headers")) {
                // what a module's own filters put on every answer
                exchange.getResponseHeaders()
                        .set("X-Request-Id", exchange.getRequestHeaders().getFirst("X-Request-Id"));
                exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            }
            if (exchange.getRequestURI().getPath().endsWith("/cookie-setter")) {
                exchange.getResponseHeaders().set("Set-Cookie", "session=alice; Path=/");
            }
            int status = 200;
            if (exchange.getRequestURI().getPath().endsWith("/moved")) {
                // a module's redirect is its client's to follow, not the router's
                exchange.getResponseHeaders().set("Location", "/api/users/elsewhere");
                status = 302;
            }
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        modules.start();
        trusting = router("trusting");
        untrusting = router("untrusting", "microposts.forwarded.trusted-proxies=10.0.0.0/8");
    }

    /** A router process (in this JVM) in front of the stub; settings as command-line arguments, which win. */
    private static ConfigurableApplicationContext router(String name, String... settings) {
        String url = "http://127.0.0.1:" + modules.getAddress().getPort();
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--microposts.modules=router",
                "--microposts.data-dir=target/test-data/router-" + name));
        for (ModuleId module : ModuleId.BUSINESS) {
            arguments.add("--microposts." + module.id() + ".url=" + url);
        }
        for (String setting : settings) {
            arguments.add("--" + setting);
        }
        return new SpringApplicationBuilder(MicroPostsApplication.class).run(arguments.toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {trusting, untrusting}) {
            if (context != null) {
                context.close();
            }
        }
        if (modules != null) {
            modules.stop(0);
        }
    }

    @BeforeEach
    void forget() {
        received.clear();
    }

    private static Api api(ConfigurableApplicationContext router) {
        return new Api("http://127.0.0.1:" + router.getEnvironment().getProperty("local.server.port"));
    }

    private static Headers forwardedBy(ConfigurableApplicationContext router, String... headers) {
        Response response = api(router).get("/api/users/someone", headers);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(received).hasSize(1);
        return received.remove(0);
    }

    private static String routerHost(ConfigurableApplicationContext router) {
        return "127.0.0.1:" + router.getEnvironment().getProperty("local.server.port");
    }

    @Test
    void anUntrustedClientsForwardedHeadersAreReplacedByTheRoutersOwn() {
        Headers headers = forwardedBy(untrusting, FORWARDED);
        assertThat(headers.get("X-Forwarded-Host")).containsExactly(routerHost(untrusting));
        assertThat(headers.get("X-Forwarded-Proto")).containsExactly("http");
        assertThat(headers.get("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(headers.get("X-Forwarded-Prefix")).isNull();
        assertThat(headers.get("Forwarded")).isNull();
    }

    @Test
    void aTrustedProxysForwardedHeadersArePassedOnFirst() {
        Headers headers = forwardedBy(trusting, FORWARDED);
        assertThat(headers.getFirst("X-Forwarded-Host")).isEqualTo("proxy.example," + routerHost(trusting));
        assertThat(headers.getFirst("X-Forwarded-Proto")).isEqualTo("https,http");
        assertThat(headers.getFirst("X-Forwarded-Prefix")).isEqualTo("/p");
        assertThat(headers.getFirst("X-Forwarded-For")).isEqualTo("203.0.113.9,127.0.0.1");
        assertThat(headers.get("Forwarded")).isNull();

        Headers none = forwardedBy(trusting);
        assertThat(none.get("X-Forwarded-Host")).containsExactly(routerHost(trusting));
    }

    @Test
    void aMalformedValueFromATrustedProxyIsDroppedSoTheRoutersOwnCounts() {
        Headers headers = forwardedBy(
                trusting, "X-Forwarded-Host", "a b", "X-Forwarded-Prefix", "/a b", "X-Forwarded-Proto", "https");
        assertThat(headers.get("X-Forwarded-Host")).containsExactly(routerHost(trusting));
        assertThat(headers.get("X-Forwarded-Prefix")).isNull();
        assertThat(headers.getFirst("X-Forwarded-Proto")).isEqualTo("https,http");
    }

    @Test
    void aCookieABackendSetsReachesItsClientAndIsNeverSentOnByTheRouter() {
        Response set = api(untrusting).get("/api/users/cookie-setter");
        assertThat(set.status()).isEqualTo(200);
        assertThat(values(set, "Set-Cookie")).containsExactly("session=alice; Path=/");
        received.clear();
        // another client's request, which carries no cookie: the router adds none of its own
        Headers next = forwardedBy(untrusting);
        assertThat(next.get("Cookie")).as("Cookie sent by the router").isNull();
    }

    @Test
    void theHeadersTheRouterSetsItselfAreOnTheAnswerOnceNotAgainFromTheModule() {
        Response response = api(untrusting).get("/api/users/module-headers", "X-Request-Id", "req-1");
        assertThat(response.status()).isEqualTo(200);
        assertThat(received.get(0).get("X-Request-Id")).containsExactly("req-1");
        assertThat(values(response, "X-Request-Id")).containsExactly("req-1");
        assertThat(values(response, "X-Content-Type-Options")).containsExactly("nosniff");
    }

    @Test
    void aModulesRedirectIsPassedToItsClientNotFollowedByTheRouter() {
        for (String method : List.of("GET", "POST")) {
            received.clear();
            Response response =
                    api(untrusting).send(method, "/api/users/moved", null, "GET".equals(method) ? null : "{}");
            assertThat(response.status()).as(method).isEqualTo(302);
            assertThat(values(response, "Location")).as(method).containsExactly("/api/users/elsewhere");
            assertThat(received)
                    .as(method + ": requests that reached the module")
                    .hasSize(1);
        }
    }

    @Test
    void theResourceMetadataEveryChallengeNamesIsRoutedToo() {
        Response response = api(untrusting).get("/.well-known/oauth-protected-resource");
        assertThat(response.status()).isEqualTo(200);
        assertThat(received).hasSize(1);
    }

    private static List<String> values(Response response, String header) {
        return response.headers().entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(header))
                .flatMap(entry -> entry.getValue().stream())
                .toList();
    }

    @Test
    void internalPathsAreNeverForwarded() {
        for (ConfigurableApplicationContext router : List.of(trusting, untrusting)) {
            for (String path : List.of(
                    "/internal/posts/users/someone/recent?limit=1000", "/internal/accounts/users/someone/exists")) {
                Response response = api(router).get(path);
                assertThat(response.status()).as(path).isEqualTo(404);
            }
            // dot segments are normalised (or refused) before routing: never a way around it
            for (String path : List.of(
                    "/api/../internal/accounts/users/someone/exists",
                    "/api/users/someone/../../../internal/accounts/users/someone/exists",
                    "/api/users/%2e%2e/%2e%2e/internal/accounts/users/someone/exists")) {
                assertThat(api(router).get(path).status()).as(path).isIn(400, 404);
            }
        }
        assertThat(received).isEmpty();
    }
}
