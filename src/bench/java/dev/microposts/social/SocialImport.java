package dev.microposts.social;

import org.springframework.context.ApplicationContext;

/**
 * The benchmark's bulk loader's way into the social module (benchmark code only): a follow through
 * the module's own service, which publishes {@link Followed} in the same transaction.
 */
public final class SocialImport {

    private final SocialService service;

    public SocialImport(ApplicationContext context) {
        this.service = context.getBean(SocialService.class);
    }

    public void follow(String follower, String followee) {
        service.requireUser(followee);
        service.follow(follower, followee);
    }
}
