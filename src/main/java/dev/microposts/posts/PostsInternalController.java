package dev.microposts.posts;

import dev.microposts.platform.topology.ConditionalOnRemoteCallers;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.Paging;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The posts module's API for processes that bind {@link Posts} over HTTP ({@link RemotePosts}):
 * served only where those run elsewhere, and only to callers with the internal token
 * ({@code platform.topology.InternalEndpoints}).
 */
@RestController
@ConditionalOnRemoteCallers(ModuleId.POSTS)
@Hidden
class PostsInternalController {

    /** The path of {@link Posts#recentBy}, for this controller and {@link RemotePosts}. */
    static final String RECENT = "/internal/posts/users/{author}/recent";

    private final Posts posts;

    PostsInternalController(Posts posts) {
        this.posts = posts;
    }

    @GetMapping(RECENT)
    List<Micropost> recent(@PathVariable String author, @RequestParam(defaultValue = "50") String limit) {
        // the public lists' bounds (1..100, else 400): no caller needs more in one answer
        return posts.recentBy(author, Paging.page(limit, null).limit());
    }
}
