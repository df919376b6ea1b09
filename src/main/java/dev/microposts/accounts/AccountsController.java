package dev.microposts.accounts;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.JsonBody;
import dev.microposts.platform.web.Timestamps;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@RestController
@ConditionalOnModule(ModuleId.ACCOUNTS)
@Tag(name = "accounts", description = "Users and tokens")
class AccountsController {

    /** A user as the API shows it. */
    record UserView(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String username,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "uri")
            String href,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "uri")
            String collection,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "uri")
            String timeline,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time")
            String joined) {

        static UserView of(Users.User user) {
            String href = UserLinks.user(user.username());
            return new UserView(
                    user.username(), href, href + "/collection", href + "/timeline", Timestamps.format(user.joined()));
        }
    }

    /** A signed bearer token and when it stops being accepted. */
    record TokenView(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String token,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time")
            String expires_at) {}

    /** The body of registration and login. */
    record Credentials(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String username,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String password) {}

    private final AccountService accounts;
    private final SigningKeyRing signingKeys;

    AccountsController(AccountService accounts, SigningKeyRing signingKeys) {
        this.accounts = accounts;
        this.signingKeys = signingKeys;
    }

    @PostMapping("/api/users")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "201",
            description = "Registered; Location is the user's href")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "409", description = "Username taken")
    @Operation(
            summary = "Register a user",
            requestBody =
                    @RequestBody(
                            required = true,
                            content =
                                    @io.swagger.v3.oas.annotations.media.Content(
                                            mediaType = "application/json",
                                            schema =
                                                    @io.swagger.v3.oas.annotations.media.Schema(
                                                            implementation = Credentials.class))))
    ResponseEntity<UserView> register(
            @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Parameter(hidden = true) String type,
            @org.springframework.web.bind.annotation.RequestBody(required = false) byte[] body) {
        JsonBody json = JsonBody.parse(type, body);
        String username = json.requiredString("username");
        String password = json.requiredString("password");
        AccountService.registrationErrors(username, password).forEach(json::reject);
        json.validate();
        UserView user = UserView.of(accounts.register(username, password));
        return ResponseEntity.created(URI.create(user.href())).body(user);
    }

    @GetMapping("/api/users/{username}")
    @Operation(summary = "A user")
    UserView user(@PathVariable String username) {
        return accounts.find(username).map(UserView::of).orElseThrow(() -> new UnknownUser(username));
    }

    @PostMapping("/api/token")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "200",
            description = "A bearer token and when it expires",
            headers =
                    @io.swagger.v3.oas.annotations.headers.Header(
                            name = HttpHeaders.CACHE_CONTROL,
                            required = true,
                            description = "no-store: the token is never cached",
                            schema = @Schema(type = "string")))
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "401",
            description = "Wrong username or password (the same answer for an unknown user), or an invalid token sent")
    @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "429",
            description = "Too many failed logins for this username; see Retry-After")
    @Operation(
            summary = "Exchange a username and password for a bearer token",
            requestBody =
                    @RequestBody(
                            required = true,
                            content =
                                    @io.swagger.v3.oas.annotations.media.Content(
                                            mediaType = "application/json",
                                            schema =
                                                    @io.swagger.v3.oas.annotations.media.Schema(
                                                            implementation = Credentials.class))))
    ResponseEntity<TokenView> token(
            @RequestHeader(name = HttpHeaders.CONTENT_TYPE, required = false) @Parameter(hidden = true) String type,
            @org.springframework.web.bind.annotation.RequestBody(required = false) byte[] body) {
        JsonBody json = JsonBody.parse(type, body);
        String username = json.requiredString("username");
        String password = json.requiredString("password");
        if (username != null && !Username.isValid(username)) {
            json.reject("username", Username.RULE);
        }
        json.validate();
        AccountService.Token token = accounts.login(username, password);
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .body(new TokenView(token.token(), Timestamps.format(token.expiresAt())));
    }

    @GetMapping("/.well-known/jwks.json")
    @Operation(summary = "The public keys that verify MicroPosts tokens (JWKS)")
    ResponseEntity<Map<String, Object>> jwks() {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)))
                .body(signingKeys.publicJwks());
    }
}
