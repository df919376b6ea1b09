package dev.microposts.posts;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.topology.RemoteModules;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;

/** {@link Posts} over HTTP, for processes that do not run the posts module. */
@Component
@ConditionalOnModule(value = ModuleId.POSTS, local = false)
@ConditionalOnProperty("microposts.posts.url")
class RemotePosts implements Posts {

    private static final ParameterizedTypeReference<List<Micropost>> LIST = new ParameterizedTypeReference<>() {};

    private final RemoteModules.Remote remote;

    RemotePosts(RemoteModules remotes) {
        this.remote = remotes.of(ModuleId.POSTS);
    }

    @Override
    public List<Micropost> recentBy(String author, int limit) {
        return remote.read(() -> remote.client()
                .get()
                .uri(PostsInternalController.RECENT + "?limit={limit}", author, limit)
                .retrieve()
                .body(LIST));
    }
}
