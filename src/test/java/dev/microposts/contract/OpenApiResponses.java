package dev.microposts.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import dev.microposts.contract.Api.Exchange;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks responses against the OpenAPI document that the server under test publishes at
 * {@code /v3/api-docs} (read once per base URL), with Atlassian's swagger-request-validator: the
 * status must be documented for the operation, and the content type, the body (against its
 * schema, no undocumented properties) and the required headers must be as documented. Requests
 * that break the document are only counted, never held against the server: the contract tests
 * send bad ones on purpose. A request outside the document (an undocumented path or method:
 * actuator, Swagger UI, a 405) has no documented response to check.
 */
final class OpenApiResponses {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, OpenApiInteractionValidator> VALIDATORS = new ConcurrentHashMap<>();
    private static final AtomicInteger VALIDATED = new AtomicInteger();
    private static final AtomicInteger OUTSIDE = new AtomicInteger();
    private static final AtomicInteger BAD_REQUESTS = new AtomicInteger();

    /** One test's responses: violations are collected until the test asks for them. */
    static final class Check implements AutoCloseable {

        private final String base;
        private final OpenApiInteractionValidator validator;
        private final Queue<String> violations = new ConcurrentLinkedQueue<>();
        private final Api.Observation observation;

        private Check(String base) {
            this.base = base;
            this.validator = VALIDATORS.computeIfAbsent(base, OpenApiResponses::validatorFor);
            this.observation = Api.observe(base, this::check);
        }

        /** Every response so far that contradicts the document, one readable line each. */
        List<String> violations() {
            return List.copyOf(violations);
        }

        String document() {
            return base + "/v3/api-docs";
        }

        @Override
        public void close() {
            observation.close();
        }

        private void check(Exchange exchange) {
            List<String> found = OpenApiResponses.check(validator, exchange);
            if (found == null) {
                OUTSIDE.incrementAndGet();
                return;
            }
            VALIDATED.incrementAndGet();
            if (!found.isEmpty()) {
                Api.Response response = exchange.response();
                String body = response.body() == null ? "" : response.body();
                violations.add(exchange.method() + " " + pathAndQuery(exchange.uri()) + " -> " + response.status()
                        + " " + response.contentType() + "\n      "
                        + String.join("\n      ", found) + "\n      body: "
                        + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
            }
        }
    }

    private OpenApiResponses() {}

    /** Starts checking every exchange of an {@link Api} on {@code base}, until closed. */
    static Check start(String base) {
        return new Check(base.replaceAll("/+$", ""));
    }

    static String summary() {
        return VALIDATED.get() + " responses validated against the published OpenAPI document (" + BAD_REQUESTS.get()
                + " of them to requests that break it), " + OUTSIDE.get()
                + " to requests outside it (undocumented path or method)";
    }

    /** The validator's ERROR messages for the response, or null when the request is outside the document. */
    private static List<String> check(OpenApiInteractionValidator validator, Exchange exchange) {
        URI uri = exchange.uri();
        if (Arrays.stream(com.atlassian.oai.validator.model.Request.Method.values())
                .noneMatch(known -> known.name().equals(exchange.method()))) {
            return null; // a method no OpenAPI document can name (BREW)
        }
        SimpleRequest.Builder request = new SimpleRequest.Builder(exchange.method(), uri.getRawPath());
        exchange.requestHeaders().forEach(request::withHeader);
        if (exchange.requestBody() != null) {
            request.withBody(exchange.requestBody());
        }
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                request.withQueryParam(decode(name), decode(value));
            }
        }
        Api.Response response = exchange.response();
        SimpleResponse.Builder answer = SimpleResponse.Builder.status(response.status());
        response.headers().forEach(answer::withHeader);
        if (response.body() != null && !response.body().isEmpty()) {
            answer.withBody(response.body());
        }
        ValidationReport report = validator.validate(request.build(), answer.build());
        boolean outside = report.getMessages().stream()
                .anyMatch(m -> m.getKey().equals("validation.request.path.missing")
                        || m.getKey().equals("validation.request.operation.notAllowed"));
        if (outside) {
            return null;
        }
        if (report.getMessages().stream().anyMatch(m -> m.getKey().startsWith("validation.request"))) {
            BAD_REQUESTS.incrementAndGet();
        }
        return report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(m -> "[" + m.getKey() + "] " + m.getMessage()
                        + (m.getAdditionalInfo().isEmpty() ? "" : " " + m.getAdditionalInfo()))
                .collect(Collectors.toList());
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException ex) {
            return value;
        }
    }

    private static String pathAndQuery(URI uri) {
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private static OpenApiInteractionValidator validatorFor(String base) {
        String published;
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/v3/api-docs"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + base + "/v3/api-docs answered " + response.statusCode());
            }
            published = response.body();
        } catch (java.io.IOException ex) {
            throw new IllegalStateException("No OpenAPI document at " + base, ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        return OpenApiInteractionValidator.createForInlineApiSpecification(asOpenApi30(published))
                // the server is reached at the base URL whatever the document's servers say
                .withBasePathOverride("/")
                // requests: reported, not held against the server (the contract sends bad ones on purpose)
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.request", ValidationReport.Level.INFO)
                        .build())
                .build();
    }

    /**
     * The published document (OpenAPI 3.1, springdoc's default) in the 3.0 dialect that the
     * validator's JSON Schema (draft 4) engine reads: read as 3.1, it drops every {@code type} array
     * and so would check no type at all. Only what keeps the meaning is translated ({@code type:
     * [T, "null"]} is {@code type: T, nullable: true}); anything 3.1-only that is left makes the
     * validator's parser report it, and then no validator is built, so nothing goes unchecked
     * silently.
     */
    static String asOpenApi30(String openApi31) {
        JsonNode document = JSON.readTree(openApi31);
        if (!document.path("openapi").asString("").startsWith("3.1")) {
            return openApi31;
        }
        ((ObjectNode) document).put("openapi", "3.0.3");
        translate(document, "");
        return JSON.writeValueAsString(document);
    }

    private static void translate(JsonNode node, String where) {
        if (node instanceof ObjectNode object) {
            if (object.get("type") instanceof ArrayNode types) {
                List<String> kinds = new ArrayList<>();
                types.forEach(type -> kinds.add(type.asString()));
                boolean nullable = kinds.remove("null");
                if (kinds.size() != 1) {
                    throw new IllegalStateException("type " + types + " at " + where
                            + " has no OpenAPI 3.0 equivalent: teach OpenApiResponses.asOpenApi30 this case");
                }
                object.put("type", kinds.get(0));
                if (nullable) {
                    object.put("nullable", true);
                }
            }
            for (String name : List.copyOf(object.propertyNames())) {
                translate(object.get(name), where + "/" + name);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                translate(array.get(i), where + "/" + i);
            }
        }
    }
}
