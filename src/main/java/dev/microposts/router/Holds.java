package dev.microposts.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds of route groups. While a group is held its new requests wait (at most
 * {@code hold.queue} of them; more are refused at once) until the hold is released, and are then
 * routed by the table as it is at the release: a backend can restart, or writes can switch, while
 * clients only see a delay. A hold ends by itself at its maximum; the requests still waiting then
 * are answered 503 with {@code Retry-After}, and the group's requests flow again.
 */
final class Holds {

    /** How a request's wait ended. */
    enum Outcome {
        /** The group was not held. */
        NOT_HELD,
        /** Released: route it now. */
        RELEASED,
        /** The hold ran out before it was released. */
        EXPIRED,
        /** Too many requests waiting already. */
        FULL
    }

    /** One hold of one group. */
    record Hold(String group, Instant since, Instant until, String who, CompletableFuture<Boolean> released) {}

    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> waiting = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final RouterProperties.Hold settings;
    private final MeterRegistry meters;

    Holds(RouterProperties.Hold settings, MeterRegistry meters) {
        this.settings = settings;
        this.meters = meters;
    }

    /** Holds a group for at most {@code max} (the configured maximum when null). */
    Hold hold(String group, Duration max, String who) {
        Duration limit = max == null ? settings.maxWait() : max;
        if (limit.isNegative() || limit.isZero() || limit.compareTo(settings.maxWait()) > 0) {
            throw new dev.microposts.platform.core.InvalidInput(
                    "max",
                    "must be more than 0 and at most " + settings.maxWait() + " (MICROPOSTS_ROUTER_HOLD_MAX_WAIT)");
        }
        Instant now = Instant.now();
        Hold hold = new Hold(group, now, now.plus(limit), who, new CompletableFuture<>());
        Hold previous = holds.put(group, hold);
        if (previous != null) {
            // a new hold replaces the old one: those waiting in it wait on in the new one
            hold.released()
                    .whenComplete((released, error) -> previous.released().complete(released));
        }
        gauge(group);
        return hold;
    }

    /** Releases a group's hold; false when it was not held. */
    boolean release(String group) {
        Hold hold = holds.remove(group);
        if (hold == null) {
            return false;
        }
        hold.released().complete(true);
        return !Instant.now().isAfter(hold.until());
    }

    /** The group's hold, when one is in force. */
    Hold current(String group) {
        Hold hold = holds.get(group);
        if (hold != null && Instant.now().isAfter(hold.until())) {
            expire(hold);
            return null;
        }
        return hold;
    }

    int waiting(String group) {
        AtomicInteger count = waiting.get(group);
        return count == null ? 0 : count.get();
    }

    /**
     * What a request calls before it is routed: waits while the group is held, and counts the
     * request as in flight when it may go on ({@link Outcome#NOT_HELD}, {@link Outcome#RELEASED}),
     * until it calls {@link #leave}. The count is raised before the hold is looked at, so once a
     * hold is in force, {@link #inFlight} is zero only when no request of the group is at a backend:
     * a write switch waits for that.
     */
    Outcome enter(String group) {
        return enterLater(group).join();
    }

    private static final CompletableFuture<Outcome> NOT_HELD = CompletableFuture.completedFuture(Outcome.NOT_HELD);

    /**
     * {@link #enter} without blocking a thread while the group is held: the outcome is complete
     * at once when the group is not held, else when the hold is released or runs out. For the
     * public port's event loops ({@link PublicPort}).
     */
    CompletableFuture<Outcome> enterLater(String group) {
        AtomicInteger running = inFlightCount(group);
        running.incrementAndGet();
        if (holds.get(group) == null) {
            return NOT_HELD;
        }
        running.decrementAndGet();
        return awaitLater(group).thenApply(outcome -> {
            if (outcome == Outcome.NOT_HELD || outcome == Outcome.RELEASED) {
                running.incrementAndGet();
            }
            return outcome;
        });
    }

    /** A request that {@link #enter} let through has its answer from its backend. */
    void leave(String group) {
        inFlightCount(group).decrementAndGet();
    }

    /** The group's requests at a backend now. */
    int inFlight(String group) {
        AtomicInteger count = inFlight.get(group);
        return count == null ? 0 : count.get();
    }

    private AtomicInteger inFlightCount(String group) {
        return inFlight.computeIfAbsent(group, name -> {
            AtomicInteger count = new AtomicInteger();
            meters.gauge("router.in.flight", io.micrometer.core.instrument.Tags.of("group", name), count);
            return count;
        });
    }

    /** Waits while the group is held. */
    Outcome await(String group) {
        return awaitLater(group).join();
    }

    /** The end of the wait while the group is held, without blocking. */
    private CompletableFuture<Outcome> awaitLater(String group) {
        Hold hold = holds.get(group);
        if (hold == null) {
            return NOT_HELD;
        }
        AtomicInteger count = gauge(group);
        if (count.incrementAndGet() > settings.queue()) {
            count.decrementAndGet();
            meters.counter("router.hold.refused", "group", group).increment();
            return CompletableFuture.completedFuture(Outcome.FULL);
        }
        long started = System.nanoTime();
        long remaining = Duration.between(Instant.now(), hold.until()).toNanos();
        if (remaining <= 0) {
            count.decrementAndGet();
            expire(hold);
            return CompletableFuture.completedFuture(outcome(group, Outcome.EXPIRED, started));
        }
        return hold.released()
                .copy()
                .completeOnTimeout(false, remaining, TimeUnit.NANOSECONDS)
                .handle((released, error) -> {
                    count.decrementAndGet();
                    boolean let = error == null && Boolean.TRUE.equals(released);
                    if (!let) {
                        expire(hold);
                    }
                    return outcome(group, let ? Outcome.RELEASED : Outcome.EXPIRED, started);
                });
    }

    private Outcome outcome(String group, Outcome outcome, long started) {
        Timer.builder("router.hold.wait")
                .description("how long requests waited in a hold, by how the wait ended")
                .tag("group", group)
                .tag("outcome", outcome.name().toLowerCase())
                .register(meters)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return outcome;
    }

    private void expire(Hold hold) {
        if (holds.remove(hold.group(), hold)) {
            Counter.builder("router.hold.expired")
                    .description("holds that ran out before they were released")
                    .tag("group", hold.group())
                    .register(meters)
                    .increment();
        }
        hold.released().complete(false);
    }

    private AtomicInteger gauge(String group) {
        return waiting.computeIfAbsent(group, name -> {
            AtomicInteger count = new AtomicInteger();
            meters.gauge(
                    "router.hold.waiting",
                    java.util.List.of(io.micrometer.core.instrument.Tag.of("group", name)),
                    count);
            return count;
        });
    }
}
