package dev.microposts.platform.web;

import dev.microposts.platform.core.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request body read as a JSON object, with field accessors that collect every type error
 * before one 400 answer. Controllers parse the body themselves (after authentication, the
 * path and authorisation are checked) so that the contract's error order holds.
 */
public final class JsonBody {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    /** A field's state: absent, explicitly null, or a value. */
    public record Field<T>(boolean present, T value) {

        static <T> Field<T> absent() {
            return new Field<>(false, null);
        }
    }

    private final JsonNode root;
    private final List<FieldError> errors = new ArrayList<>();

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    /**
     * Reads a request body: 415 unless it is declared as JSON, 400 unless it is one JSON object.
     */
    public static JsonBody parse(String contentType, byte[] body) {
        if (contentType != null && !isJson(contentType)) {
            throw new ApiProblem(
                    org.springframework.http.HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "The request body must be application/json.");
        }
        if (body == null || body.length == 0) {
            throw ApiProblem.invalid("body", "is required: a JSON object");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JacksonException ex) {
            throw ApiProblem.invalid("body", "is not well-formed JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiProblem.invalid("body", "must be a JSON object");
        }
        return new JsonBody(node);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            var type = org.springframework.http.MediaType.parseMediaType(contentType);
            return type.isCompatibleWith(org.springframework.http.MediaType.APPLICATION_JSON)
                    || "json".equals(type.getSubtypeSuffix());
        } catch (org.springframework.http.InvalidMediaTypeException ex) {
            return false;
        }
    }

    /** A string that must be present and not null. */
    public String requiredString(String name) {
        Field<String> field = string(name);
        if (!field.present() || field.value() == null) {
            if (field.present() || !hasError(name)) {
                reject(name, "is required");
            }
            return null;
        }
        return field.value();
    }

    /** A string that may be absent or null. */
    public Field<String> string(String name) {
        JsonNode node = root.get(name);
        if (node == null) {
            return Field.absent();
        }
        if (node.isNull()) {
            return new Field<>(true, null);
        }
        if (!node.isString()) {
            reject(name, "must be a string");
            return Field.absent();
        }
        return new Field<>(true, node.stringValue());
    }

    public Optional<String> optionalString(String name) {
        return Optional.ofNullable(string(name).value());
    }

    /** Adds a rule's field error to the ones this body has. */
    public void reject(FieldError error) {
        reject(error.field(), error.message());
    }

    public void reject(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    public boolean hasError(String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field));
    }

    /** Throws the collected field errors as one 400, if there are any. */
    public void validate() {
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
    }
}
