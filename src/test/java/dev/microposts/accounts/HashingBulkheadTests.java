package dev.microposts.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;
import dev.microposts.contract.Api.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Password hashes run at most {@code max-concurrent} at once: here one at a time, each slow (a real
 * Argon2id hash of many passes), and a request waits 100 ms for its turn. Of registrations and
 * logins sent together one gets through and the others are 503 with Retry-After, and a login
 * refused so does not count as a failed one.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "microposts.data-dir=target/test-data/h2-bulkhead-${random.uuid}",
            "microposts.password.max-concurrent=1",
            "microposts.password.max-wait=100ms",
            "microposts.password.argon2.memory-kib=4096",
            "microposts.password.argon2.iterations=60"
        })
class HashingBulkheadTests {

    private static final int AT_ONCE = 4;
    private static final String PASSWORD = "password123";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PasswordEncoder passwords;

    @Autowired
    TransactionTemplate transaction;

    private Api api() {
        return new Api("http://127.0.0.1:" + port);
    }

    @Test
    void requestsBeyondTheWaitAre503WithRetryAfterAndTheOthersSucceed() throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
            users.add(Api.uniqueName("bulk"));
        }
        Map<String, Response> registrations = together(
                users, name -> api().post("/api/users", null, Api.json("username", name, "password", PASSWORD)));
        assertOneThroughOthersBusy(registrations, 201);
        registrations.forEach((name, response) -> {
            if (response.status() == 503) {
                assertThat(api().post("/api/users", null, Api.json("username", name, "password", PASSWORD))
                                .status())
                        .as("registration of %s on its own", name)
                        .isEqualTo(201);
            }
        });

        Map<String, Response> logins = together(
                users, name -> api().post("/api/token", null, Api.json("username", name, "password", PASSWORD)));
        assertOneThroughOthersBusy(logins, 200);
        for (String name : users) {
            assertThat(jdbc.sql("SELECT COUNT(*) FROM accounts_login_failures WHERE username = ?")
                            .param(name)
                            .query(Long.class)
                            .single())
                    .as("failed logins of %s", name)
                    .isZero();
            assertThat(api().post("/api/token", null, Api.json("username", name, "password", PASSWORD))
                            .status())
                    .as("login of %s on its own", name)
                    .isEqualTo(200);
        }
    }

    @Test
    void aHashInsideATransactionIsRefused() {
        assertThatThrownBy(() -> transaction.execute(status -> passwords.encode(PASSWORD)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transaction");
    }

    @Test
    void theDefaultSizeIsTwiceTheProcessorsUnlessAQuarterOfTheHeapHoldsFewerHashes() {
        long mib = 1024 * 1024;
        assertThat(HashingBulkhead.defaultSize(4096 * mib, 16384, 2)).isEqualTo(4);
        assertThat(HashingBulkhead.defaultSize(128 * mib, 16384, 8)).isEqualTo(2);
        assertThat(HashingBulkhead.defaultSize(32 * mib, 16384, 8)).isEqualTo(1);
        assertThat(((HashingBulkhead) passwords).size()).isEqualTo(1);
    }

    private static void assertOneThroughOthersBusy(Map<String, Response> responses, int success) {
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        responses.values().forEach(response -> statuses.merge(response.status(), 1, Integer::sum));
        assertThat(statuses.keySet()).as("statuses %s", statuses).containsExactlyInAnyOrder(success, 503);
        assertThat(statuses.get(success)).as("statuses %s", statuses).isEqualTo(1);
        for (Response response : responses.values()) {
            if (response.status() == 503) {
                assertThat(response.header("Content-Type")).startsWith("application/problem+json");
                assertThat(response.header("Retry-After")).isEqualTo("1");
            }
        }
    }

    private static Map<String, Response> together(List<String> names, Function<String, Response> request)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(names.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            Map<String, Future<Response>> answers = new LinkedHashMap<>();
            for (String name : names) {
                answers.put(name, pool.submit(() -> {
                    start.await();
                    return request.apply(name);
                }));
            }
            start.countDown();
            Map<String, Response> responses = new LinkedHashMap<>();
            for (var answer : answers.entrySet()) {
                responses.put(answer.getKey(), answer.getValue().get(60, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }
}
