package dev.microposts.platform.web;

import dev.microposts.platform.security.SecurityConfig;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document: bearer security on writes, and the error answers every operation can
 * give (problem+json), which the contract defines once for all routes. What an operation can
 * answer is read from the operation itself: a write to a resource of the user its path names
 * needs that user's token (401, 403); a path that names a user can name none (404); path
 * parameters, query parameters and a body can be malformed (400), a body too large or not JSON
 * (413, 415); any request can carry an invalid token (401) or need a module that is down (503).
 * Answers only some operations give (409, 429) are declared on those operations, and get the
 * problem body here like every error answer. The headers every answer carries are described too.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocs {

    private static final String PROBLEM = "Problem";
    private static final String BEARER = "bearerAuth";
    private static final String REQUEST_ID = "X-Request-Id";

    @Bean
    OpenAPI micropostsOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("MicroPosts API")
                        .version("1")
                        .description("A micro-blogging service that runs as a monolith or as microservices. "
                                + "Lists are newest first, take ?limit=1..100 (default 20) and link the next "
                                + "page with a Link rel=\"next\" header (cursor-based)."))
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")));
    }

    private static Schema<?> problemSchema() {
        Schema<?> fieldError =
                new ObjectSchema().addProperty("field", new StringSchema()).addProperty("message", new StringSchema());
        Schema<?> problem = new ObjectSchema()
                .description("RFC 9457 problem details")
                .addProperty("type", new StringSchema())
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty(
                        "errors",
                        new ArraySchema()
                                .items(fieldError)
                                .description("the offending fields of a 400 (absent when there are none)"));
        problem.required(List.of("type", "title", "status", "detail"));
        return problem;
    }

    @Bean
    OpenApiCustomizer errorAnswers() {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            openApi.getComponents()
                    .addHeaders(
                            REQUEST_ID,
                            new Header()
                                    .required(true)
                                    .description(
                                            "The request's own X-Request-Id when it is 1..128 characters of A-Z a-z 0-9 . _ -, "
                                                    + "else a generated one")
                                    .schema(new StringSchema().pattern("^[A-Za-z0-9._-]{1,128}$")));
            describeAll(openApi);
            if (openApi.getPaths() != null) {
                // served before any token is looked at: none of the error answers above applies
                PathItem metadata = resourceMetadata();
                metadata.getGet().getResponses().forEach((status, response) -> headers(status, response, false));
                openApi.getPaths().addPathItem(SecurityConfig.RESOURCE_METADATA, metadata);
            }
        };
    }

    /** Served by Spring Security's filter (SecurityConfig), not a controller: described here. */
    private static PathItem resourceMetadata() {
        Schema<?> metadata = new ObjectSchema()
                .description("OAuth 2.0 protected resource metadata (RFC 9728)")
                .addProperty("resource", new StringSchema().format("uri").description("The service's base URL"))
                .addProperty(
                        "bearer_methods_supported",
                        new ArraySchema()
                                .items(new StringSchema())
                                .description("header: Authorization: Bearer <token>"))
                .addProperty("tls_client_certificate_bound_access_tokens", new BooleanSchema())
                .addProperty("resource_name", new StringSchema());
        metadata.required(List.of("resource", "bearer_methods_supported"));
        metadata.additionalProperties(Boolean.FALSE);
        return new PathItem()
                .get(new Operation()
                        .operationId("protectedResourceMetadata")
                        .summary("How to present a token: the resource metadata that the WWW-Authenticate of a"
                                + " refused token's 401 names (resource_metadata); public, no token is read")
                        .responses(new ApiResponses()
                                .addApiResponse(
                                        "200",
                                        new ApiResponse()
                                                .description("The resource metadata")
                                                .content(new Content()
                                                        .addMediaType(
                                                                "application/json",
                                                                new MediaType().schema(metadata))))));
    }

    private static void describeAll(OpenAPI openApi) {
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, operation) -> describe(method, operation)));
    }

    private static void describe(PathItem.HttpMethod method, Operation operation) {
        List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
        boolean write = method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD;
        boolean namesAUser = has(parameters, "path", "username");
        boolean paged = has(parameters, "query", "limit");
        boolean body = operation.getRequestBody() != null;
        ApiResponses responses = operation.getResponses();
        responses.values().forEach(OpenApiDocs::jsonOnly);
        if (write && namesAUser) {
            if (operation.getSecurity() == null
                    || operation.getSecurity().stream().noneMatch(s -> s.containsKey(BEARER))) {
                operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
            }
            add(responses, "401", "Missing, invalid or expired token");
            add(responses, "403", "The token belongs to another user");
        } else if (operation.getSecurity() == null || operation.getSecurity().isEmpty()) {
            // no token needed, but one that is sent is verified (the 401 below): optional bearer
            operation.addSecurityItem(new SecurityRequirement());
            operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
        }
        add(
                responses,
                "401",
                "An invalid or expired token was sent (reads are public, but a token sent must be valid)");
        if (namesAUser) {
            add(responses, "404", "No such user (or micropost of that user)");
        }
        List<String> malformed = new ArrayList<>();
        if (has(parameters, "path", null)) {
            malformed.add("a path that is not well-formed (invalid percent-encoding, an encoded / or \\, a NUL)");
        }
        if (body) {
            malformed.add("malformed JSON or invalid fields (see errors)");
        }
        if (paged) {
            malformed.add("limit out of 1..100 or not a number, or a foreign cursor");
        }
        if (has(parameters, "query", null)) {
            malformed.add("a query string that is not valid URL encoding");
        }
        if (!malformed.isEmpty()) {
            String reasons = String.join("; ", malformed);
            add(responses, "400", Character.toUpperCase(reasons.charAt(0)) + reasons.substring(1));
        }
        if (body) {
            add(responses, "413", "Body larger than 65,536 bytes");
            add(
                    responses,
                    "415",
                    "Body declared as a type that is not JSON (application/json, or any type ending in +json)");
        }
        add(responses, "503", "A module this request needs is unavailable; try again shortly");
        responses.forEach((status, response) -> headers(status, response, paged));
        if (operation.getParameters() != null) {
            operation.getParameters().removeIf(p -> "header".equals(p.getIn()) && "Content-Type".equals(p.getName()));
        }
    }

    private static boolean has(List<Parameter> parameters, String in, String name) {
        return parameters.stream().anyMatch(p -> in.equals(p.getIn()) && (name == null || name.equals(p.getName())));
    }

    /** Every error answer is a problem; the headers that answers of this status carry. */
    private static void headers(String status, ApiResponse response, boolean paged) {
        if (status.startsWith("4") || status.startsWith("5")) {
            response.content(problem());
        }
        response.addHeaderObject(REQUEST_ID, new Header().$ref("#/components/headers/" + REQUEST_ID));
        switch (status) {
            case "201" ->
                response.addHeaderObject(
                        "Location",
                        new Header()
                                .required(true)
                                .description("The absolute URL of the created resource (its href)")
                                .schema(new StringSchema().format("uri")));
            case "200" -> {
                if (paged) {
                    response.addHeaderObject(
                            "Link",
                            new Header()
                                    .description("<absolute-url>; rel=\"next\" when more items exist: the next page")
                                    .schema(new StringSchema()));
                }
            }
            case "401" ->
                response.addHeaderObject(
                        "WWW-Authenticate",
                        new Header()
                                .required(true)
                                .description("Bearer")
                                .schema(new StringSchema().pattern("^Bearer")));
            case "429" ->
                response.addHeaderObject(
                        "Retry-After",
                        new Header()
                                .required(true)
                                .description("Seconds until an attempt is allowed again")
                                .schema(new IntegerSchema().minimum(java.math.BigDecimal.ONE)));
            case "503" ->
                response.addHeaderObject(
                        "Retry-After",
                        new Header()
                                .description("Seconds to wait before trying again")
                                .schema(new IntegerSchema()));
            default -> {}
        }
    }

    private static void jsonOnly(ApiResponse response) {
        Content content = response.getContent();
        if (content != null && content.containsKey("*/*")) {
            MediaType any = content.remove("*/*");
            content.addMediaType("application/json", any);
        }
    }

    private static void add(ApiResponses responses, String status, String description) {
        responses.putIfAbsent(status, new ApiResponse().description(description).content(problem()));
    }

    private static Content problem() {
        return new Content()
                .addMediaType(
                        "application/problem+json",
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)));
    }
}
