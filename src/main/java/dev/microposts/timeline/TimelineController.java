package dev.microposts.timeline;

import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.Paging;
import dev.microposts.posts.Micropost;
import dev.microposts.posts.MicropostView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@ConditionalOnModule(ModuleId.TIMELINE)
@Tag(name = "timeline", description = "Home timelines")
class TimelineController {

    private final TimelineService timelines;

    TimelineController(TimelineService timelines) {
        this.timelines = timelines;
    }

    @GetMapping("/api/users/{username}/timeline")
    @Operation(
            summary = "Microposts by the user and everyone the user follows, newest first",
            description = "Others' microposts arrive within 2 seconds of their creation.")
    ResponseEntity<List<MicropostView>> timeline(
            @PathVariable String username,
            @RequestParam(required = false)
                    @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
                    String limit,
            @RequestParam(required = false) String cursor) {
        timelines.requireUser(username);
        Paging.Page page = Paging.page(limit, cursor);
        return Paging.respond(page, timelines.read(username, page), Micropost::id, MicropostView::of, Map.of());
    }
}
