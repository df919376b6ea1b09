/**
 * Social: the follow graph. Publishes {@link Followed} and {@link Unfollowed}; other modules keep
 * what they need of the graph from those events.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Social")
package dev.microposts.social;
