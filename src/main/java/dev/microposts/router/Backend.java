package dev.microposts.router;

import java.net.URI;

/**
 * A process that can answer a route group: a name the operator chooses ({@code monolith},
 * {@code posts-v2}), its base URL, and its share of the group's requests (0..100; the shares of
 * a group are relative to their sum).
 */
public record Backend(String name, URI url, int weight) {

    Backend withWeight(int newWeight) {
        return new Backend(name, url, newWeight);
    }
}
