package dev.microposts.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.contract.Api;
import dev.microposts.contract.Api.Response;
import dev.microposts.platform.jdbc.Sql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.config.ScheduledTaskHolder;

/**
 * Login throttling through the real server, where it must hold: many attempts for one username at
 * the same moment (the count is the database's, so it holds across replicas too), and a spray of
 * random usernames that must not leave rows behind for ever. {@link LoginThrottleH2Tests} and
 * {@link LoginThrottlePostgresTests} run it on each database.
 */
abstract class LoginThrottleTests {

    private static final int ATTEMPTS = 40;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    LoginThrottle throttle;

    @Autowired
    List<ScheduledTaskHolder> schedules;

    private Api api() {
        return new Api("http://127.0.0.1:" + port);
    }

    @Test
    void concurrentWrongPasswordsForOneUserGetExactlyFive401sThenOnly429sUntilTheWindowPasses() throws Exception {
        String name = api().register("race");
        Map<Integer, Integer> statuses = concurrentLogins(name, "wrong-password");
        assertThat(statuses)
                .as("statuses of %d concurrent wrong logins", ATTEMPTS)
                .isEqualTo(Map.of(401, AccountService.MAX_FAILURES, 429, ATTEMPTS - AccountService.MAX_FAILURES));

        Response right = login(name, "password123");
        assertThat(right.status()).as(right.body()).isEqualTo(429);
        assertThat(Long.parseLong(right.header("Retry-After"))).isBetween(1L, 60L);

        windowPasses(name);
        assertThat(login(name, "password123").status()).isEqualTo(200);
        for (int i = 0; i < AccountService.MAX_FAILURES; i++) {
            assertThat(login(name, "wrong-" + i).status())
                    .as("failure %d after a successful login", i + 1)
                    .isEqualTo(401);
        }
        assertThat(login(name, "password123").status()).isEqualTo(429);
    }

    @Test
    void concurrentAttemptsForAnUnknownUsernameGetExactlyFive401s() throws Exception {
        Map<Integer, Integer> statuses = concurrentLogins(Api.uniqueName("ghost"), "any-password");
        assertThat(statuses)
                .isEqualTo(Map.of(401, AccountService.MAX_FAILURES, 429, ATTEMPTS - AccountService.MAX_FAILURES));
    }

    @Test
    void failuresOlderThanTheWindowArePurgedOnASchedule() {
        List<String> spray = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String name = Api.uniqueName("spray");
            spray.add(name);
            assertThat(login(name, "guess").status()).isEqualTo(401);
        }
        String recent = Api.uniqueName("recent");
        assertThat(login(recent, "guess").status()).isEqualTo(401);
        spray.forEach(this::windowPasses);

        throttle.purgeExpired();

        for (String name : spray) {
            assertThat(rows(name)).as("rows of %s, a minute old", name).isZero();
        }
        assertThat(rows(recent)).as("rows of a failure within the window").isPositive();
        assertThat(schedules.stream()
                        .flatMap(holder -> holder.getScheduledTasks().stream())
                        .map(task -> task.getTask().getRunnable().toString()))
                .as("scheduled tasks")
                .anyMatch(task -> task.contains(LoginThrottle.class.getName() + ".purgeExpired"));
    }

    private Map<Integer, Integer> concurrentLogins(String name, String password) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ATTEMPTS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < ATTEMPTS; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return login(name, password);
                }));
            }
            start.countDown();
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (Future<Response> answer : answers) {
                Response response = answer.get(60, TimeUnit.SECONDS);
                statuses.merge(response.status(), 1, Integer::sum);
                assertThat(response.header("Content-Type")).as(response.body()).startsWith("application/problem+json");
                if (response.status() == 429) {
                    assertThat(Long.parseLong(response.header("Retry-After"))).isBetween(1L, 60L);
                }
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    private Response login(String name, String password) {
        return api().post("/api/token", null, Api.json("username", name, "password", password));
    }

    /** Moves a username's failures out of the throttle's window, as if a minute had passed. */
    private void windowPasses(String name) {
        Instant past = Instant.now().minus(AccountService.THROTTLE_WINDOW).minusSeconds(5);
        jdbc.sql("UPDATE accounts_login_failures SET failed_at = ? WHERE username = ?")
                .params(Sql.timestamp(past), name)
                .update();
        jdbc.sql("UPDATE accounts_login_attempts SET last_attempt_at = ? WHERE username = ?")
                .params(Sql.timestamp(past), name)
                .update();
    }

    private long rows(String name) {
        return jdbc.sql("SELECT COUNT(*) FROM accounts_login_failures WHERE username = ?")
                        .param(name)
                        .query(Long.class)
                        .single()
                + jdbc.sql("SELECT COUNT(*) FROM accounts_login_attempts WHERE username = ?")
                        .param(name)
                        .query(Long.class)
                        .single();
    }
}
