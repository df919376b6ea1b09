package dev.microposts.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.microposts.MicroPostsApplication;
import dev.microposts.contract.Api;

/**
 * More events at once than the listeners' queue holds: every one is delivered at once, none waits
 * for the periodic redelivery (set to ten minutes here), and no write is answered with an error.
 * A rejected listener used to leave its publication for the redelivery, which resubmitted every
 * such publication at once into the same full queue.
 */
@SpringBootTest(classes = MicroPostsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "MICROPOSTS_DATA_DIR=target/test-data/backpressure-${random.uuid}",
				"spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1",
				"spring.task.execution.pool.queue-capacity=1", "microposts.events.redeliver-after=PT10M",
				"microposts.events.redeliver-every=PT10M" })
class ListenerBackpressureTests {

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Test
	void aBurstLargerThanTheListenersQueueIsDeliveredWithoutRedelivery() throws Exception {
		Api api = new Api("http://127.0.0.1:" + port);
		String author = api.register("burst");
		String token = api.token(author);
		int posts = 40;
		List<Future<Api.Response>> sent = new ArrayList<>();
		ExecutorService clients = Executors.newFixedThreadPool(8);
		try {
			for (int i = 0; i < posts; i++) {
				String body = Api.json("text", "burst " + i);
				sent.add(clients.submit(() -> api.post("/api/users/" + author + "/collection", token, body)));
			}
		}
		finally {
			clients.shutdown();
		}
		for (Future<Api.Response> response : sent) {
			assertThat(response.get().status()).isEqualTo(201);
		}
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			assertThat(api.get("/api/users/" + author + "/timeline?limit=100").json()).hasSize(posts);
			assertThat(jdbc.sql("SELECT COUNT(*) FROM event_publication WHERE completion_date IS NULL")
				.query(Long.class).single()).isZero();
		});
	}
}
