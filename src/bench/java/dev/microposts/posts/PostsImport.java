package dev.microposts.posts;

import org.springframework.context.ApplicationContext;

/**
 * The benchmark's bulk loader's way into the posts module (benchmark code only): a compose through
 * the module's own service, which publishes {@link MicropostCreated} in the same transaction.
 */
public final class PostsImport {

    private final PostService service;

    public PostsImport(ApplicationContext context) {
        this.service = context.getBean(PostService.class);
    }

    /** Returns the new micropost's id. */
    public long compose(String author, String text) {
        return service.create(author, text, null).id();
    }
}
