package dev.microposts.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every rule of the public HTTP contract (docs/API.md), exercised over plain HTTP against a base URL. Subclasses decide which
 * topology serves that URL; the tests do not know.
 */
public abstract class ContractTests {

    protected abstract Api api();

    private OpenApiResponses.Check responses;

    /** Every response of a test, whatever else it asserts, must be one the OpenAPI document describes. */
    @BeforeEach
    void checkEveryResponseAgainstTheOpenApiDocument() {
        responses = OpenApiResponses.start(api().base());
    }

    @AfterEach
    void noResponseContradictedTheOpenApiDocument() {
        if (responses == null) {
            return; // the server under test never came up: the test has failed already
        }
        responses.close();
        List<String> violations = responses.violations();
        assertThat(violations)
                .withFailMessage(
                        "%d responses contradict %s:%n  %s",
                        violations.size(), responses.document(), String.join("\n  ", violations))
                .isEmpty();
    }

    @AfterAll
    static void reportHowManyResponsesWereValidated() {
        System.out.println(OpenApiResponses.summary());
    }

    static final String PROBLEM = "application/problem+json";

    static void assertProblem(Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith(PROBLEM);
        JsonNode body = response.json();
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.hasNonNull("type")).isTrue();
        assertThat(body.hasNonNull("title")).isTrue();
        assertThat(body.hasNonNull("detail")).isTrue();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(response.header("X-Request-Id")).isNotBlank();
    }

    static void assertFieldError(Response response, String field) {
        assertProblem(response, 400);
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").stringValue()));
        assertThat(fields).contains(field);
    }

    /** The contract's consistency window: others see a write within 2 seconds. */
    static void eventually(String what, BooleanSupplier condition) {
        org.awaitility.Awaitility.await(what)
                .atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(25))
                .until(condition::getAsBoolean);
    }

    static List<Long> ids(Response response) {
        List<Long> ids = new ArrayList<>();
        response.json().forEach(node -> ids.add(node.get("id").asLong()));
        return ids;
    }

    static List<String> usernames(Response response) {
        List<String> names = new ArrayList<>();
        response.json().forEach(node -> names.add(node.get("username").stringValue()));
        return names;
    }

    static String iso = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z";

    // ---- Accounts ----

    @Test
    void registersAUserWithLinksAndLocation() {
        String name = Api.uniqueName("reg");
        Response response = api().post("/api/users", null, Api.json("username", name, "password", "password123"));
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.contentType()).startsWith("application/json");
        JsonNode user = response.json();
        assertThat(user.get("username").stringValue()).isEqualTo(name);
        assertThat(user.get("href").stringValue()).isEqualTo(api().base() + "/api/users/" + name);
        assertThat(response.header("Location")).isEqualTo(user.get("href").stringValue());
        assertThat(user.get("collection").stringValue()).isEqualTo(api().base() + "/api/users/" + name + "/collection");
        assertThat(user.get("timeline").stringValue()).isEqualTo(api().base() + "/api/users/" + name + "/timeline");
        assertThat(user.get("joined").stringValue()).matches(iso);
        assertThat(response.body()).doesNotContain("password");

        Response read = api().get("/api/users/" + name);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(user);
    }

    @Test
    void rejectsATakenUsernameWith409() {
        String name = api().register("taken");
        assertProblem(api().post("/api/users", null, Api.json("username", name, "password", "otherpassword")), 409);
    }

    @Test
    void rejectsInvalidUsernames() {
        for (Object bad : new Object[] {"", "Alice", "al ice", "al-ice", "a".repeat(51), "é", 42, true}) {
            assertFieldError(
                    api().post("/api/users", null, Api.json("username", bad, "password", "password123")), "username");
        }
        assertThat(api().post(
                                "/api/users",
                                null,
                                Api.json(
                                        "username",
                                        Api.uniqueName("x").substring(0, 10) + "_" + "a".repeat(30),
                                        "password",
                                        "password123"))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void countsPasswordLengthInCodePoints() {
        assertFieldError(
                api().post("/api/users", null, Api.json("username", Api.uniqueName("pw"), "password", "1234567")),
                "password");
        assertFieldError(
                api().post("/api/users", null, Api.json("username", Api.uniqueName("pw"), "password", "a".repeat(129))),
                "password");
        String emoji = "\uD83D\uDE00".repeat(8);
        assertThat(api().post("/api/users", null, Api.json("username", Api.uniqueName("pw"), "password", emoji))
                        .status())
                .isEqualTo(201);
        assertThat(api().post(
                                "/api/users",
                                null,
                                Api.json("username", Api.uniqueName("pw"), "password", "a".repeat(128)))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void reportsEveryMissingOrMistypedField() {
        Response response = api().post("/api/users", null, "{}");
        assertFieldError(response, "username");
        assertFieldError(response, "password");
        assertFieldError(
                api().post("/api/users", null, "{\"username\": null, \"password\": \"password123\"}"), "username");
        assertFieldError(api().post("/api/users", null, "{\"username\": \"abc\", \"password\": 12345678}"), "password");
    }

    @Test
    void rejectsMalformedJsonAndNonObjects() {
        assertProblem(api().post("/api/users", null, "{\"username\": "), 400);
        assertProblem(api().post("/api/users", null, "[1, 2]"), 400);
        assertProblem(api().post("/api/users", null, "\"text\""), 400);
        assertThat(api().post("/api/users", null, "{bad json}").json().get("errors"))
                .isNotNull();
    }

    @Test
    void ignoresUnknownFields() {
        assertThat(api().post(
                                "/api/users",
                                null,
                                Api.json("username", Api.uniqueName("unk"), "password", "password123", "admin", true))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void rejectsBodiesThatAreNotJsonWith415() {
        assertProblem(
                api().post(
                                "/api/users",
                                null,
                                "username=a&password=b",
                                "Content-Type",
                                "application/x-www-form-urlencoded"),
                415);
        assertProblem(api().post("/api/token", null, "hello", "Content-Type", "text/plain"), 415);
    }

    @Test
    void unknownAndMalformedUsernamesInPathsAre404() {
        assertProblem(api().get("/api/users/" + Api.uniqueName("ghost")), 404);
        assertProblem(api().get("/api/users/NotAUser"), 404);
        assertProblem(api().get("/api/users/" + "a".repeat(51)), 404);
        assertProblem(api().get("/api/users/a%20b/collection"), 404);
    }

    @Test
    void issuesATokenThatExpiresInAnHour() {
        String name = api().register("tok");
        Response response = api().post("/api/token", null, Api.json("username", name, "password", "password123"));
        assertThat(response.status()).isEqualTo(200);
        String token = response.json().get("token").stringValue();
        assertThat(token.split("\\.")).hasSize(3);
        Instant expires = Instant.parse(response.json().get("expires_at").stringValue());
        assertThat(response.json().get("expires_at").stringValue()).matches(iso);
        assertThat(expires)
                .isBetween(
                        Instant.now().plus(Duration.ofMinutes(58)),
                        Instant.now().plus(Duration.ofMinutes(61)));
    }

    @Test
    void answersUnknownUserAndWrongPasswordTheSame() {
        String name = api().register("cred");
        Response wrong = api().post("/api/token", null, Api.json("username", name, "password", "wrongpassword"));
        Response unknown = api().post(
                        "/api/token",
                        null,
                        Api.json("username", Api.uniqueName("nobody"), "password", "wrongpassword"));
        assertProblem(wrong, 401);
        assertProblem(unknown, 401);
        assertThat(wrong.json().get("detail")).isEqualTo(unknown.json().get("detail"));
    }

    @Test
    void throttlesTheSixthAttemptWithinAMinuteEvenWithTheRightPassword() {
        String name = api().register("throttle");
        for (int i = 0; i < 5; i++) {
            assertProblem(api().post("/api/token", null, Api.json("username", name, "password", "wrong-" + i)), 401);
        }
        Response sixth = api().post("/api/token", null, Api.json("username", name, "password", "password123"));
        assertProblem(sixth, 429);
        long retryAfter = Long.parseLong(sixth.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 60L);
        assertProblem(api().post("/api/token", null, Api.json("username", name, "password", "nope")), 429);
    }

    @Test
    void throttlesUnknownUsernamesToo() {
        String name = Api.uniqueName("ghost");
        for (int i = 0; i < 5; i++) {
            assertProblem(api().post("/api/token", null, Api.json("username", name, "password", "wrong-" + i)), 401);
        }
        assertProblem(api().post("/api/token", null, Api.json("username", name, "password", "wrong")), 429);
    }

    @Test
    void aSuccessfulLoginResetsTheFailureCount() {
        String name = api().register("reset");
        for (int i = 0; i < 4; i++) {
            assertProblem(api().post("/api/token", null, Api.json("username", name, "password", "wrong")), 401);
        }
        assertThat(api().post("/api/token", null, Api.json("username", name, "password", "password123"))
                        .status())
                .isEqualTo(200);
        for (int i = 0; i < 4; i++) {
            assertProblem(api().post("/api/token", null, Api.json("username", name, "password", "wrong")), 401);
        }
        assertThat(api().post("/api/token", null, Api.json("username", name, "password", "password123"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void everyCharacterOfALongPasswordCounts() {
        String name = Api.uniqueName("long");
        String password = "p".repeat(100) + "X";
        assertThat(api().post("/api/users", null, Api.json("username", name, "password", password))
                        .status())
                .isEqualTo(201);
        assertProblem(
                api().post("/api/token", null, Api.json("username", name, "password", "p".repeat(100) + "Y")), 401);
        assertThat(api().post("/api/token", null, Api.json("username", name, "password", password))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void servesTheTokenVerificationKeysAsJwks() {
        Response jwks = api().get("/.well-known/jwks.json");
        assertThat(jwks.status()).isEqualTo(200);
        JsonNode key = jwks.json().get("keys").get(0);
        assertThat(key.get("kty").stringValue()).isEqualTo("RSA");
        assertThat(key.has("d")).as("no private part").isFalse();
    }

    // ---- Microposts ----

    @Test
    void createsAMicropostWithLocationAndFields() {
        String alice = api().register("alice");
        String token = api().token(alice);
        Response response = api().post("/api/users/" + alice + "/collection", token, Api.json("text", "Hello, world"));
        assertThat(response.status()).isEqualTo(201);
        JsonNode post = response.json();
        long id = post.get("id").asLong();
        assertThat(id).isPositive();
        assertThat(post.get("href").stringValue())
                .isEqualTo(api().base() + "/api/users/" + alice + "/collection/" + id);
        assertThat(response.header("Location")).isEqualTo(post.get("href").stringValue());
        assertThat(post.get("text").stringValue()).isEqualTo("Hello, world");
        assertThat(post.get("referenced").isNull()).isTrue();
        assertThat(post.get("timestamp").stringValue()).matches(iso);
        assertThat(post.get("user").stringValue()).isEqualTo(alice);
        List<String> names = new ArrayList<>();
        post.propertyNames().forEach(names::add);
        assertThat(names).containsExactlyInAnyOrder("href", "id", "text", "referenced", "timestamp", "user");

        Response read = api().get("/api/users/" + alice + "/collection/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(post);
    }

    @Test
    void idsAreUniqueAcrossUsersAndIncreaseWithTime() {
        String a = api().register("ida");
        String b = api().register("idb");
        long first = api().createPost(a, api().token(a), "one").get("id").asLong();
        long second = api().createPost(b, api().token(b), "two").get("id").asLong();
        assertThat(second).isGreaterThan(first);
        assertProblem(api().get("/api/users/" + a + "/collection/" + second), 404);
        assertProblem(api().get("/api/users/" + b + "/collection/" + first), 404);
    }

    @Test
    void unknownOrMalformedIdsAre404() {
        String a = api().register("nf");
        assertProblem(api().get("/api/users/" + a + "/collection/999999999"), 404);
        assertProblem(api().get("/api/users/" + a + "/collection/abc"), 404);
        assertProblem(api().get("/api/users/" + a + "/collection/-1"), 404);
        assertProblem(api().get("/api/users/" + Api.uniqueName("ghost") + "/collection/1"), 404);
        assertProblem(api().get("/api/users/" + Api.uniqueName("ghost") + "/collection"), 404);
        assertProblem(api().get("/api/users/" + Api.uniqueName("ghost") + "/mentions"), 404);
    }

    @Test
    void validatesText() {
        String a = api().register("txt");
        String token = api().token(a);
        String path = "/api/users/" + a + "/collection";
        assertFieldError(api().post(path, token, Api.json("text", "")), "text");
        assertFieldError(api().post(path, token, Api.json("text", " \t\n ")), "text");
        assertFieldError(api().post(path, token, Api.json("text", "x".repeat(256))), "text");
        assertFieldError(api().post(path, token, Api.json("text", 42)), "text");
        assertFieldError(api().post(path, token, "{\"text\": null}"), "text");
        assertFieldError(api().post(path, token, "{}"), "text");
        assertFieldError(api().post(path, token, "{\"text\": \"a\\u0000b\"}"), "text");
        assertFieldError(api().post(path, token, "{\"text\": \"a\\ud800b\"}"), "text");
        assertFieldError(api().post(path, token, "{\"text\": \"a\\udc00\"}"), "text");
        assertFieldError(api().post(path, token, Api.json("text", "ok", "referenced", 7)), "referenced");
        assertProblem(api().post(path, token, "{\"text\": "), 400);
        assertThat(api().post(path, token, Api.json("text", "x".repeat(255))).status())
                .isEqualTo(201);
        assertThat(ids(api().get(path))).hasSize(1);
    }

    @Test
    void acceptsTwoHundredFiftyFiveEmoji() {
        String a = api().register("emoji");
        String text = "\uD83D\uDE00".repeat(255);
        Response created = api().post("/api/users/" + a + "/collection", api().token(a), Api.json("text", text));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("text").stringValue()).isEqualTo(text);
        assertThat(api().get(created.header("Location")).json().get("text").stringValue())
                .isEqualTo(text);
        assertFieldError(
                api().post(
                                "/api/users/" + a + "/collection",
                                api().token(a),
                                Api.json("text", "\uD83D\uDE00".repeat(256))),
                "text");
    }

    @Test
    void referencedMustBeAnExistingUser() {
        String a = api().register("ref");
        String b = api().register("refd");
        String token = api().token(a);
        String path = "/api/users/" + a + "/collection";
        assertFieldError(
                api().post(path, token, Api.json("text", "hi", "referenced", Api.uniqueName("ghost"))), "referenced");
        assertFieldError(api().post(path, token, Api.json("text", "hi", "referenced", "Not Valid")), "referenced");
        Response ok = api().post(path, token, Api.json("text", "hi @" + b, "referenced", b));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.json().get("referenced").stringValue()).isEqualTo(b);
    }

    @Test
    void writesNeedAValidTokenOfTheOwner() {
        String a = api().register("own");
        String b = api().register("other");
        String path = "/api/users/" + a + "/collection";
        Response missing = api().post(path, null, Api.json("text", "hi"));
        assertProblem(missing, 401);
        assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
        Response garbage = api().post(path, "not-a-token", Api.json("text", "hi"));
        assertProblem(garbage, 401);
        assertThat(garbage.header("WWW-Authenticate")).startsWith("Bearer");
        String token = api().token(a);
        String[] parts = token.split("\\.");
        String forged = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                ("{\"sub\":\"" + b + "\",\"iss\":\"microposts\",\"exp\":4102444800}").getBytes())
                + "." + parts[2];
        assertProblem(api().post(path, forged, Api.json("text", "hi")), 401);
        String badSignature = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4)
                + (parts[2].endsWith("AAAA") ? "BBBB" : "AAAA");
        assertProblem(api().post(path, badSignature, Api.json("text", "hi")), 401);
        assertProblem(api().post(path, api().token(b), Api.json("text", "hi")), 403);
        assertThat(api().post(path, token, Api.json("text", "hi")).status()).isEqualTo(201);
    }

    @Test
    void anInvalidTokenOnAPublicReadIs401() {
        String a = api().register("pub");
        assertThat(api().get("/api/users/" + a + "/collection").status()).isEqualTo(200);
        Response response = api().send("GET", "/api/users/" + a + "/collection", "garbage.token.value", null);
        assertProblem(response, 401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void errorsAnsweredBeforeAnyHandlerAreProblemsToo() {
        String a = api().register("early");
        // TRACE is refused by the server itself, a method it does not know and a path parameter
        // (the request firewall) before any handler: each through the container's error page
        Response trace = api().send("TRACE", "/api/users/" + a, null, null);
        assertProblem(trace, 405);
        assertThat(trace.header("Allow")).isNotBlank().doesNotContain("TRACE");
        assertProblem(api().send("BREW", "/api/users/" + a, null, null), 400);
        assertProblem(api().get("/api/users/" + a + ";jsessionid=x"), 400);
        assertProblem(api().get("/error"), 404);
    }

    @Test
    void theResourceMetadataEveryChallengeNamesIsServed() {
        String a = api().register("meta");
        Response challenge = api().send("GET", "/api/users/" + a + "/collection", "garbage.token.value", null);
        assertProblem(challenge, 401);
        java.util.regex.Matcher named = java.util.regex.Pattern.compile("resource_metadata=\"([^\"]+)\"")
                .matcher(challenge.header("WWW-Authenticate"));
        assertThat(named.find()).as(challenge.header("WWW-Authenticate")).isTrue();
        assertThat(named.group(1)).isEqualTo(api().base() + "/.well-known/oauth-protected-resource");
        Response metadata = api().get("/.well-known/oauth-protected-resource");
        assertThat(metadata.status()).as(metadata.body()).isEqualTo(200);
        assertThat(metadata.contentType()).startsWith("application/json");
        JsonNode described = metadata.json();
        assertThat(described.get("resource").stringValue()).isEqualTo(api().base());
        assertThat(described.get("bearer_methods_supported").get(0).stringValue())
                .isEqualTo("header");
        assertThat(described.get("tls_client_certificate_bound_access_tokens").booleanValue())
                .isFalse();
        assertThat(described.get("resource_name").stringValue()).isEqualTo("MicroPosts");
        // behind a trusted proxy that serves the API under a prefix, the prefixed URL the
        // challenge names is served too, and describes the prefixed resource
        Response prefixed = api().get("/.well-known/oauth-protected-resource", "X-Forwarded-Prefix", "/p");
        assertThat(prefixed.status()).as(prefixed.body()).isEqualTo(200);
        assertThat(prefixed.json().get("resource").stringValue()).isEqualTo(api().base() + "/p");
    }

    @Test
    void anonymousReadsAndAuthenticatedWritesForbidContentSniffing() {
        String a = api().register("sniff");
        String token = api().token(a);
        Response read = api().get("/api/users/" + a + "/collection");
        Response write = api().post("/api/users/" + a + "/collection", token, Api.json("text", "hi"));
        Response problem = api().get("/api/users/" + Api.uniqueName("ghost"));
        for (Response response : List.of(read, write, problem)) {
            assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }
    }

    @Test
    void errorsComeInTheContractsOrder() {
        String a = api().register("ord");
        String b = api().register("ordb");
        String ghost = Api.uniqueName("ghost");
        String tokenB = api().token(b);
        String big = Api.json("text", "x".repeat(70_000));
        // 413 before 401
        assertProblem(api().post("/api/users/" + a + "/collection", null, big), 413);
        // 401 before 404
        assertProblem(api().post("/api/users/" + ghost + "/collection", null, Api.json("text", "hi")), 401);
        // 404 before 403
        assertProblem(api().post("/api/users/" + ghost + "/collection", tokenB, Api.json("text", "hi")), 404);
        assertProblem(api().put("/api/users/" + a + "/collection/999999999", tokenB, "{}"), 404);
        // 403 before 400
        assertProblem(api().post("/api/users/" + a + "/collection", tokenB, "{broken"), 403);
        // 404 before 400
        assertProblem(api().get("/api/users/" + ghost + "/collection?limit=0"), 404);
        assertProblem(api().get("/api/users/" + ghost + "/timeline?limit=0"), 404);
        assertProblem(api().get("/api/users/" + ghost + "/following?limit=x"), 404);
    }

    @Test
    void rejectsBodiesOver64KiBWith413() {
        String a = api().register("big");
        String token = api().token(a);
        String body = Api.json("text", "x".repeat(65_536));
        assertProblem(api().post("/api/users/" + a + "/collection", token, body), 413);
        assertProblem(api().post("/api/users", null, Api.json("username", "x", "password", "y".repeat(70_000))), 413);
        assertThat(ids(api().get("/api/users/" + a + "/collection"))).isEmpty();
    }

    @Test
    void rejectsChunkedBodiesOver64KiBWith413() throws Exception {
        String a = api().register("chunk");
        String token = api().token(a);
        byte[] body = Api.json("text", "x".repeat(70_000)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(api().base() + "/api/users/" + a + "/collection"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body)))
                .build();
        var response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith(PROBLEM);
        assertThat(ids(api().get("/api/users/" + a + "/collection"))).isEmpty();
    }

    @Test
    void putReplacesTextAndReference() {
        String a = api().register("put");
        String b = api().register("putref");
        String token = api().token(a);
        JsonNode post = api().post("/api/users/" + a + "/collection", token, Api.json("text", "first", "referenced", b))
                .json();
        String href = post.get("href").stringValue();
        Response replaced = api().put(href, token, Api.json("text", "second"));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().get("text").stringValue()).isEqualTo("second");
        assertThat(replaced.json().get("referenced").isNull()).isTrue();
        assertThat(replaced.json().get("timestamp")).isEqualTo(post.get("timestamp"));
        assertThat(replaced.json().get("id")).isEqualTo(post.get("id"));
        assertThat(api().get(href).json().get("text").stringValue()).isEqualTo("second");
        assertFieldError(api().put(href, token, "{}"), "text");
        assertFieldError(api().put(href, token, Api.json("text", "")), "text");
        assertProblem(api().put(href, api().token(b), Api.json("text", "x")), 403);
        assertProblem(api().put(href, null, Api.json("text", "x")), 401);
    }

    @Test
    void patchChangesOnlyTheGivenFields() {
        String a = api().register("patch");
        String b = api().register("patchref");
        String token = api().token(a);
        JsonNode post = api().post("/api/users/" + a + "/collection", token, Api.json("text", "first", "referenced", b))
                .json();
        String href = post.get("href").stringValue();

        Response unchanged = api().patch(href, token, "{}");
        assertThat(unchanged.status()).isEqualTo(200);
        assertThat(unchanged.json()).isEqualTo(post);

        Response text = api().patch(href, token, Api.json("text", "edited"));
        assertThat(text.json().get("text").stringValue()).isEqualTo("edited");
        assertThat(text.json().get("referenced").stringValue()).isEqualTo(b);

        Response cleared = api().patch(href, token, "{\"referenced\": null}");
        assertThat(cleared.status()).isEqualTo(200);
        assertThat(cleared.json().get("referenced").isNull()).isTrue();
        assertThat(cleared.json().get("text").stringValue()).isEqualTo("edited");

        assertFieldError(api().patch(href, token, "{\"text\": null}"), "text");
        assertFieldError(api().patch(href, token, Api.json("referenced", Api.uniqueName("ghost"))), "referenced");
        assertThat(api().get(href).json().get("text").stringValue()).isEqualTo("edited");
    }

    @Test
    void deleteRemovesTheMicropost() {
        String a = api().register("del");
        String b = api().register("delother");
        String token = api().token(a);
        String href = api().createPost(a, token, "bye").get("href").stringValue();
        assertProblem(api().delete(href, null), 401);
        assertProblem(api().delete(href, api().token(b)), 403);
        Response deleted = api().delete(href, token);
        assertThat(deleted.status()).isEqualTo(204);
        assertProblem(api().get(href), 404);
        assertProblem(api().delete(href, token), 404);
    }

    @Test
    void listsNewestFirstWithDefaultAndBoundedLimits() {
        String a = api().register("list");
        String token = api().token(a);
        List<Long> created = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            created.add(api().createPost(a, token, "post " + i).get("id").asLong());
        }
        String path = "/api/users/" + a + "/collection";
        Response first = api().get(path);
        assertThat(first.status()).isEqualTo(200);
        assertThat(ids(first)).hasSize(20);
        assertThat(ids(first).get(0)).isEqualTo(created.get(24));
        assertThat(ids(first)).isSortedAccordingTo((x, y) -> Long.compare(y, x));
        assertThat(ids(api().get(path + "?limit=1"))).containsExactly(created.get(24));
        assertThat(ids(api().get(path + "?limit=100"))).hasSize(25);
        assertThat(api().get(path + "?limit=100").header("Link")).isNull();
        for (String bad : new String[] {"0", "101", "-1", "abc", "1.5", ""}) {
            assertFieldError(api().get(path + "?limit=" + bad), "limit");
        }
    }

    @Test
    void paginationWalksToTheEndWithoutDuplicatesOrGapsWhileNewPostsArrive() {
        String a = api().register("walk");
        String token = api().token(a);
        Set<Long> before = new HashSet<>();
        for (int i = 0; i < 23; i++) {
            before.add(api().createPost(a, token, "old " + i).get("id").asLong());
        }
        List<Long> seen = new ArrayList<>();
        String next = "/api/users/" + a + "/collection?limit=5";
        int pages = 0;
        while (next != null) {
            Response page = api().get(next);
            assertThat(page.status()).isEqualTo(200);
            seen.addAll(ids(page));
            api().createPost(a, token, "new during walk " + pages);
            next = page.next();
            if (next != null) {
                assertThat(next).startsWith(api().base()).contains("limit=5");
            }
            pages++;
        }
        assertThat(pages).isEqualTo(5);
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(before);
        assertThat(seen).isSortedAccordingTo((x, y) -> Long.compare(y, x));
    }

    @Test
    void searchIsACaseInsensitiveLiteralSubstring() {
        String a = api().register("search");
        String token = api().token(a);
        api().createPost(a, token, "Hello World");
        api().createPost(a, token, "100% sure");
        api().createPost(a, token, "snake_case here");
        api().createPost(a, token, "back\\slash");
        api().createPost(a, token, "nothing special");
        String path = "/api/users/" + a + "/collection";
        assertThat(ids(api().get(path + "?search=hello%20WORLD"))).hasSize(1);
        assertThat(ids(api().get(path + "?search=%25"))).hasSize(1);
        assertThat(ids(api().get(path + "?search=_"))).hasSize(1);
        assertThat(ids(api().get(path + "?search=%5C"))).hasSize(1);
        assertThat(ids(api().get(path + "?search=e_c"))).hasSize(1);
        assertThat(ids(api().get(path + "?search=0%25%20s"))).hasSize(1);
        assertThat(ids(api().get(path + "?search=nomatch"))).isEmpty();
        assertThat(ids(api().get(path + "?search="))).hasSize(5);
    }

    @Test
    void searchPagesKeepTheSearchTerm() {
        String a = api().register("spage");
        String token = api().token(a);
        for (int i = 0; i < 4; i++) {
            api().createPost(a, token, "match a+b & c " + i);
            api().createPost(a, token, "other " + i);
        }
        Response page = api().get("/api/users/" + a + "/collection?search=a%2Bb%20%26&limit=3");
        assertThat(ids(page)).hasSize(3);
        String next = page.next();
        assertThat(next).contains("limit=3").contains("search=");
        Response second = api().get(next);
        assertThat(ids(second)).hasSize(1);
        assertThat(second.json().get(0).get("text").stringValue()).startsWith("match a+b & c");
        assertThat(second.next()).isNull();
    }

    @Test
    void mentionsListMicropostsReferencingTheUser() {
        String a = api().register("ment");
        String b = api().register("mentioned");
        String token = api().token(a);
        long first = api().post("/api/users/" + a + "/collection", token, Api.json("text", "hi", "referenced", b))
                .json()
                .get("id")
                .asLong();
        api().createPost(a, token, "no mention");
        long second = api().post("/api/users/" + a + "/collection", token, Api.json("text", "again", "referenced", b))
                .json()
                .get("id")
                .asLong();
        eventually(
                "mentions",
                () -> ids(api().get("/api/users/" + b + "/mentions")).size() == 2);
        assertThat(ids(api().get("/api/users/" + b + "/mentions"))).containsExactly(second, first);
        Response one = api().get("/api/users/" + b + "/mentions?limit=1");
        assertThat(ids(one)).containsExactly(second);
        assertThat(ids(api().get(one.next()))).containsExactly(first);
        assertFieldError(api().get("/api/users/" + b + "/mentions?limit=500"), "limit");
    }

    @Test
    void fortyConcurrentCreatesAllSucceedWithUniqueIds() throws Exception {
        String a = api().register("conc");
        String token = api().token(a);
        ExecutorService pool = Executors.newFixedThreadPool(40);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String text = "concurrent " + i;
                calls.add(() -> api().post("/api/users/" + a + "/collection", token, Api.json("text", text)));
            }
            Set<Long> ids = new HashSet<>();
            for (Future<Response> future : pool.invokeAll(calls)) {
                Response response = future.get();
                assertThat(response.status()).as(response.body()).isEqualTo(201);
                ids.add(response.json().get("id").asLong());
            }
            assertThat(ids).hasSize(40);
            assertThat(new HashSet<>(ids(api().get("/api/users/" + a + "/collection?limit=100"))))
                    .isEqualTo(ids);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- Social ----

    @Test
    void followsOnceThenAnswers200() {
        String a = api().register("fa");
        String b = api().register("fb");
        String token = api().token(a);
        Response first = api().post("/api/users/" + a + "/following", token, Api.json("username", b));
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("username").stringValue()).isEqualTo(b);
        assertThat(first.json().get("href").stringValue()).isEqualTo(api().base() + "/api/users/" + b);
        Response again = api().post("/api/users/" + a + "/following", token, Api.json("username", b));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(usernames(api().get("/api/users/" + a + "/following"))).containsExactly(b);
        assertThat(usernames(api().get("/api/users/" + b + "/followers"))).containsExactly(a);
    }

    @Test
    void rejectsSelfFollowUnknownUsersAndBadBodies() {
        String a = api().register("fself");
        String token = api().token(a);
        String path = "/api/users/" + a + "/following";
        assertFieldError(api().post(path, token, Api.json("username", a)), "username");
        assertFieldError(api().post(path, token, Api.json("username", Api.uniqueName("ghost"))), "username");
        assertFieldError(api().post(path, token, Api.json("username", "BAD NAME")), "username");
        assertFieldError(api().post(path, token, "{}"), "username");
        assertFieldError(api().post(path, token, Api.json("username", 5)), "username");
        assertProblem(api().post(path, token, "not json"), 400);
        assertThat(usernames(api().get(path))).isEmpty();
    }

    @Test
    void followingNeedsTheOwnersToken() {
        String a = api().register("fo");
        String b = api().register("fob");
        String path = "/api/users/" + a + "/following";
        assertProblem(api().post(path, null, Api.json("username", b)), 401);
        assertProblem(api().post(path, api().token(b), Api.json("username", b)), 403);
        assertProblem(
                api().post(
                                "/api/users/" + Api.uniqueName("ghost") + "/following",
                                api().token(b),
                                Api.json("username", b)),
                404);
        assertProblem(api().delete(path + "/" + b, null), 401);
        assertProblem(api().delete(path + "/" + b, api().token(b)), 403);
    }

    @Test
    void listsMostRecentFollowFirstWithPagination() {
        String a = api().register("fl");
        String token = api().token(a);
        List<String> followed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String other = api().register("fl" + i);
            followed.add(0, other);
            api().post("/api/users/" + a + "/following", token, Api.json("username", other));
        }
        Response page = api().get("/api/users/" + a + "/following?limit=2");
        List<String> walked = new ArrayList<>(usernames(page));
        while (page.next() != null) {
            page = api().get(page.next());
            walked.addAll(usernames(page));
        }
        assertThat(walked).isEqualTo(followed);
        assertThat(usernames(api().get("/api/users/" + followed.get(0) + "/followers")))
                .containsExactly(a);
        assertProblem(api().get("/api/users/" + Api.uniqueName("ghost") + "/followers"), 404);
        assertProblem(api().get("/api/users/" + Api.uniqueName("ghost") + "/following"), 404);
        assertFieldError(api().get("/api/users/" + a + "/followers?limit=0"), "limit");
    }

    @Test
    void unfollowAnswers204EvenWhenThereWasNothingToUndo() {
        String a = api().register("uf");
        String b = api().register("ufb");
        String token = api().token(a);
        api().post("/api/users/" + a + "/following", token, Api.json("username", b));
        assertThat(api().delete("/api/users/" + a + "/following/" + b, token).status())
                .isEqualTo(204);
        assertThat(usernames(api().get("/api/users/" + a + "/following"))).isEmpty();
        assertThat(api().delete("/api/users/" + a + "/following/" + b, token).status())
                .isEqualTo(204);
        assertThat(api().delete("/api/users/" + a + "/following/" + Api.uniqueName("ghost"), token)
                        .status())
                .isEqualTo(204);
        assertProblem(api().delete("/api/users/" + Api.uniqueName("ghost") + "/following/" + b, token), 404);
    }

    // ---- Timeline ----

    @Test
    void showsOwnAndFolloweesMicropostsNewestFirst() {
        String a = api().register("tla");
        String b = api().register("tlb");
        String c = api().register("tlc");
        String tokenA = api().token(a);
        api().post("/api/users/" + a + "/following", tokenA, Api.json("username", b));
        long own = api().createPost(a, tokenA, "mine").get("id").asLong();
        long theirs = api().createPost(b, api().token(b), "theirs").get("id").asLong();
        api().createPost(c, api().token(c), "stranger");
        String path = "/api/users/" + a + "/timeline";
        eventually("timeline has both", () -> ids(api().get(path)).size() == 2);
        assertThat(ids(api().get(path))).containsExactly(theirs, own);
        JsonNode item = api().get(path).json().get(0);
        assertThat(item.get("href").stringValue())
                .isEqualTo(api().base() + "/api/users/" + b + "/collection/" + theirs);
        assertThat(item.get("user").stringValue()).isEqualTo(b);
    }

    @Test
    void followingBackfillsAtLeastFiftyAndUnfollowingRemoves() {
        String a = api().register("bfa");
        String b = api().register("bfb");
        String tokenB = api().token(b);
        for (int i = 0; i < 55; i++) {
            api().createPost(b, tokenB, "backlog " + i);
        }
        String tokenA = api().token(a);
        api().post("/api/users/" + a + "/following", tokenA, Api.json("username", b));
        String path = "/api/users/" + a + "/timeline?limit=100";
        eventually("backfill", () -> ids(api().get(path)).size() >= 50);
        api().delete("/api/users/" + a + "/following/" + b, tokenA);
        eventually("unfollow removes", () -> ids(api().get(path)).isEmpty());
    }

    @Test
    void editsAndDeletesReachTimelines() {
        String a = api().register("eda");
        String b = api().register("edb");
        String tokenA = api().token(a);
        String tokenB = api().token(b);
        api().post("/api/users/" + a + "/following", tokenA, Api.json("username", b));
        String href = api().createPost(b, tokenB, "original").get("href").stringValue();
        String path = "/api/users/" + a + "/timeline";
        eventually("arrives", () -> ids(api().get(path)).size() == 1);
        api().patch(href, tokenB, Api.json("text", "edited"));
        eventually(
                "edit arrives",
                () -> api().get(path).json().get(0).get("text").stringValue().equals("edited"));
        api().delete(href, tokenB);
        eventually("delete arrives", () -> ids(api().get(path)).isEmpty());
    }

    @Test
    void timelinePagesWalkToTheEnd() {
        String a = api().register("tp");
        String token = api().token(a);
        for (int i = 0; i < 7; i++) {
            api().createPost(a, token, "p" + i);
        }
        String path = "/api/users/" + a + "/timeline";
        eventually("all", () -> ids(api().get(path)).size() == 7);
        Response page = api().get(path + "?limit=3");
        List<Long> walked = new ArrayList<>(ids(page));
        while (page.next() != null) {
            page = api().get(page.next());
            walked.addAll(ids(page));
        }
        assertThat(walked).hasSize(7).doesNotHaveDuplicates().isSortedAccordingTo((x, y) -> Long.compare(y, x));
    }

    @Test
    void unknownUsersTimelineIs404() {
        assertProblem(api().get("/api/users/" + Api.uniqueName("ghost") + "/timeline"), 404);
    }

    // ---- Operations ----

    @Test
    void echoesAWellFormedRequestIdAndReplacesOthers() {
        Response ok = api().get("/api/users/" + Api.uniqueName("ghost"), "X-Request-Id", "abc.DEF_123-x");
        assertThat(ok.header("X-Request-Id")).isEqualTo("abc.DEF_123-x");
        String user = api().register("rid");
        Response proxied = api().get("/api/users/" + user, "X-Request-Id", "one-id");
        assertThat(proxied.headers().entrySet().stream()
                        .filter(e -> e.getKey().equalsIgnoreCase("X-Request-Id"))
                        .flatMap(e -> e.getValue().stream()))
                .containsExactly("one-id");
        Response bad = api().get("/api/users/x", "X-Request-Id", "has spaces!");
        assertThat(bad.header("X-Request-Id"))
                .isNotBlank()
                .isNotEqualTo("has spaces!")
                .matches("[A-Za-z0-9._-]{1,128}");
        Response tooLong = api().get("/api/users/x", "X-Request-Id", "a".repeat(129));
        assertThat(tooLong.header("X-Request-Id")).isNotEqualTo("a".repeat(129));
        assertThat(api().get("/api/users/x", "X-Request-Id", "a".repeat(128)).header("X-Request-Id"))
                .isEqualTo("a".repeat(128));
        assertThat(api().post("/api/users", null, "{").header("X-Request-Id")).isNotBlank();
    }

    @Test
    void honoursForwardedHeadersInHrefsLocationsAndLinks() {
        String a = api().register("fwd");
        String token = api().token(a);
        String[] forwarded = {
            "X-Forwarded-Proto", "https", "X-Forwarded-Host", "posts.example.org", "X-Forwarded-Prefix", "/social"
        };
        Response created = api().post("/api/users/" + a + "/collection", token, Api.json("text", "one"), forwarded);
        String expected = "https://posts.example.org/social/api/users/" + a + "/collection/";
        assertThat(created.header("Location")).startsWith(expected);
        assertThat(created.json().get("href").stringValue()).startsWith(expected);
        api().createPost(a, token, "two");
        Response list = api().get("/api/users/" + a + "/collection?limit=1", forwarded);
        assertThat(list.next()).startsWith("https://posts.example.org/social/api/users/" + a + "/collection?");
        Response user = api().get("/api/users/" + a, forwarded);
        assertThat(user.json().get("timeline").stringValue())
                .isEqualTo("https://posts.example.org/social/api/users/" + a + "/timeline");
    }

    @Test
    void unsupportedMethodsAre405WithAllow() {
        Response response = api().delete("/api/users/" + Api.uniqueName("x"), null);
        assertProblem(response, 405);
        assertThat(response.header("Allow")).contains("GET");
        assertProblem(api().put("/api/token", null, "{}"), 405);
    }

    @Test
    void healthProbesAreUp() {
        Response live = api().get("/actuator/health/liveness");
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.json().get("status").stringValue()).isEqualTo("UP");
        Response ready = api().get("/actuator/health/readiness");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").stringValue()).isEqualTo("UP");
    }

    @Test
    void exposesRequestHistogramsByRouteTemplate() {
        String a = api().register("metrics");
        api().get("/api/users/" + a + "/collection");
        Response metrics = api().get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("http_server_requests_seconds_bucket")
                .contains("uri=\"/api/users/{username}/collection\"");
    }

    @Test
    void publishesOpenApiAndSwaggerUi() {
        Response docs = api().get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        JsonNode openapi = docs.json();
        assertThat(openapi.get("openapi").stringValue()).startsWith("3.");
        assertThat(openapi.get("paths").has("/api/users/{username}/collection")).isTrue();
        assertThat(openapi.get("paths").has("/api/token")).isTrue();
        assertThat(api().get("/swagger-ui.html").status()).isIn(200, 302);
    }

    @Test
    void theOpenApiDocumentIsValidForThirdPartyTools() {
        var result = new io.swagger.v3.parser.OpenAPIV3Parser()
                .readContents(api().get("/v3/api-docs").body());
        assertThat(result.getMessages())
                .as(String.valueOf(result.getMessages()))
                .isEmpty();
        var openApi = result.getOpenAPI();
        assertThat(openApi.getComponents().getSchemas()).containsKey("Problem");
        var create = openApi.getPaths().get("/api/users/{username}/collection").getPost();
        assertThat(create.getResponses()).containsKeys("201", "400", "401", "403", "404", "413");
        assertThat(create.getSecurity()).isNotEmpty();
        // a read needs no token, but a token sent is verified: the bearer scheme is optional there
        var read = openApi.getPaths().get("/api/users/{username}/collection").getGet();
        assertThat(read.getSecurity()).hasSize(2);
        assertThat(read.getSecurity().get(0)).isEmpty();
        assertThat(read.getSecurity().get(1)).containsKey("bearerAuth");
        // what a generated client may rely on: every field of every answer is always there
        var schemas = openApi.getComponents().getSchemas();
        assertThat(schemas.get("MicropostView").getRequired())
                .containsExactlyInAnyOrder("href", "id", "text", "referenced", "timestamp", "user");
        assertThat(schemas.get("UserView").getRequired())
                .containsExactlyInAnyOrder("username", "href", "collection", "timeline", "joined");
        assertThat(schemas.get("UserRef").getRequired()).containsExactlyInAnyOrder("username", "href");
        assertThat(schemas.get("TokenView").getRequired()).containsExactlyInAnyOrder("token", "expires_at");
        assertThat(((io.swagger.v3.oas.models.media.Schema<?>)
                                schemas.get("MicropostView").getProperties().get("timestamp"))
                        .getFormat())
                .isEqualTo("date-time");
        // create and replace need the text; a partial update (a merge patch) needs nothing
        assertThat(schemas.get("MicropostInput").getRequired()).containsExactly("text");
        var patch = openApi.getPaths()
                .get("/api/users/{username}/collection/{id}")
                .getPatch()
                .getRequestBody()
                .getContent();
        assertThat(patch).containsKeys("application/json", "application/merge-patch+json");
        String patchSchema =
                patch.get("application/merge-patch+json").getSchema().get$ref();
        assertThat(schemas.get(patchSchema.substring(patchSchema.lastIndexOf('/') + 1))
                        .getRequired())
                .isNullOrEmpty();
        var token =
                openApi.getPaths().get("/api/token").getPost().getResponses().get("200");
        assertThat(token.getHeaders()).containsKey("Cache-Control");
    }
}
