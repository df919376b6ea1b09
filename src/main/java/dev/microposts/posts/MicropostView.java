package dev.microposts.posts;

import dev.microposts.accounts.UserLinks;
import dev.microposts.platform.web.Timestamps;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A micropost as the public API shows it, wherever it is listed (collection, mentions, timeline):
 * {@code href} is absolute, {@code referenced} may be null, {@code timestamp} is ISO-8601 UTC.
 */
public record MicropostView(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "uri")
        String href,

        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) long id,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String text,

        @Schema(
                description = "the username the micropost refers to, or null",
                nullable = true,
                requiredMode = Schema.RequiredMode.REQUIRED)
        String referenced,

        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time")
        String timestamp,

        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String user) {

    public static MicropostView of(Micropost micropost) {
        return new MicropostView(
                UserLinks.user(micropost.author()) + "/collection/" + micropost.id(),
                micropost.id(),
                micropost.text(),
                micropost.referenced(),
                Timestamps.format(micropost.createdAt()),
                micropost.author());
    }
}
