package dev.microposts.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.microposts.MicroPostsApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A deployment that sets {@code MANAGEMENT_SERVER_PORT} moves the actuator off the public port:
 * metrics and health are served on the management port only, and the API on the public one only.
 */
@SpringBootTest(
        classes = MicroPostsApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.server.port=0", "microposts.data-dir=target/test-data/h2-management-${random.uuid}"})
class ManagementPortTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void theActuatorIsServedOnTheManagementPortOnly() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);

        HttpResponse<String> metrics = get(managementPort, "/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_server_requests_seconds");
        assertThat(get(managementPort, "/actuator/health/readiness").statusCode())
                .isEqualTo(200);
        assertThat(get(managementPort, "/actuator/health/liveness").statusCode())
                .isEqualTo(200);

        HttpResponse<String> hidden = get(port, "/actuator/prometheus");
        assertThat(hidden.statusCode()).isEqualTo(404);
        assertThat(hidden.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(get(port, "/actuator/health").statusCode()).isEqualTo(404);
    }

    @Test
    void theApiIsServedOnThePublicPortOnly() throws Exception {
        assertThat(get(port, "/api/users/nobody").statusCode()).isEqualTo(404);
        assertThat(get(port, "/api/users/nobody/collection").statusCode()).isEqualTo(404);
        assertThat(get(port, "/v3/api-docs").statusCode()).isEqualTo(200);
        assertThat(get(managementPort, "/v3/api-docs").statusCode()).isEqualTo(404);
        assertThat(get(managementPort, "/api/users/nobody/collection").statusCode())
                .isEqualTo(404);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
