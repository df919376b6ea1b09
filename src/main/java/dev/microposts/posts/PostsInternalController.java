package dev.microposts.posts;

import java.util.List;

import io.swagger.v3.oas.annotations.Hidden;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;

/** The posts module's API for processes that bind {@link Posts} over HTTP ({@link RemotePosts}). */
@RestController
@ConditionalOnModule(ModuleId.POSTS)
@Hidden
class PostsInternalController {

	/** The path of {@link Posts#recentBy}, for this controller and {@link RemotePosts}. */
	static final String RECENT = "/internal/posts/users/{author}/recent";

	private final Posts posts;

	PostsInternalController(Posts posts) {
		this.posts = posts;
	}

	@GetMapping(RECENT)
	List<Micropost> recent(@PathVariable String author, @RequestParam(defaultValue = "50") int limit) {
		return posts.recentBy(author, Math.min(Math.max(limit, 1), 1000));
	}
}
