package dev.microposts.posts;

import dev.microposts.platform.security.Caller;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.JsonBody;
import dev.microposts.platform.web.Paging;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A user's collection and mentions. Checks run in the contract's order: authentication, then
 * the path (404), then ownership (403), then the body (415/400).
 */
@RestController
@ConditionalOnModule(ModuleId.POSTS)
@RequestMapping("/api/users/{username}")
@Tag(name = "microposts", description = "A user's microposts and mentions")
class PostsController {

    /** The body of create and replace. */
    record MicropostInput(
            @Schema(
                    description = "1..255 Unicode code points, at least one of them not whitespace",
                    minLength = 1,
                    maxLength = 255,
                    requiredMode = Schema.RequiredMode.REQUIRED)
            String text,

            @Schema(description = "a username, or null (omitted: null)", nullable = true)
            String referenced) {}

    /** The body of a partial update (JSON merge patch): only the fields to change. */
    record MicropostPatch(
            @Schema(
                    description = "1..255 Unicode code points, at least one of them not whitespace",
                    minLength = 1,
                    maxLength = 255)
            String text,

            @Schema(description = "a username, or null to clear the reference", nullable = true)
            String referenced) {}

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final Pattern VALID_KEY = Pattern.compile("[\\x20-\\x7E]{1,255}");

    private final PostService posts;

    PostsController(PostService posts) {
        this.posts = posts;
    }

    @GetMapping("/collection")
    @Operation(summary = "A user's microposts, newest first")
    ResponseEntity<List<MicropostView>> collection(
            @PathVariable String username,
            @RequestParam(required = false)
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
                    String limit,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) String search) {
        posts.requireUser(username);
        Paging.Page page = Paging.page(limit, cursor);
        var rows = posts.collection(username, Optional.ofNullable(search), page);
        Map<String, String> keep = new HashMap<>();
        if (search != null && !search.isEmpty()) {
            keep.put("search", search);
        }
        return Paging.respond(page, rows, Micropost::id, MicropostView::of, keep);
    }

    @PostMapping("/collection")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "201",
            description = "Created; Location is the micropost's href")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "422",
            description = "The Idempotency-Key was used with another body",
            content =
                    @Content(
                            mediaType = "application/problem+json",
                            schema = @Schema(ref = "#/components/schemas/Problem")))
    @Operation(
            summary = "Create a micropost",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = MicropostInput.class))))
    ResponseEntity<MicropostView> create(
            @PathVariable String username,
            @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Parameter(hidden = true) String type,
            @RequestHeader(name = IDEMPOTENCY_KEY, required = false)
                    @Parameter(
                            description = "1..255 printable "
                                    + "ASCII characters: a retry with the same key and body within 24 hours answers the first answer "
                                    + "again and creates nothing",
                            schema = @Schema(minLength = 1, maxLength = 255))
                    String idempotencyKey,
            @RequestBody(required = false) byte[] body) {
        String caller = Caller.require();
        posts.requireUser(username);
        Caller.requireSelf(caller, username);
        JsonBody json = JsonBody.parse(type, body);
        String text = validText(json, json.requiredString("text"));
        String referenced = validReference(json, json.string("referenced"));
        if (idempotencyKey != null && !VALID_KEY.matcher(idempotencyKey).matches()) {
            json.reject(IDEMPOTENCY_KEY, "must be 1 to 255 printable ASCII characters");
        }
        json.validate();
        MicropostView created = MicropostView.of(
                idempotencyKey == null
                        ? posts.create(username, text, referenced)
                        : posts.createOnce(username, idempotencyKey, sha256(body), text, referenced));
        return ResponseEntity.created(URI.create(created.href())).body(created);
    }

    @GetMapping("/collection/{id}")
    @Operation(summary = "One micropost")
    MicropostView get(
            @PathVariable String username,
            @PathVariable @Parameter(schema = @Schema(type = "integer", format = "int64", minimum = "1")) String id) {
        return MicropostView.of(posts.get(username, parseId(username, id)));
    }

    @PutMapping("/collection/{id}")
    @Operation(
            summary = "Replace a micropost's text and reference (an omitted reference becomes null)",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = MicropostInput.class))))
    MicropostView replace(
            @PathVariable String username,
            @PathVariable @Parameter(schema = @Schema(type = "integer", format = "int64", minimum = "1")) String id,
            @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Parameter(hidden = true) String type,
            @RequestBody(required = false) byte[] body) {
        String caller = Caller.require();
        Micropost existing = posts.get(username, parseId(username, id));
        Caller.requireSelf(caller, username);
        JsonBody json = JsonBody.parse(type, body);
        String text = validText(json, json.requiredString("text"));
        String referenced = validReference(json, json.string("referenced"));
        json.validate();
        return MicropostView.of(posts.update(existing, text, referenced));
    }

    @PatchMapping("/collection/{id}")
    @Operation(
            summary = "Change some of a micropost's fields ({\"referenced\": null} clears the reference)",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = {
                                @Content(
                                        mediaType = "application/merge-patch+json",
                                        schema = @Schema(implementation = MicropostPatch.class)),
                                @Content(
                                        mediaType = "application/json",
                                        schema = @Schema(implementation = MicropostPatch.class))
                            }))
    MicropostView patch(
            @PathVariable String username,
            @PathVariable @Parameter(schema = @Schema(type = "integer", format = "int64", minimum = "1")) String id,
            @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Parameter(hidden = true) String type,
            @RequestBody(required = false) byte[] body) {
        String caller = Caller.require();
        Micropost existing = posts.get(username, parseId(username, id));
        Caller.requireSelf(caller, username);
        JsonBody json = JsonBody.parse(type, body);
        JsonBody.Field<String> textField = json.string("text");
        String text = existing.text();
        if (textField.present()) {
            text = validText(json, textField.value());
            if (textField.value() == null && !json.hasError("text")) {
                json.reject("text", "must not be null");
            }
        }
        JsonBody.Field<String> referencedField = json.string("referenced");
        String referenced = referencedField.present() ? validReference(json, referencedField) : existing.referenced();
        json.validate();
        if (!textField.present() && !referencedField.present()) {
            return MicropostView.of(existing);
        }
        return MicropostView.of(posts.update(existing, text, referenced));
    }

    @DeleteMapping("/collection/{id}")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "204", description = "Deleted")
    @Operation(summary = "Delete a micropost")
    ResponseEntity<Void> delete(
            @PathVariable String username,
            @PathVariable @Parameter(schema = @Schema(type = "integer", format = "int64", minimum = "1")) String id) {
        String caller = Caller.require();
        Micropost existing = posts.get(username, parseId(username, id));
        Caller.requireSelf(caller, username);
        posts.delete(existing);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/mentions")
    @Operation(summary = "Microposts that reference the user, newest first")
    ResponseEntity<List<MicropostView>> mentions(
            @PathVariable String username,
            @RequestParam(required = false)
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
                    String limit,
            @RequestParam(required = false) String cursor) {
        posts.requireUser(username);
        Paging.Page page = Paging.page(limit, cursor);
        return Paging.respond(page, posts.mentions(username, page), Micropost::id, MicropostView::of, Map.of());
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static long parseId(String username, String id) {
        try {
            long parsed = Long.parseLong(id);
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ex) {
            // not a number: no such micropost
        }
        throw new MicropostNotFound(username, id);
    }

    private static String validText(JsonBody json, String text) {
        MicropostRules.errors(text, null).forEach(json::reject);
        return text;
    }

    private static String validReference(JsonBody json, JsonBody.Field<String> referenced) {
        MicropostRules.errors(null, referenced.value()).forEach(json::reject);
        return referenced.value();
    }
}
