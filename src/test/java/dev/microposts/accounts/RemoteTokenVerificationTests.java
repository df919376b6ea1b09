package dev.microposts.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import dev.microposts.contract.Api.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A process that does not run the accounts module (here: posts) verifies tokens with the key set
 * of the accounts module's JWKS endpoint, here a real HTTP server of the test that counts its
 * fetches and fails on demand: while no key set could ever be fetched, a request with a token is
 * 503 problem+json; tokens with key ids nobody knows fetch the set at most twice per refetch
 * interval (and are 401); once fetched, the set keeps verifying tokens through an outage of the
 * endpoint longer than the cache. The requests go to the actuator (a public read that still
 * verifies the token it is sent, and calls no other module).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteTokenVerificationTests {

    private static final String PATH = "/actuator/health/liveness";
    private static final Duration REFETCH_INTERVAL = Duration.ofSeconds(1);
    private static final Duration CACHE = Duration.ofSeconds(3);

    private static final RSAKey KEY = generate();
    private static final AtomicInteger FETCHES = new AtomicInteger();
    private static final AtomicBoolean UP = new AtomicBoolean(false);
    private static HttpServer accounts;
    private static ConfigurableApplicationContext posts;
    private static int port;

    @BeforeAll
    static void start() {
        accounts = serve();
        posts = new SpringApplicationBuilder(MicroPostsApplication.class)
                .properties(
                        "microposts.modules=posts",
                        "microposts.data-dir=target/test-data/remote-tokens-" + UUID.randomUUID(),
                        "microposts.internal.token=0123456789abcdef0123456789abcdef-remote-tokens",
                        "microposts.accounts.url=http://127.0.0.1:"
                                + accounts.getAddress().getPort(),
                        "microposts.jwks.cache=" + CACHE.toMillis() + "ms",
                        "microposts.jwks.refetch-interval=" + REFETCH_INTERVAL.toMillis() + "ms")
                .run("--server.port=0");
        port = ((WebServerApplicationContext) posts).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (posts != null) {
            posts.close();
        }
        accounts.stop(0);
    }

    @Test
    @Order(1)
    void whileNoKeySetCouldEverBeFetchedATokenIsAnswered503Problem() {
        for (int i = 0; i < 5; i++) {
            Response response = get(token(KEY.getKeyID()));
            assertThat(response.status()).as(response.body()).isEqualTo(503);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("status").asInt()).isEqualTo(503);
            assertThat(response.header("X-Request-Id")).isNotBlank();
        }
        assertThat(get(null).status()).as("no token, nothing to verify").isEqualTo(200);
    }

    @Test
    @Order(2)
    void unknownKeyIdsFetchTheKeySetAtMostTwicePerRefetchInterval() throws Exception {
        UP.set(true);
        awaitValidTokenAccepted();
        FETCHES.set(0);
        long started = System.nanoTime();
        int requests = 60;
        for (int i = 0; i < requests; i++) {
            Response response = get(token("unknown-" + UUID.randomUUID()));
            assertThat(response.status()).as(response.body()).isEqualTo(401);
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        }
        long intervals = Duration.ofNanos(System.nanoTime() - started).toMillis() / REFETCH_INTERVAL.toMillis() + 1;
        assertThat(FETCHES.get())
                .as("fetches for %d tokens with unknown key ids in %d refetch intervals", requests, intervals)
                .isLessThanOrEqualTo((int) (2 * intervals))
                .isLessThan(requests / 4);
        assertThat(get(token(KEY.getKeyID())).status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void theLastFetchedKeySetKeepsVerifyingWhileTheAccountsModuleIsDownLongerThanTheCache() throws Exception {
        UP.set(true);
        awaitValidTokenAccepted();
        UP.set(false);
        int before = FETCHES.get();
        Instant until = Instant.now().plus(CACHE.multipliedBy(3));
        while (Instant.now().isBefore(until)) {
            Response valid = get(token(KEY.getKeyID()));
            assertThat(valid.status()).as(valid.body()).isEqualTo(200);
            Response unknown = get(token("unknown-" + UUID.randomUUID()));
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(401);
            Thread.sleep(200);
        }
        assertThat(FETCHES.get())
                .as("the key set was asked for again, and could not be had")
                .isGreaterThan(before);
    }

    private void awaitValidTokenAccepted() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (get(token(KEY.getKeyID())).status() != 200) {
            assertThat(Instant.now())
                    .as("a valid token accepted once the key set can be fetched")
                    .isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private Response get(String token) {
        Api api = new Api("http://127.0.0.1:" + port);
        return token == null ? api.get(PATH) : api.get(PATH, "Authorization", "Bearer " + token);
    }

    /** A token as the accounts module signs it, with the given key id (signed with {@link #KEY}). */
    private static String token(String kid) {
        try {
            Instant now = Instant.now();
            var claims = new JWTClaimsSet.Builder()
                    .issuer(TokenVerification.ISSUER)
                    .subject("alice")
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plusSeconds(600)))
                    .build();
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), claims);
            jwt.sign(new RSASSASigner(KEY));
            return jwt.serialize();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048)
                    .keyUse(KeyUse.SIGNATURE)
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static HttpServer serve() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", RemoteTokenVerificationTests::answer);
            server.start();
            return server;
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        int status = 200;
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        if (exchange.getRequestURI().getPath().equals("/.well-known/jwks.json")) {
            FETCHES.incrementAndGet();
            if (UP.get()) {
                body = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            } else {
                status = 503;
            }
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
