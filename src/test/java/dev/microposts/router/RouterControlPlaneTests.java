package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The router as a migration control plane, run for real in front of real HTTP servers: weights
 * and stickiness changed at run time, pins, holds, the admin API's guard and its persistence.
 * Shadow comparisons and the canary judge are in {@link RouterShadowAndJudgeTests}.
 */
class RouterControlPlaneTests {

    static final String TOKEN = "router-admin-token-for-tests-0123456789";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static HttpBackend base;
    private static HttpBackend old;
    private static HttpBackend candidate;
    private static ConfigurableApplicationContext router;
    private static String dataDir;
    private static int adminPort;
    private static String publicUrl;
    private static String adminUrl;

    @BeforeAll
    static void start() throws IOException {
        base = new HttpBackend("base");
        old = new HttpBackend("old");
        candidate = new HttpBackend("new");
        dataDir = "target/test-data/router-control-" + UUID.randomUUID();
        adminPort = freePort();
        router = startRouter(base, dataDir, adminPort);
        publicUrl = "http://127.0.0.1:" + router.getEnvironment().getProperty("local.server.port");
        adminUrl = "http://127.0.0.1:" + adminPort;
    }

    static ConfigurableApplicationContext startRouter(
            HttpBackend backend, String dataDir, int adminPort, String... more) {
        List<String> properties = new ArrayList<>(List.of(
                "microposts.modules=router",
                "microposts.data-dir=" + dataDir,
                "microposts.accounts.url=" + backend.url(),
                "microposts.posts.url=" + backend.url(),
                "microposts.social.url=" + backend.url(),
                "microposts.timeline.url=" + backend.url(),
                "microposts.router.admin-port=" + adminPort,
                "microposts.router.admin-token=" + TOKEN));
        properties.addAll(List.of(more));
        return new SpringApplicationBuilder(MicroPostsApplication.class)
                .properties(properties.toArray(String[]::new))
                .run("--server.port=0");
    }

    @AfterAll
    static void stop() {
        if (router != null) {
            router.close();
        }
        base.close();
        old.close();
        candidate.close();
    }

    @BeforeEach
    void postsGoToOldAndNew() throws Exception {
        Admin admin = new Admin(adminUrl);
        admin.expect(200, "PUT", "/admin/routes/posts", """
                {"backends":[{"name":"old","url":"%s","weight":100},{"name":"new","url":"%s","weight":0}],
                 "sticky":false,"shadow":"","writes":""}""".formatted(old.url(), candidate.url()));
        old.delayMillis = 0;
    }

    @Test
    void writesGoToTheWritesBackendWhileReadsFollowTheWeightsAndAHoldWaitsForNoneInFlight() throws Exception {
        Admin admin = new Admin(adminUrl);
        admin.expect(200, "POST", "/admin/routes/posts/weights", "{\"old\":0,\"new\":100}");
        JsonNode group = admin.expect(200, "PUT", "/admin/routes/posts/writes", "{\"backend\":\"old\"}");
        assertThat(group.path("writes").asString()).isEqualTo("old");
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> read = get(publicUrl + "/api/users/w" + i + "/collection", Map.of());
            assertThat(read.headers().firstValue(Routing.BACKEND_HEADER)).hasValue("new");
            HttpResponse<String> write = send("POST", publicUrl + "/api/users/w" + i + "/collection");
            assertThat(write.headers().firstValue(Routing.BACKEND_HEADER)).hasValue("old");
            HttpResponse<String> delete = send("DELETE", publicUrl + "/api/users/w" + i + "/collection/1");
            assertThat(delete.headers().firstValue(Routing.BACKEND_HEADER)).hasValue("old");
        }
        // a write in flight when the hold starts is counted until its answer: a switch waits for it
        old.delayMillis = 1500;
        ExecutorService client = Executors.newSingleThreadExecutor();
        Future<HttpResponse<String>> slow = client.submit(() -> send("POST", publicUrl + "/api/users/s/collection"));
        Thread.sleep(400);
        admin.expect(200, "POST", "/admin/routes/posts/hold", "{\"max\":\"5s\"}");
        assertThat(admin.expect(200, "GET", "/admin/routes/posts", null)
                        .path("inFlight")
                        .asInt())
                .isEqualTo(1);
        assertThat(slow.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(admin.expect(200, "GET", "/admin/routes/posts", null)
                        .path("inFlight")
                        .asInt())
                .isZero();
        old.delayMillis = 0;
        // the writes move while held; the held write goes where they moved
        Future<HttpResponse<String>> held = client.submit(() -> send("POST", publicUrl + "/api/users/s/collection"));
        Thread.sleep(300);
        admin.expect(200, "PUT", "/admin/routes/posts/writes", "{\"backend\":\"new\"}");
        admin.expect(200, "DELETE", "/admin/routes/posts/hold", null);
        assertThat(held.get(5, TimeUnit.SECONDS).headers().firstValue(Routing.BACKEND_HEADER))
                .hasValue("new");
        client.shutdown();
        // writes to a backend the group does not have are refused; removing the writes backend too
        admin.expect(400, "PUT", "/admin/routes/posts/writes", "{\"backend\":\"nowhere\"}");
        admin.expect(400, "PUT", "/admin/routes/posts", """
                {"backends":[{"name":"old","url":"%s","weight":100}]}""".formatted(old.url()));
        assertThat(admin.expect(200, "DELETE", "/admin/routes/posts/writes", null)
                        .path("writes")
                        .isString())
                .isFalse();
    }

    static HttpResponse<String> send(String method, String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void weightsSplitRequestsWithinStatisticalBounds() throws Exception {
        Admin admin = new Admin(adminUrl);
        admin.expect(200, "POST", "/admin/routes/posts/weights", "{\"old\":90,\"new\":10}");
        int toNew = 0;
        for (int i = 0; i < 2000; i++) {
            HttpResponse<String> response = get(publicUrl + "/api/users/u" + i + "/collection", Map.of());
            assertThat(response.statusCode()).isEqualTo(200);
            if (response.headers()
                    .firstValue(Routing.BACKEND_HEADER)
                    .orElseThrow()
                    .equals("new")) {
                toNew++;
            }
        }
        assertThat(toNew / 2000.0).isBetween(0.07, 0.13);
    }

    @Test
    void aStickyUserStaysOnOneBackendAndUsersOnTheCandidateStayThereAsItGrows() throws Exception {
        Admin admin = new Admin(adminUrl);
        admin.expect(200, "PUT", "/admin/routes/posts", """
                {"backends":[{"name":"old","url":"%s","weight":90},{"name":"new","url":"%s","weight":10}],"sticky":true}""".formatted(old.url(), candidate.url()));
        Set<String> onNewAt10 = usersOn("new", 600);
        assertThat(onNewAt10.size() / 600.0).isBetween(0.06, 0.14);

        admin.expect(200, "POST", "/admin/routes/posts/weights", "{\"old\":50,\"new\":50}");
        Set<String> onNewAt50 = usersOn("new", 600);
        assertThat(onNewAt50.size() / 600.0).isBetween(0.43, 0.57);
        assertThat(onNewAt50).containsAll(onNewAt10);
    }

    private static Set<String> usersOn(String backend, int users) throws Exception {
        Set<String> on = new HashSet<>();
        for (int i = 0; i < users; i++) {
            String chosen = null;
            for (String path : List.of("/collection", "/mentions")) {
                HttpResponse<String> response = get(publicUrl + "/api/users/user" + i + path, Map.of());
                assertThat(response.statusCode()).isEqualTo(200);
                String answered =
                        response.headers().firstValue(Routing.BACKEND_HEADER).orElseThrow();
                if (chosen != null) {
                    assertThat(answered)
                            .as("user%d's requests all go to one backend", i)
                            .isEqualTo(chosen);
                }
                chosen = answered;
            }
            if (chosen.equals(backend)) {
                on.add("user" + i);
            }
        }
        return on;
    }

    @Test
    void weightChangesUnderLoadFailNoRequestAndTakeEffectAtOnce() throws Exception {
        Admin admin = new Admin(adminUrl);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        Map<Integer, Integer> failures = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> load = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            load.add(clients.submit(() -> {
                while (running.get()) {
                    try {
                        int status = get(publicUrl + "/api/users/load/collection", Map.of())
                                .statusCode();
                        if (status == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.merge(status, 1, Integer::sum);
                        }
                    } catch (Exception ex) {
                        failures.merge(-1, 1, Integer::sum);
                    }
                }
                return null;
            }));
        }
        long slowest = 0;
        for (int i = 0; i < 20; i++) {
            boolean toNew = i % 2 == 0;
            admin.expect(
                    200,
                    "POST",
                    "/admin/routes/posts/weights",
                    toNew ? "{\"old\":0,\"new\":100}" : "{\"old\":100,\"new\":0}");
            long changed = System.nanoTime();
            // the first request sent after the change's answer is routed by it
            String answered = get(publicUrl + "/api/users/probe/collection", Map.of())
                    .headers()
                    .firstValue(Routing.BACKEND_HEADER)
                    .orElseThrow();
            slowest = Math.max(slowest, System.nanoTime() - changed);
            assertThat(answered).isEqualTo(toNew ? "new" : "old");
            Thread.sleep(50);
        }
        running.set(false);
        for (Future<?> client : load) {
            client.get(10, TimeUnit.SECONDS);
        }
        clients.shutdown();
        assertThat(failures).as("failed requests by status").isEmpty();
        assertThat(ok.get()).isGreaterThan(100);
        assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aPinNeedsTheAdminCredentialAndIsNotPassedOn() throws Exception {
        HttpResponse<String> pinned = get(
                publicUrl + "/api/users/alice/collection",
                Map.of(Routing.PIN_HEADER, "new", Routing.ADMIN_HEADER, TOKEN));
        assertThat(pinned.statusCode()).isEqualTo(200);
        assertThat(pinned.headers().firstValue(Routing.BACKEND_HEADER)).hasValue("new");
        assertThat(candidate.lastHeaders)
                .doesNotContainKeys(Routing.ADMIN_HEADER.toLowerCase(), Routing.PIN_HEADER.toLowerCase());

        HttpResponse<String> withoutCredential =
                get(publicUrl + "/api/users/alice/collection", Map.of(Routing.PIN_HEADER, "new"));
        assertThat(withoutCredential.statusCode()).isEqualTo(403);
        assertThat(withoutCredential.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(get(
                                publicUrl + "/api/users/alice/collection",
                                Map.of(Routing.PIN_HEADER, "new", Routing.ADMIN_HEADER, "wrong"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(get(
                                publicUrl + "/api/users/alice/collection",
                                Map.of(Routing.PIN_HEADER, "nope", Routing.ADMIN_HEADER, TOKEN))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void requestsHeldDuringAHoldCompleteAfterReleaseOnTheBackendOfTheTableThen() throws Exception {
        Admin admin = new Admin(adminUrl);
        admin.expect(200, "POST", "/admin/routes/posts/hold", "{\"max\":\"5s\"}");
        int before = old.received.get() + candidate.received.get();
        ExecutorService clients = Executors.newFixedThreadPool(20);
        List<Future<HttpResponse<String>>> held = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String id = "held-" + i;
            ids.add(id);
            held.add(clients.submit(() -> get(publicUrl + "/api/users/h/collection", Map.of("X-Test-Id", id))));
        }
        Thread.sleep(500);
        assertThat(held).noneMatch(Future::isDone);
        assertThat(admin.expect(200, "GET", "/admin/routes/posts", null)
                        .path("hold")
                        .path("waiting")
                        .asInt())
                .isEqualTo(20);
        // the switch made while they wait is the one they see
        admin.expect(200, "POST", "/admin/routes/posts/weights", "{\"old\":0,\"new\":100}");
        assertThat(old.received.get() + candidate.received.get()).isEqualTo(before);
        admin.expect(200, "DELETE", "/admin/routes/posts/hold", null);
        for (Future<HttpResponse<String>> response : held) {
            HttpResponse<String> answer = response.get(5, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue(Routing.BACKEND_HEADER)).hasValue("new");
        }
        clients.shutdown();
        // each held request reached a backend exactly once
        List<String> seen = candidate.requestIds.stream().filter(ids::contains).toList();
        assertThat(seen).hasSize(20).doesNotHaveDuplicates();
        assertThat(old.requestIds).noneMatch(ids::contains);
    }

    @Test
    void aHoldPastItsMaximumAnswers503WithRetryAfter() throws Exception {
        Admin admin = new Admin(adminUrl);
        admin.expect(200, "POST", "/admin/routes/posts/hold", "{\"max\":\"1s\"}");
        long started = System.nanoTime();
        HttpResponse<String> response = get(publicUrl + "/api/users/h/collection", Map.of("X-Test-Id", "expired"));
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isBetween(Duration.ofMillis(700), Duration.ofSeconds(3));
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).path("type").asString()).isEqualTo(RouterProblems.HELD);
        assertThat(old.requestIds).doesNotContain("expired");
        assertThat(candidate.requestIds).doesNotContain("expired");
        // the hold is over: the group's requests flow again
        assertThat(get(publicUrl + "/api/users/h/collection", Map.of()).statusCode())
                .isEqualTo(200);
        // and a hold longer than the configured maximum is refused
        admin.expect(400, "POST", "/admin/routes/posts/hold", "{\"max\":\"1h\"}");
    }

    @Test
    void theAdminApiIsOnlyOnTheAdminPortAndOnlyWithTheCredential() throws Exception {
        assertThat(get(publicUrl + "/admin/routes", Map.of("Authorization", "Bearer " + TOKEN))
                        .statusCode())
                .isEqualTo(404);
        assertThat(get(adminUrl + "/admin/routes", Map.of()).statusCode()).isEqualTo(401);
        assertThat(get(adminUrl + "/admin/routes", Map.of("Authorization", "Bearer wrong"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(get(adminUrl + "/admin/routes", Map.of("Authorization", "Bearer " + TOKEN))
                        .statusCode())
                .isEqualTo(200);
        // the admin port serves nothing else
        assertThat(get(adminUrl + "/api/users/alice/collection", Map.of("Authorization", "Bearer " + TOKEN))
                        .statusCode())
                .isEqualTo(404);
        // its OpenAPI document is there, and not in the public one
        HttpResponse<String> adminDocs = get(adminUrl + AdminPort.OPENAPI, Map.of("Authorization", "Bearer " + TOKEN));
        assertThat(adminDocs.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(adminDocs.body()).path("paths").has("/admin/routes/{group}/shift"))
                .isTrue();
        assertThat(get(publicUrl + AdminPort.OPENAPI, Map.of()).statusCode()).isEqualTo(404);
        assertThat(get(publicUrl + "/v3/api-docs", Map.of()).body()).doesNotContain("/admin/");
    }

    @Test
    void theCommandLineSteersTheRouterThroughTheAdminApi() throws Exception {
        Map<String, String> environment = Map.of("MICROPOSTS_ROUTER_ADMIN_TOKEN", TOKEN);
        List<String> url = List.of("--url", adminUrl);

        Cli show = cli(environment, url, "show");
        assertThat(show.status).isZero();
        assertThat(show.out).contains("GROUP", "posts", "old", "new", old.url());

        Cli set = cli(environment, url, "set", "posts", "old=70", "new=30");
        assertThat(set.status).isZero();
        assertThat(set.out).containsPattern("new\\s+" + java.util.regex.Pattern.quote(candidate.url()) + "\\s+30");

        Cli hold = cli(environment, url, "hold", "posts", "--max", "2s");
        assertThat(hold.out).contains("HELD");
        assertThat(cli(environment, url, "release", "posts").out).contains("released posts");

        Cli audit = cli(environment, url, "audit", "2");
        assertThat(audit.out).contains("weights {old=70, new=30}", "@cli");

        Cli refused = cli(environment, url, "set", "posts", "nobody=10");
        assertThat(refused.status).isEqualTo(1);
        assertThat(refused.err).contains("400", "nobody");

        Cli wrongToken = cli(Map.of("MICROPOSTS_ROUTER_ADMIN_TOKEN", "wrong"), url, "show");
        assertThat(wrongToken.status).isEqualTo(1);
        assertThat(wrongToken.err).contains("401");
        assertThat(cli(Map.of(), url, "show").status).isEqualTo(2);
        assertThat(cli(environment, url, "frobnicate").status).isEqualTo(2);
        Cli nothing = cli(environment, List.of());
        assertThat(nothing.status).isEqualTo(2);
        assertThat(nothing.err).contains("usage:");
        assertThat(nothing.out).isEmpty();

        // a misspelt option or a stray word is refused, never ignored: nothing is held
        for (List<String> stray : List.of(
                List.of("hold", "posts", "--maxx", "1s"),
                List.of("hold", "posts", "2s"),
                List.of("shift", "posts", "--too", "new"),
                List.of("shift", "posts", "new"),
                List.of("show", "posts"))) {
            Cli refusedWord = cli(environment, url, stray.toArray(String[]::new));
            assertThat(refusedWord.status).as(stray + ": " + refusedWord.err).isEqualTo(2);
        }
        assertThat(cli(environment, url, "show").out).doesNotContain("HELD");
        Cli notANumber = cli(environment, url, "set", "posts", "old=abc");
        assertThat(notANumber.status).isEqualTo(2);
        assertThat(notANumber.err).contains("a weight is a whole number, not 'abc'");
        // removing a backend the group does not have is an error, not the table printed again
        Cli noSuch = cli(environment, url, "remove", "posts", "nosuch");
        assertThat(noSuch.status).isEqualTo(1);
        assertThat(noSuch.err).contains("has no backend 'nosuch'", "Nothing was changed");
        // a credential with a trailing newline is refused without being shown
        Cli newline = cli(Map.of("MICROPOSTS_ROUTER_ADMIN_TOKEN", TOKEN + "\n"), url, "show");
        assertThat(newline.status).isEqualTo(2);
        assertThat(newline.err).contains("line break").doesNotContain(TOKEN);
        // a server that is not the admin API: its page is not JSON, and no stack trace is shown
        var page = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        page.createContext("/", exchange -> {
            byte[] html = "<html>hello</html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        page.start();
        try {
            Cli notJson = cli(
                    environment,
                    List.of("--url", "http://127.0.0.1:" + page.getAddress().getPort()),
                    "show");
            assertThat(notJson.status).isEqualTo(1);
            assertThat(notJson.err).contains("not the router's admin API").doesNotContain("Exception");
        } finally {
            page.stop(0);
        }
    }

    private record Cli(int status, String out, String err) {}

    private static Cli cli(Map<String, String> environment, List<String> url, String... command) {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        List<String> arguments = new ArrayList<>(url);
        arguments.addAll(List.of(command));
        int status = RouterCommand.run(
                arguments,
                environment,
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        return new Cli(
                status,
                out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void badChangesAreRefusedWithFieldErrorsAndChangeNothing() throws Exception {
        Admin admin = new Admin(adminUrl);
        long version =
                admin.expect(200, "GET", "/admin/routes", null).path("version").asLong();
        JsonNode refused = admin.expect(400, "PUT", "/admin/routes/posts", """
                {"backends":[{"name":"Bad Name","url":"ftp://x","weight":101},{"name":"z","url":"http://127.0.0.1:1","weight":0}]}""");
        assertThat(refused.path("errors").toString())
                .contains("backends[0].name", "backends[0].url", "backends[0].weight");
        admin.expect(400, "PUT", "/admin/routes/posts", """
                {"backends":[{"name":"a","url":"http://127.0.0.1:1","weight":0}]}""");
        admin.expect(400, "POST", "/admin/routes/posts/weights", "{\"nobody\":10}");
        admin.expect(400, "PUT", "/admin/routes/posts", "{not json");
        // a weight of the wrong type names its field; 50.5 is refused, not taken as 50
        for (String weights :
                new String[] {"{\"old\":\"x\"}", "{\"old\":50.5}", "{\"old\":1e400}", "{\"old\":3000000000}"}) {
            JsonNode typed = admin.expect(400, "POST", "/admin/routes/posts/weights", weights);
            assertThat(typed.path("errors").get(0).path("field").asString())
                    .as(weights)
                    .isEqualTo("old");
            assertThat(typed.path("errors").get(0).path("message").asString())
                    .as(weights)
                    .isEqualTo("must be a whole number");
        }
        JsonNode nested = admin.expect(400, "PUT", "/admin/routes/posts", """
                {"backends":[{"name":"a","url":"http://127.0.0.1:1","weight":"heavy"}]}""");
        assertThat(nested.path("errors").get(0).path("field").asString()).isEqualTo("backends[0].weight");
        JsonNode url = admin.expect(400, "PUT", "/admin/routes/posts", """
                {"backends":[{"name":"a","url":["http://x"],"weight":1}]}""");
        assertThat(url.path("errors").get(0).path("field").asString()).isEqualTo("backends[0].url");
        assertThat(url.path("errors").get(0).path("message").asString()).isEqualTo("must be a URL");
        for (String notAUrl : List.of("127.0.0.1:18498", "http://bad host")) {
            JsonNode malformed = admin.expect(
                    400,
                    "PUT",
                    "/admin/routes/posts",
                    "{\"backends\":[{\"name\":\"a\",\"url\":\"" + notAUrl + "\",\"weight\":1}]}");
            assertThat(malformed.path("errors").get(0).path("field").asString())
                    .as(notAUrl)
                    .isEqualTo("backends[0].url");
            assertThat(malformed.path("errors").get(0).path("message").asString())
                    .as(notAUrl)
                    .isEqualTo("must be a URL");
        }
        assertThat(admin.expect(400, "PUT", "/admin/routes/posts", "{not json")
                        .path("errors")
                        .get(0)
                        .path("field")
                        .asString())
                .isEqualTo("body");
        assertThat(admin.expect(400, "POST", "/admin/routes/posts/weights", "[]")
                        .path("errors")
                        .get(0)
                        .path("message")
                        .asString())
                .isEqualTo("must be a JSON object");
        admin.expect(404, "GET", "/admin/routes/nogroup", null);
        assertThat(admin.expect(404, "GET", "/admin/routes/social/shift", null)
                        .path("detail")
                        .asString())
                .contains("has had no shift");
        admin.expect(400, "GET", "/admin/audit?limit=0", null);
        assertThat(admin.expect(200, "GET", "/admin/routes", null)
                        .path("version")
                        .asLong())
                .isEqualTo(version);
        // a change based on an older version of the table is refused
        admin.expect(200, "POST", "/admin/routes/posts/weights", "{\"old\":60,\"new\":40}");
        Map<String, String> stale = Map.of("If-Match", "\"" + version + "\"");
        assertThat(admin.send("POST", "/admin/routes/posts/weights", "{\"old\":10}", stale)
                        .statusCode())
                .isEqualTo(409);
    }

    @Test
    void theTableAndItsAuditSurviveARestart() throws Exception {
        String directory = "target/test-data/router-restart-" + UUID.randomUUID();
        int port = freePort();
        ConfigurableApplicationContext first = startRouter(base, directory, port);
        Admin admin = new Admin("http://127.0.0.1:" + port);
        admin.expect(200, "PUT", "/admin/routes/social", """
                {"backends":[{"name":"primary","url":"%s","weight":30},{"name":"v2","url":"%s","weight":70}],"sticky":true}""".formatted(base.url(), candidate.url()));
        first.close();

        ConfigurableApplicationContext second = startRouter(base, directory, port);
        try {
            JsonNode social = admin.expect(200, "GET", "/admin/routes/social", null);
            assertThat(social.path("sticky").asBoolean()).isTrue();
            assertThat(social.path("backends").toString()).contains("\"v2\"", "\"weight\":70");
            JsonNode audit = admin.expect(200, "GET", "/admin/audit", null);
            assertThat(audit.size()).isEqualTo(1);
            assertThat(audit.get(0).path("group").asString()).isEqualTo("social");
            assertThat(audit.get(0).path("who").asString()).contains("test");
            assertThat(audit.get(0).path("before").path("backends").size()).isEqualTo(1);
            int routed = second.getEnvironment().getProperty("local.server.port", Integer.class);
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < 200; i++) {
                String backend = get("http://127.0.0.1:" + routed + "/api/users/u" + i + "/followers", Map.of())
                        .headers()
                        .firstValue(Routing.BACKEND_HEADER)
                        .orElseThrow();
                counts.merge(backend, 1, Integer::sum);
            }
            assertThat(counts.get("v2")).isBetween(110, 170);
        } finally {
            second.close();
        }
    }

    static HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The admin API, as the tests' operator. */
    record Admin(String url) {

        JsonNode expect(int status, String method, String path, String body) throws Exception {
            HttpResponse<String> response = send(method, path, body, Map.of());
            assertThat(response.statusCode())
                    .as("%s %s answered %s", method, path, response.body())
                    .isEqualTo(status);
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        }

        HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
                throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header(AdminApi.ACTOR_HEADER, "tester")
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(request::header);
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
