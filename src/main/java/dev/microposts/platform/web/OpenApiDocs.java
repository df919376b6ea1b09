package dev.microposts.platform.web;


import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document: bearer security on writes, and the error answers every operation can
 * give (problem+json), which the contract defines once for all routes.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocs {

	private static final String PROBLEM = "Problem";
	private static final String BEARER = "bearerAuth";

	@Bean
	OpenAPI micropostsOpenApi() {
		return new OpenAPI()
				.info(new Info().title("MicroPosts API").version("1")
						.description("A micro-blogging service that runs as a monolith or as microservices. "
								+ "Lists are newest first, take ?limit=1..100 (default 20) and link the next "
								+ "page with a Link rel=\"next\" header (cursor-based)."))
				.components(new Components().addSecuritySchemes(BEARER,
						new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")));
	}

	private static Schema<?> problemSchema() {
		Schema<?> fieldError = new ObjectSchema().addProperty("field", new StringSchema())
				.addProperty("message", new StringSchema());
		Schema<?> problem = new ObjectSchema().description("RFC 9457 problem details")
				.addProperty("type", new StringSchema()).addProperty("title", new StringSchema())
				.addProperty("status", new IntegerSchema()).addProperty("detail", new StringSchema())
				.addProperty("errors", new ArraySchema().items(fieldError));
		return problem;
	}

	@Bean
	OpenApiCustomizer errorAnswers() {
		return openApi -> {
			if (openApi.getComponents() == null) {
				openApi.setComponents(new Components());
			}
			openApi.getComponents().addSchemas(PROBLEM, problemSchema());
			describeAll(openApi);
		};
	}

	private static void describeAll(OpenAPI openApi) {
		openApi.getPaths().forEach((path, item) -> item.readOperationsMap()
				.forEach((method, operation) -> describe(path, method, operation)));
	}

	private static void describe(String path, PathItem.HttpMethod method, Operation operation) {
		boolean write = method != PathItem.HttpMethod.GET;
		boolean open = path.equals("/api/users") || path.equals("/api/token");
		ApiResponses responses = operation.getResponses();
		responses.values().forEach(OpenApiDocs::jsonOnly);
		if (write && !open) {
			operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
			add(responses, "401", "Missing, invalid or expired token");
			add(responses, "403", "The token belongs to another user");
		}
		if (path.contains("{username}")) {
			add(responses, "404", "No such user (or micropost of that user)");
		}
		if (operation.getRequestBody() != null) {
			add(responses, "400", "Malformed JSON or invalid fields (see errors)");
			add(responses, "413", "Body larger than 65,536 bytes");
			add(responses, "415", "Body not declared as application/json");
		}
		if (operation.getParameters() != null
				&& operation.getParameters().stream().anyMatch(p -> "limit".equals(p.getName()))) {
			add(responses, "400", "limit out of 1..100 or not a number, or a foreign cursor");
		}
		if (path.equals("/api/users") && write) {
			add(responses, "409", "Username taken");
		}
		if (path.equals("/api/token")) {
			add(responses, "401", "Wrong username or password");
			add(responses, "429", "Too many failed logins for this username; see Retry-After");
		}
		if (operation.getParameters() != null) {
			operation.getParameters().removeIf(p -> "header".equals(p.getIn()) && "Content-Type".equals(p.getName()));
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
		responses.putIfAbsent(status, new ApiResponse().description(description).content(new Content()
				.addMediaType("application/problem+json",
						new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
	}

}
