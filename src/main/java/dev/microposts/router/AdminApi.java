package dev.microposts.router;

import dev.microposts.platform.core.InvalidInput;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The router's admin API: the route table, holds, shadow comparisons and weight shifts. Served
 * only on the admin port, only to callers with the admin credential ({@link AdminPort}).
 */
@RestController
@RequestMapping(AdminApi.BASE)
@ConditionalOnModule(ModuleId.ROUTER)
@Tag(name = "router admin", description = "Steering a migration: routes, holds, shadows and shifts")
class AdminApi {

    static final String BASE = "/admin";
    static final String ACTOR_HEADER = "X-MicroPosts-Actor";

    private final ControlPlane plane;

    AdminApi(ControlPlane plane) {
        this.plane = plane;
    }

    /** A group as the admin API shows it: its routing, hold and shift. */
    record GroupView(
            String name,
            List<Backend> backends,
            boolean sticky,
            String shadow,
            String writes,
            int inFlight,
            HoldView hold,
            Shifts.View shift) {}

    record HoldView(Instant since, Instant until, String by, int waiting) {}

    record TableView(long version, List<GroupView> groups) {}

    record GroupChange(List<Backend> backends, Boolean sticky, String shadow, String writes) {}

    record WritesRequest(String backend) {}

    record HoldRequest(String max) {}

    record ShadowRequest(String candidate) {}

    record ShiftRequest(String to, List<Integer> steps, String interval) {}

    record Released(String group, boolean released) {}

    /**
     * The live traffic of every backend of every group.
     *
     * @param at the end of the last whole second shown
     * @param windowSeconds the seconds each backend's {@code window} spans
     * @param groups every group of the table, its backends in the table's order
     */
    record TrafficView(Instant at, int windowSeconds, List<GroupTraffic> groups) {}

    record GroupTraffic(String name, List<BackendTraffic> backends) {}

    /**
     * One backend's traffic: its last {@code windowSeconds} together, and second by second.
     *
     * @param weight its weight in the table now
     */
    record BackendTraffic(String name, int weight, TrafficFigures window, List<TrafficFigures> series) {}

    /**
     * Requests of some whole seconds.
     *
     * @param from the start of the first second
     * @param seconds how many seconds
     * @param requests requests sent to the backend
     * @param errors of which 5xx answers and connections that failed
     * @param rate requests per second
     * @param errorRate errors over requests, null without requests
     * @param p99Millis the 99th percentile latency of the answered requests (time to the backend's
     *     response headers), within 2.5%; null when none was answered
     */
    record TrafficFigures(
            Instant from, int seconds, long requests, long errors, double rate, Double errorRate, Double p99Millis) {

        static TrafficFigures of(Traffic.Figures figures) {
            return new TrafficFigures(
                    Instant.ofEpochSecond(figures.second()),
                    figures.seconds(),
                    figures.requests(),
                    figures.errors(),
                    figures.rate(),
                    figures.errorRate(),
                    figures.p99());
        }
    }

    @GetMapping("/routes")
    @Operation(summary = "The route table: every group's backends, weights, hold and shift")
    ResponseEntity<TableView> table() {
        RouteTable.Snapshot snapshot = plane.table().snapshot();
        List<GroupView> groups = new ArrayList<>();
        for (String name : snapshot.groups().keySet()) {
            groups.add(view(name));
        }
        return ResponseEntity.ok()
                .eTag(Long.toString(snapshot.version()))
                .body(new TableView(snapshot.version(), groups));
    }

    @GetMapping("/routes/{group}")
    @Operation(summary = "One route group")
    ResponseEntity<GroupView> group(@PathVariable String group) {
        plane.existing(group);
        return ResponseEntity.ok()
                .eTag(Long.toString(plane.table().snapshot().version()))
                .body(view(group));
    }

    @PutMapping("/routes/{group}")
    @Operation(
            summary = "Replaces a group's backends (and stickiness and shadow, when given)",
            description = "In effect for every request routed after the answer; requests already routed finish where"
                    + " they are. With If-Match, refused (409) unless the table is still at that version.")
    ResponseEntity<GroupView> replace(
            @PathVariable String group,
            @RequestBody GroupChange change,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            HttpServletRequest request) {
        plane.existing(group);
        if (change == null || change.backends() == null) {
            throw new InvalidInput("backends", "must be given");
        }
        plane.change(
                group,
                routes -> new RouteGroup(
                        group,
                        change.backends(),
                        change.sticky() == null ? routes.sticky() : change.sticky(),
                        change.shadow() == null ? routes.shadow() : blankToNull(change.shadow()),
                        change.writes() == null ? routes.writes() : blankToNull(change.writes())),
                actor(request),
                "set",
                version(ifMatch));
        return group(group);
    }

    @PostMapping("/routes/{group}/weights")
    @Operation(summary = "Sets the weights of some of a group's backends, by name")
    ResponseEntity<GroupView> weights(
            @PathVariable String group,
            @RequestBody Map<String, Integer> weights,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            HttpServletRequest request) {
        plane.existing(group);
        if (weights == null || weights.isEmpty()) {
            throw new InvalidInput("weights", "must name at least one backend");
        }
        RouteGroup routes = plane.table().group(group);
        for (var weight : weights.entrySet()) {
            if (routes.backend(weight.getKey()) == null) {
                throw new InvalidInput(weight.getKey(), "is not a backend of group '" + group + "'");
            }
            if (weight.getValue() == null) {
                throw new InvalidInput(weight.getKey(), "must be a weight in 0..100");
            }
        }
        plane.change(
                group, current -> current.withWeights(weights), actor(request), "weights " + weights, version(ifMatch));
        return group(group);
    }

    @PostMapping("/routes/{group}/hold")
    @Operation(summary = "Holds a group's new requests until released (at most max, default and limit 5s)")
    GroupView hold(
            @PathVariable String group, @RequestBody(required = false) HoldRequest hold, HttpServletRequest request) {
        plane.existing(group);
        Duration max = hold == null || hold.max() == null ? null : duration("max", hold.max());
        plane.holds().hold(group, max, actor(request));
        return view(group);
    }

    @DeleteMapping("/routes/{group}/hold")
    @Operation(summary = "Releases a group's hold: its waiting requests are routed by the table as it is now")
    Released release(@PathVariable String group) {
        plane.existing(group);
        return new Released(group, plane.holds().release(group));
    }

    @PutMapping("/routes/{group}/writes")
    @Operation(
            summary = "Sends every write of the group (POST, PUT, PATCH, DELETE) to one backend, whatever the weights",
            description = "Reads stay routed by the weights. Used while a module is extracted: the database that takes"
                    + " the module's writes is behind exactly one backend. Hold the group first so that no write is"
                    + " in flight on the old backend when it moves.")
    ResponseEntity<GroupView> writes(
            @PathVariable String group, @RequestBody WritesRequest writes, HttpServletRequest request) {
        plane.existing(group);
        if (writes == null || writes.backend() == null || writes.backend().isBlank()) {
            throw new InvalidInput("backend", "must name a backend of the group");
        }
        plane.change(
                group,
                routes -> routes.withWrites(writes.backend()),
                actor(request),
                "writes to " + writes.backend(),
                null);
        return group(group);
    }

    @DeleteMapping("/routes/{group}/writes")
    @Operation(summary = "Routes the group's writes by the weights again, like its reads")
    ResponseEntity<GroupView> unwrites(@PathVariable String group, HttpServletRequest request) {
        plane.existing(group);
        plane.change(group, routes -> routes.withWrites(null), actor(request), "writes by weight", null);
        return group(group);
    }

    @PutMapping("/routes/{group}/shadow")
    @Operation(summary = "Copies the group's reads (GET, HEAD; never writes) to a candidate backend and compares")
    ResponseEntity<GroupView> shadow(
            @PathVariable String group, @RequestBody ShadowRequest shadow, HttpServletRequest request) {
        plane.existing(group);
        if (shadow == null || shadow.candidate() == null || shadow.candidate().isBlank()) {
            throw new InvalidInput("candidate", "must name a backend of the group");
        }
        plane.change(group, routes -> routes.withShadow(shadow.candidate()), actor(request), "shadow on", null);
        return group(group);
    }

    @DeleteMapping("/routes/{group}/shadow")
    @Operation(summary = "Stops shadowing the group's reads (the comparisons so far are kept)")
    ResponseEntity<GroupView> unshadow(@PathVariable String group, HttpServletRequest request) {
        plane.existing(group);
        plane.change(group, routes -> routes.withShadow(null), actor(request), "shadow off", null);
        return group(group);
    }

    @GetMapping("/routes/{group}/shadow")
    @Operation(
            summary = "The shadow comparison of a group: per field path, requests compared, raw and noise"
                    + " differences, whether it counts as a difference, and examples")
    Object shadowReport(@PathVariable String group) {
        plane.existing(group);
        return plane.shadowing().diffs().report(group);
    }

    @PostMapping("/routes/{group}/shift")
    @Operation(summary = "Shifts the group's requests to a backend step by step, judged before each step")
    Shifts.View shift(@PathVariable String group, @RequestBody ShiftRequest shift, HttpServletRequest request) {
        plane.existing(group);
        if (shift == null) {
            throw new InvalidInput("to", "must be given");
        }
        List<Integer> steps = shift.steps() == null ? List.of(1, 10, 50, 100) : shift.steps();
        Duration interval = shift.interval() == null ? Duration.ofSeconds(30) : duration("interval", shift.interval());
        if (shift.to() == null) {
            throw new InvalidInput("to", "must name a backend of the group");
        }
        return plane.shifts().start(group, shift.to(), steps, interval, actor(request));
    }

    @GetMapping("/routes/{group}/shift")
    @Operation(summary = "The group's latest shift, with every decision of the judge")
    ResponseEntity<Shifts.View> shiftView(@PathVariable String group) {
        plane.existing(group);
        Shifts.View view = plane.shifts().view(group);
        if (view == null) {
            throw new Shifts.NeverShifted(group);
        }
        return ResponseEntity.ok(view);
    }

    @PostMapping("/routes/{group}/shift/pause")
    @Operation(summary = "Pauses a shift at its current weights")
    Shifts.View pause(@PathVariable String group) {
        plane.existing(group);
        return plane.shifts().pause(group);
    }

    @PostMapping("/routes/{group}/shift/resume")
    @Operation(summary = "Resumes a paused shift")
    Shifts.View resume(@PathVariable String group) {
        plane.existing(group);
        return plane.shifts().resume(group);
    }

    @PostMapping("/routes/{group}/shift/rollback")
    @Operation(summary = "Gives every request of the group back to the shift's primary, now")
    Shifts.View rollback(@PathVariable String group, HttpServletRequest request) {
        plane.existing(group);
        return plane.shifts().rollback(group, "rolled back by " + actor(request));
    }

    @GetMapping("/traffic")
    @Operation(
            summary = "Every backend's live traffic: requests per second, error rate and p99, second by second",
            description = "From the router's own measurements of each request. Whole seconds only (the one going on"
                    + " is not shown); 'window' sums the last windowSeconds (10), 'series' gives each of the last"
                    + " 'seconds' (1..60, default 60), oldest first.")
    TrafficView traffic(@RequestParam(defaultValue = "60") int seconds) {
        if (seconds < 1 || seconds > Traffic.HISTORY) {
            throw new InvalidInput("seconds", "must be between 1 and " + Traffic.HISTORY);
        }
        Traffic traffic = plane.metrics().traffic();
        RouteTable.Snapshot snapshot = plane.table().snapshot();
        List<GroupTraffic> groups = new ArrayList<>();
        for (RouteGroup group : snapshot.groups().values()) {
            List<BackendTraffic> backends = new ArrayList<>();
            for (Backend backend : group.backends()) {
                backends.add(new BackendTraffic(
                        backend.name(),
                        backend.weight(),
                        TrafficFigures.of(traffic.summary(group.name(), backend.name(), Traffic.WINDOW)),
                        traffic.series(group.name(), backend.name(), seconds).stream()
                                .map(TrafficFigures::of)
                                .toList()));
            }
            groups.add(new GroupTraffic(group.name(), backends));
        }
        return new TrafficView(Instant.ofEpochSecond(traffic.lastSecond() + 1), Traffic.WINDOW, groups);
    }

    @GetMapping("/audit")
    @Operation(summary = "The latest changes of the route table, newest first: who, when, before, after")
    List<RouteTable.Change> audit(@RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidInput("limit", "must be between 1 and 1000");
        }
        return plane.table().audit(limit);
    }

    private GroupView view(String name) {
        RouteGroup routes = plane.table().group(name);
        Holds.Hold hold = plane.holds().current(name);
        return new GroupView(
                name,
                routes.backends(),
                routes.sticky(),
                routes.shadow(),
                routes.writes(),
                plane.holds().inFlight(name),
                hold == null
                        ? null
                        : new HoldView(
                                hold.since(),
                                hold.until(),
                                hold.who(),
                                plane.holds().waiting(name)),
                plane.shifts().view(name));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static Long version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        String tag = ifMatch.trim();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        tag = tag.replace("\"", "");
        try {
            return Long.parseLong(tag);
        } catch (NumberFormatException ex) {
            throw new InvalidInput("If-Match", "must be the table's version, as its ETag gives it");
        }
    }

    private static Duration duration(String field, String text) {
        try {
            return DurationStyle.detectAndParse(text);
        } catch (RuntimeException ex) {
            throw new InvalidInput(field, "must be a duration such as 5s, 500ms or PT5S");
        }
    }

    /** Who made a change, for the audit list: the caller's own name for itself, and its address. */
    static String actor(HttpServletRequest request) {
        String named = request.getHeader(ACTOR_HEADER);
        String address = request.getRemoteAddr();
        if (named != null && named.matches("[A-Za-z0-9._@:-]{1,64}")) {
            return named + " from " + address;
        }
        return "admin from " + address;
    }
}
