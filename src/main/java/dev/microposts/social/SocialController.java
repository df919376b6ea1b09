package dev.microposts.social;

import dev.microposts.accounts.UserLinks;
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
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@ConditionalOnModule(ModuleId.SOCIAL)
@RequestMapping("/api/users/{username}")
@Tag(name = "social", description = "The follow graph")
class SocialController {

    /** Another user in a follow list. */
    record UserRef(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String username,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "uri")
            String href) {

        static UserRef of(String username) {
            return new UserRef(username, UserLinks.user(username));
        }
    }

    /** The body of a follow: whom to follow. */
    record FollowInput(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String username) {}

    private final SocialService social;

    SocialController(SocialService social) {
        this.social = social;
    }

    @GetMapping("/following")
    @Operation(summary = "Whom the user follows, most recent follow first")
    ResponseEntity<List<UserRef>> following(
            @PathVariable String username,
            @RequestParam(required = false)
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
                    String limit,
            @RequestParam(required = false) String cursor) {
        social.requireUser(username);
        Paging.Page page = Paging.page(limit, cursor);
        return Paging.respond(
                page,
                social.following(username, page),
                Follows.Edge::id,
                edge -> UserRef.of(edge.username()),
                Map.of());
    }

    @GetMapping("/followers")
    @Operation(summary = "Who follows the user, most recent follow first")
    ResponseEntity<List<UserRef>> followers(
            @PathVariable String username,
            @RequestParam(required = false)
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
                    String limit,
            @RequestParam(required = false) String cursor) {
        social.requireUser(username);
        Paging.Page page = Paging.page(limit, cursor);
        return Paging.respond(
                page,
                social.followers(username, page),
                Follows.Edge::id,
                edge -> UserRef.of(edge.username()),
                Map.of());
    }

    @PostMapping("/following")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "201", description = "Now following")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "Was already following")
    @Operation(
            summary = "Follow a user (201, or 200 when already following)",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            schema = @Schema(implementation = FollowInput.class))))
    ResponseEntity<UserRef> follow(
            @PathVariable String username,
            @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Parameter(hidden = true) String type,
            @RequestBody(required = false) byte[] body) {
        String caller = Caller.require();
        social.requireUser(username);
        Caller.requireSelf(caller, username);
        JsonBody json = JsonBody.parse(type, body);
        String followee = json.requiredString("username");
        json.validate();
        boolean created = social.follow(username, followee);
        UserRef ref = UserRef.of(followee);
        if (created) {
            return ResponseEntity.created(java.net.URI.create(ref.href())).body(ref);
        }
        return ResponseEntity.status(HttpStatus.OK).body(ref);
    }

    @DeleteMapping("/following/{other}")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "204", description = "Not following (any more)")
    @Operation(summary = "Stop following a user (204 also when not following)")
    ResponseEntity<Void> unfollow(@PathVariable String username, @PathVariable String other) {
        String caller = Caller.require();
        social.requireUser(username);
        Caller.requireSelf(caller, username);
        social.unfollow(username, other);
        return ResponseEntity.noContent().build();
    }
}
