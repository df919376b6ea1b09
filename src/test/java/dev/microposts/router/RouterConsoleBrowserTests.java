package dev.microposts.router;

import static dev.microposts.router.RouterControlPlaneTests.JSON;
import static dev.microposts.router.RouterControlPlaneTests.TOKEN;
import static dev.microposts.router.RouterControlPlaneTests.freePort;
import static dev.microposts.router.RouterControlPlaneTests.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.platform.web.WebClient;
import dev.microposts.router.RouterControlPlaneTests.Admin;
import dev.microposts.support.Browser;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The migration console ({@link AdminConsole}) run for real: a router in front of real HTTP
 * servers, the console opened in a real headless Chromium on the admin port. An operator enters
 * the credential, watches the traffic of each backend, changes the weights and holds, starts and
 * rolls back a shift (each after confirming), and reads a field that the candidate answers
 * differently, with its examples side by side. And by plain HTTP: the console only on the admin
 * port, its data only with the credential.
 */
class RouterConsoleBrowserTests {

    private static HttpBackend base;
    private static HttpBackend primary;
    private static HttpBackend candidate;
    private static ConfigurableApplicationContext router;
    private static String publicUrl;
    private static String adminUrl;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        base = new HttpBackend("base");
        primary = new HttpBackend("primary");
        candidate = new HttpBackend("candidate");
        int adminPort = freePort();
        router = RouterControlPlaneTests.startRouter(
                base, "target/test-data/router-console-" + UUID.randomUUID(), adminPort);
        publicUrl = "http://127.0.0.1:" + router.getEnvironment().getProperty("local.server.port");
        adminUrl = "http://127.0.0.1:" + adminPort;
        admin = new Admin(adminUrl);
    }

    @AfterAll
    static void stop() {
        if (router != null) {
            router.close();
        }
        base.close();
        primary.close();
        candidate.close();
    }

    @BeforeEach
    void postsGoToPrimary() throws Exception {
        candidate.value = "same";
        JsonNode shift = admin.expect(200, "GET", "/admin/routes/posts", null).path("shift");
        if (shift.isObject()
                && List.of("RUNNING", "PAUSED").contains(shift.path("state").asString())) {
            admin.expect(200, "POST", "/admin/routes/posts/shift/rollback", null);
        }
        admin.expect(200, "DELETE", "/admin/routes/posts/hold", null);
        admin.expect(200, "PUT", "/admin/routes/posts", """
                {"backends":[{"name":"primary","url":"%s","weight":100},{"name":"candidate","url":"%s","weight":0}],
                 "sticky":false,"shadow":""}""".formatted(primary.url(), candidate.url()));
    }

    @Test
    void theConsoleIsServedOnlyOnTheAdminPortWithAStrictPolicyAndItsDataOnlyWithTheCredential() throws Exception {
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + TOKEN);
        // never on the public port, with the credential or without
        for (String path : List.of("/admin/console", "/admin/console/console.js", "/admin/console/console.css")) {
            assertThat(get(publicUrl + path, Map.of()).statusCode()).as(path).isEqualTo(404);
            assertThat(get(publicUrl + path, bearer).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(get(publicUrl + "/admin/traffic", bearer).statusCode()).isEqualTo(404);

        // on the admin port the page and its two assets load without the credential: they hold no data
        HttpResponse<String> page = get(adminUrl + "/admin/console", Map.of());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).isEqualTo(WebClient.POLICY);
        assertThat(policy)
                .contains("default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.body()).doesNotContainPattern("<script(?![^>]*\\bsrc=\"/admin/console/console\\.js\")");
        assertThat(page.body()).doesNotContain("//", "onload=", "onclick=", "style=", TOKEN);
        HttpResponse<String> script = get(adminUrl + "/admin/console/console.js", Map.of());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
        assertThat(script.headers().firstValue("Content-Security-Policy")).hasValue(WebClient.POLICY);
        assertThat(script.body())
                .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(")
                .doesNotContain("localStorage", "document.cookie", ".style", "'style'")
                // no origin but this one: the only URL is SVG's namespace
                .doesNotContainPattern("https?://(?!www\\.w3\\.org/2000/svg')");
        HttpResponse<String> css = get(adminUrl + "/admin/console/console.css", Map.of());
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
        assertThat(css.body()).doesNotContain("@import", "url(");

        // everything else on the admin port, data and controls, needs the credential
        for (String path : List.of(
                "/admin/routes",
                "/admin/traffic",
                "/admin/routes/posts/shadow",
                "/admin/routes/posts/shift",
                "/admin/audit",
                "/admin/console/other.js",
                AdminPort.OPENAPI)) {
            assertThat(get(adminUrl + path, Map.of()).statusCode()).as(path).isEqualTo(401);
            assertThat(get(adminUrl + path, Map.of("Authorization", "Bearer wrong-" + TOKEN))
                            .statusCode())
                    .as(path)
                    .isEqualTo(401);
        }
        for (String[] call : List.of(
                new String[] {"POST", "/admin/routes/posts/weights", "{\"candidate\":100}"},
                new String[] {"POST", "/admin/routes/posts/hold", "{}"},
                new String[] {"DELETE", "/admin/routes/posts/hold", null},
                new String[] {"POST", "/admin/routes/posts/shift", "{\"to\":\"candidate\"}"},
                new String[] {"POST", "/admin/routes/posts/shift/rollback", null},
                new String[] {"POST", "/admin/console", "{}"})) {
            assertThat(send(call[0], adminUrl + call[1], call[2], null).statusCode())
                    .as("%s %s", call[0], call[1])
                    .isEqualTo(401);
            assertThat(send(call[0], adminUrl + call[1], call[2], "Bearer wrong-" + TOKEN)
                            .statusCode())
                    .as("%s %s", call[0], call[1])
                    .isEqualTo(401);
        }
        assertThat(admin.expect(200, "GET", "/admin/routes/posts", null)
                        .path("backends")
                        .get(1)
                        .path("weight")
                        .asInt())
                .isZero();

        // the traffic the console charts: whole seconds, per backend, from the router's measurements
        // (of social, which the other test leaves alone: a backend that has had none shows zeros)
        admin.expect(200, "PUT", "/admin/routes/social", """
                {"backends":[{"name":"primary","url":"%s","weight":100},{"name":"idle","url":"%s","weight":0}]}""".formatted(primary.url(), candidate.url()));
        for (int i = 0; i < 30; i++) {
            assertThat(get(publicUrl + "/api/users/t" + i + "/followers", Map.of())
                            .statusCode())
                    .isEqualTo(200);
        }
        Thread.sleep(1100);
        JsonNode traffic = admin.expect(200, "GET", "/admin/traffic", null);
        assertThat(traffic.path("windowSeconds").asInt()).isEqualTo(10);
        // times as ISO-8601: the end of the last whole second, not later than now, not much earlier
        java.time.Instant at = java.time.Instant.parse(traffic.path("at").asString());
        assertThat(at).isBetween(java.time.Instant.now().minusSeconds(5), java.time.Instant.now());
        JsonNode social = group(traffic, "social");
        assertThat(social.path("backends").size()).isEqualTo(2);
        JsonNode onPrimary = social.path("backends").get(0);
        assertThat(onPrimary.path("name").asString()).isEqualTo("primary");
        assertThat(onPrimary.path("weight").asInt()).isEqualTo(100);
        assertThat(onPrimary.path("window").path("requests").asLong()).isGreaterThanOrEqualTo(30);
        assertThat(onPrimary.path("window").path("errors").asLong()).isZero();
        assertThat(onPrimary.path("window").path("p99Millis").asDouble()).isPositive();
        assertThat(onPrimary.path("series").size()).isEqualTo(60);
        long inSeries = 0;
        for (JsonNode second : onPrimary.path("series")) {
            inSeries += second.path("requests").asLong();
        }
        assertThat(inSeries).isGreaterThanOrEqualTo(30);
        JsonNode onCandidate = social.path("backends").get(1);
        assertThat(onCandidate.path("name").asString()).isEqualTo("idle");
        assertThat(onCandidate.path("window").path("requests").asLong()).isZero();
        assertThat(onCandidate.path("window").path("p99Millis").isNull()).isTrue();
        assertThat(onCandidate.path("window").path("errorRate").isNull()).isTrue();
        assertThat(admin.expect(200, "GET", "/admin/traffic?seconds=5", null)
                        .path("groups")
                        .get(0)
                        .path("backends")
                        .get(0)
                        .path("series")
                        .size())
                .isEqualTo(5);
        admin.expect(400, "GET", "/admin/traffic?seconds=0", null);
        admin.expect(400, "GET", "/admin/traffic?seconds=61", null);
        // documented in the admin API's OpenAPI document, which is not public
        JsonNode docs = JSON.readTree(get(adminUrl + AdminPort.OPENAPI, Map.of("Authorization", "Bearer " + TOKEN))
                .body());
        assertThat(docs.path("paths").has("/admin/traffic")).isTrue();
        assertThat(docs.path("paths").has("/admin/console")).isFalse();
    }

    @Test
    void anOperatorChangesWeightsHoldsShiftsAndRollsBackInTheConsoleAndSeesTheTrafficAndAShadowedDifference()
            throws Exception {
        try (Load load = new Load(4);
                Browser browser = Browser.start()) {
            browser.size(1280, 1000);
            browser.open(adminUrl + "/admin/console");
            // the credential first: a wrong one is refused, and the page shows nothing without it
            browser.await("#token");
            assertThat(browser.find("label[for=token]").getText()).isEqualTo("Admin token");
            assertThat(browser.find("#token").getAttribute("type")).isEqualTo("password");
            assertThat(browser.findAll("#groups")).isEmpty();
            browser.type("#token", "wrong-" + TOKEN);
            browser.find("#token-form button[type=submit]").click();
            browser.await(10, "the refusal", d -> text(d, "#token-error").equals("The router refused this token."));
            assertThat(browser.find("#token").getAttribute("aria-invalid")).isEqualTo("true");
            browser.screenshot("console-token");
            browser.type("#token", TOKEN);
            browser.find("#token").sendKeys(Keys.ENTER);
            browser.await("#group-posts");
            // the credential is kept in this tab only
            var state = browser.sessionState();
            assertThat(state.get("session").toString()).contains("microposts.router.admin");
            assertThat(state.get("local").toString()).isEqualTo("[]");
            assertThat(state.get("cookies")).isEqualTo("");

            // every group, each backend with its weight; the live traffic of posts' primary
            for (String group : List.of("accounts", "posts", "social", "timeline")) {
                browser.await("#group-" + group);
            }
            assertThat(text(browser.driver(), "#group-posts tr[data-backend=primary] .weight"))
                    .isEqualTo("100");
            assertThat(text(browser.driver(), "#group-posts tr[data-backend=candidate] .weight"))
                    .isEqualTo("0");
            browser.await(
                    15, "the primary's traffic", d -> busy(text(d, "#group-posts tr[data-backend=primary] .rate")));
            browser.await(10, "the primary's line in the rate chart", d -> !d.findElements(
                            By.cssSelector("#group-posts svg[data-figure=rate] polyline[data-backend=primary]"))
                    .isEmpty());
            assertThat(browser.find("#group-posts svg[data-figure=rate]").getAttribute("aria-label"))
                    .startsWith("Requests per second of posts");
            assertThat(text(browser.driver(), "#group-posts tr[data-backend=candidate] .rate"))
                    .isEqualTo("0.0/s");

            // a weight change asks first; cancelled, nothing changes
            browser.type("#posts-weight-primary", "50");
            browser.type("#posts-weight-candidate", "50");
            browser.find("#posts-weights-change").click();
            WebElement question = browser.await("#group-posts .confirm");
            assertThat(question.getText())
                    .contains("Change the weights of posts from primary 100, candidate 0 to primary 50, candidate 50?");
            // the focus starts on Cancel: a stray Enter changes nothing
            assertThat(browser.driver().switchTo().activeElement().getText()).isEqualTo("Cancel");
            browser.find("#group-posts .confirm-no").click();
            assertThat(browser.findAll("#group-posts .confirm")).isEmpty();
            assertThat(weight("candidate")).isZero();
            // confirmed, it is made, and shown
            browser.find("#posts-weights-change").click();
            browser.await("#group-posts .confirm-yes").click();
            browser.await(
                    10, "the new weight in the table", d -> text(d, "#group-posts tr[data-backend=candidate] .weight")
                            .equals("50"));
            assertThat(weight("candidate")).isEqualTo(50);
            assertThat(weight("primary")).isEqualTo(50);
            assertThat(text(browser.driver(), "#group-posts .status"))
                    .isEqualTo("Weights of posts changed to primary 50, candidate 50.");
            JsonNode audit = admin.expect(200, "GET", "/admin/audit?limit=1", null);
            assertThat(audit.get(0).path("who").asString()).startsWith("console from ");
            // and the traffic follows: the candidate now answers, and is drawn
            browser.await(
                    20, "the candidate's traffic", d -> busy(text(d, "#group-posts tr[data-backend=candidate] .rate")));
            browser.await(10, "the candidate's line in the rate chart", d -> !d.findElements(
                            By.cssSelector("#group-posts svg[data-figure=rate] polyline[data-backend=candidate]"))
                    .isEmpty());
            assertThat(text(browser.driver(), "#group-posts tr[data-backend=candidate] .share"))
                    .isEqualTo("50%");
            scrollTo(browser, "#group-posts");
            browser.screenshot("console-weights");

            // the candidate answers one field differently: shadowed reads show that field path, with
            // the three answers side by side, as text (the value holds markup, which is not made HTML)
            candidate.value = "<b>changed</b>";
            admin.expect(200, "PUT", "/admin/routes/posts/shadow", "{\"candidate\":\"candidate\"}");
            WebElement field = browser.await(30, "body.value reported as a difference", d -> d
                    .findElements(
                            By.cssSelector("#group-posts .shadow-field[data-path='body.value'][data-kind=difference]"))
                    .stream()
                    .findFirst()
                    .orElse(null));
            assertThat(text(browser.driver(), "#group-posts .shadow-summary"))
                    .contains("compared (copied to candidate)");
            // shadowing stops (what was compared stays), so that the examples hold still to be read
            admin.expect(200, "DELETE", "/admin/routes/posts/shadow", null);
            browser.await(10, "shadowing off", d -> text(d, "#group-posts .shadow-summary")
                    .contains("(shadowing is off now)"));
            Thread.sleep(2500);
            assertThat(field.findElement(By.cssSelector("summary .path")).getText())
                    .isEqualTo("body.value");
            assertThat(field.findElement(By.cssSelector("summary .kind")).getText())
                    .isEqualTo("differs");
            browser.await(
                    10, "an example of body.value", d -> !field.findElements(By.cssSelector(".example .candidate"))
                            .isEmpty());
            assertThat(field.findElement(By.cssSelector(".example .primary .value"))
                            .getText())
                    .contains("same");
            assertThat(field.findElement(By.cssSelector(".example .secondary .value"))
                            .getText())
                    .contains("same");
            assertThat(field.findElement(By.cssSelector(".example .candidate .value"))
                            .getText())
                    .contains("<b>changed</b>");
            assertThat(field.findElement(By.cssSelector(".example .candidate .answer-text"))
                            .getText())
                    .contains("<b>changed</b>", "\"backend\":\"candidate\"");
            assertThat(field.findElements(By.cssSelector(".example b"))).isEmpty();
            assertThat(field.findElements(By.cssSelector(".example h4")).stream()
                            .map(WebElement::getText)
                            .toList())
                    .containsExactly("Primary (the client\u2019s answer)", "Primary, asked again", "Candidate");
            // a field that differs in every answer, the nonce, is noise
            browser.await(10, "the nonce as noise", d -> !d.findElements(
                            By.cssSelector("#group-posts .shadow-field[data-path='body.nonce'][data-kind=noise]"))
                    .isEmpty());
            scrollTo(browser, "#group-posts .shadow");
            browser.screenshot("console-shadow");
            // a field's examples fold away, with the keyboard too, and stay as left across refreshes
            WebElement backendField = browser.find("#group-posts .shadow-field[data-path='body.backend'] summary");
            backendField.sendKeys(Keys.ENTER);
            Thread.sleep(2500);
            assertThat(browser.find("#group-posts .shadow-field[data-path='body.backend'] details")
                            .getAttribute("open"))
                    .isNull();
            assertThat(browser.find("#group-posts .shadow-field[data-path='body.value'] details")
                            .getAttribute("open"))
                    .isNotNull();
            // the whole group: the weight change and the difference the test made
            browser.script("document.activeElement.blur()");
            browser.screenshot("console-posts", browser.find("#group-posts"));

            // hold: Escape cancels the question and gives the focus back; confirmed, the group is held
            browser.find("#posts-hold").click();
            browser.await("#group-posts .confirm-no").sendKeys(Keys.ESCAPE);
            assertThat(browser.findAll("#group-posts .confirm")).isEmpty();
            assertThat(browser.driver().switchTo().activeElement().getAttribute("id"))
                    .isEqualTo("posts-hold");
            browser.type("#posts-hold-max", "5s");
            browser.find("#posts-hold").click();
            browser.await("#group-posts .confirm-yes").click();
            browser.await(
                    10, "the hold", d -> text(d, "#group-posts .hold-state").startsWith("Held since"));
            // released with the keyboard alone: from Cancel back to "Yes, release", then Enter
            browser.find("#posts-release").click();
            browser.await("#group-posts .confirm-no").sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
            assertThat(browser.driver().switchTo().activeElement().getText()).isEqualTo("Yes, release");
            browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
            browser.await(
                    10, "the release", d -> text(d, "#group-posts .hold-state").startsWith("Not held"));

            // a judged shift, started and rolled back from the console, with the judge's decisions
            browser.type("#posts-shift-steps", "60,100");
            browser.type("#posts-shift-interval", "30s");
            new org.openqa.selenium.support.ui.Select(browser.find("#posts-shift-to")).selectByValue("candidate");
            browser.find("#posts-shift-start").click();
            assertThat(browser.await("#group-posts .confirm").getText())
                    .contains("Start a judged shift of posts to candidate, through 60%, 100%");
            browser.find("#group-posts .confirm-yes").click();
            browser.await(10, "the running shift", d -> text(d, "#group-posts .shift-state")
                    .startsWith("Running: primary \u2192 candidate, judged every 30 s; the candidate has 60% now"));
            assertThat(text(browser.driver(), "#group-posts tr[data-backend=candidate] .weight"))
                    .isEqualTo("60");
            assertThat(text(browser.driver(), "#group-posts .decisions tbody tr .decision"))
                    .isEqualTo("start");
            assertThat(browser.findAll("#group-posts .steps li.reached")).hasSize(1);
            browser.find("#posts-rollback").click();
            assertThat(browser.await("#group-posts .confirm").getText())
                    .contains("Every request goes back to primary now.");
            browser.find("#group-posts .confirm-yes").click();
            browser.await(10, "the rollback", d -> text(d, "#group-posts .shift-state")
                    .startsWith("Rolled back"));
            assertThat(browser.findAll("#group-posts .decisions tbody tr .decision").stream()
                            .map(WebElement::getText)
                            .toList())
                    .containsExactly("start", "rollback");
            browser.await(10, "the candidate back at 0", d -> text(d, "#group-posts tr[data-backend=candidate] .weight")
                    .equals("0"));
            assertThat(weight("candidate")).isZero();
            // a refused change is shown beside the question, not swallowed
            browser.find("#posts-rollback").click();
            browser.await("#group-posts .confirm-yes").click();
            browser.await(10, "the refusal", d -> text(d, "#group-posts .confirm .form-error")
                    .contains("No shift of route group 'posts' is running or paused."));
            browser.find("#group-posts .confirm-no").click();

            // no Content-Security-Policy violation, no script error
            assertThat(browser.consoleMessages())
                    .noneMatch(message -> message.contains("Content Security Policy")
                            || message.contains("Uncaught")
                            || message.contains("TypeError"));
            assertThat(load.failed.get()).isZero();

            // forgetting the token leaves nothing behind
            browser.find("#forget").click();
            browser.await("#token");
            assertThat(browser.sessionState().get("session").toString()).isEqualTo("[]");
        }
    }

    /** A request as anyone may send it: no credential, or the one given. */
    private static HttpResponse<String> send(String method, String url, String body, String authorization)
            throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .timeout(java.time.Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return RouterControlPlaneTests.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean busy(String rate) {
        return !rate.isEmpty() && !rate.equals("–") && !rate.equals("0.0/s");
    }

    /** The text of the first element the selector finds; empty when none, or when it was just replaced. */
    private static String text(WebDriver driver, String css) {
        try {
            List<WebElement> found = driver.findElements(By.cssSelector(css));
            return found.isEmpty() ? "" : found.get(0).getText();
        } catch (StaleElementReferenceException replaced) {
            return "";
        }
    }

    private static void scrollTo(Browser browser, String css) {
        browser.script("arguments[0].scrollIntoView({block: 'start'})", browser.find(css));
    }

    private static int weight(String backend) throws Exception {
        for (JsonNode each :
                admin.expect(200, "GET", "/admin/routes/posts", null).path("backends")) {
            if (each.path("name").asString().equals(backend)) {
                return each.path("weight").asInt();
            }
        }
        throw new AssertionError("no backend " + backend);
    }

    private static JsonNode group(JsonNode traffic, String name) {
        for (JsonNode group : traffic.path("groups")) {
            if (group.path("name").asString().equals(name)) {
                return group;
            }
        }
        throw new AssertionError("no group " + name + " in " + traffic);
    }

    /** Steady reads of posts' routes through the public port, counting failed requests. */
    private static final class Load implements AutoCloseable {

        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger failed = new AtomicInteger();
        final ExecutorService clients;
        final List<Future<Object>> workers;

        Load(int threads) {
            clients = Executors.newFixedThreadPool(threads);
            workers = java.util.stream.IntStream.range(0, threads)
                    .mapToObj(thread -> clients.submit(() -> {
                        int i = 0;
                        while (running.get()) {
                            try {
                                int status = get(
                                                publicUrl + "/api/users/c" + thread + "-" + (i++ % 50) + "/collection",
                                                Map.of())
                                        .statusCode();
                                if (status != 200) {
                                    failed.incrementAndGet();
                                }
                                Thread.sleep(20);
                            } catch (InterruptedException stop) {
                                return null;
                            } catch (Exception ex) {
                                failed.incrementAndGet();
                            }
                        }
                        return null;
                    }))
                    .toList();
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            for (Future<?> worker : workers) {
                worker.get(10, TimeUnit.SECONDS);
            }
            clients.shutdown();
        }
    }
}
