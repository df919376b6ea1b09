package dev.microposts.router;

import dev.microposts.platform.core.DomainException;
import dev.microposts.platform.core.InvalidInput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Weight shifts judged step by step: {@code shift posts --to posts-v2 --steps 1,10,50,100
 * --interval 30s} gives the candidate the first step's weight at once; then, every interval, the
 * {@link CanaryJudge} compares the candidate's answers with the primary's over what they answered
 * since the step began. PASS takes the next step; WAIT (too few requests yet) judges again after
 * another interval; FAIL gives every request back to the primary at once and records why. A shift
 * can be paused, resumed and rolled back by hand; the last step reached stays in the table.
 */
final class Shifts implements AutoCloseable {

    enum State {
        RUNNING,
        PAUSED,
        COMPLETED,
        ROLLED_BACK
    }

    /** One decision of a shift. */
    record Step(Instant at, int candidateWeight, String decision, String reason) {}

    /** A shift as the admin API shows it. */
    record View(
            String group,
            String primary,
            String candidate,
            List<Integer> steps,
            Duration interval,
            State state,
            int candidateWeight,
            Instant nextJudgement,
            List<Step> history) {}

    private static final Logger log = LoggerFactory.getLogger(Shifts.class);

    private final RouteTable table;
    private final RouterMetrics metrics;
    private final CanaryJudge judge;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "router-judge");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Shift> shifts = new ConcurrentHashMap<>();

    Shifts(RouteTable table, RouterMetrics metrics, CanaryJudge judge) {
        this.table = table;
        this.metrics = metrics;
        this.judge = judge;
    }

    /** Starts a shift of a group's requests to a candidate. */
    View start(String group, String to, List<Integer> steps, Duration interval, String who) {
        RouteGroup routes = table.group(group);
        if (routes == null) {
            throw new RouteTable.UnknownGroup(group, table.snapshot().groups().keySet());
        }
        if (routes.backend(to) == null) {
            throw new InvalidInput("to", "must name a backend of group '" + group + "'");
        }
        checkSteps(steps);
        if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidInput("interval", "must be at least 1s");
        }
        Backend primary = null;
        for (Backend backend : routes.backends()) {
            if (!backend.name().equals(to) && (primary == null || backend.weight() > primary.weight())) {
                primary = backend;
            }
        }
        if (primary == null || primary.weight() == 0) {
            throw new InvalidInput("to", "the group needs another backend with a weight above 0 to shift from");
        }
        synchronized (this) {
            Shift running = shifts.get(group);
            if (running != null && (running.state == State.RUNNING || running.state == State.PAUSED)) {
                throw new Busy(group);
            }
            Shift shift = new Shift(group, primary.name(), to, List.copyOf(steps), interval, who);
            shifts.put(group, shift);
            shift.apply(0, "start", "first step, by " + who);
            shift.afterStep();
            return shift.view();
        }
    }

    View pause(String group) {
        Shift shift = active(group);
        synchronized (shift) {
            if (shift.state == State.RUNNING) {
                shift.state = State.PAUSED;
                shift.cancel();
                shift.record("pause", "paused by hand");
            }
            return shift.view();
        }
    }

    View resume(String group) {
        Shift shift = active(group);
        synchronized (shift) {
            if (shift.state == State.PAUSED) {
                shift.state = State.RUNNING;
                shift.resetSamples();
                shift.record("resume", "resumed by hand");
                shift.schedule();
            }
            return shift.view();
        }
    }

    /** Every request of the group back to the primary, now. */
    View rollback(String group, String why) {
        Shift shift = active(group);
        synchronized (shift) {
            shift.rollBack("rollback", why);
            return shift.view();
        }
    }

    View view(String group) {
        Shift shift = shifts.get(group);
        return shift == null ? null : shift.view();
    }

    /** Whether a shift is steering this group's weights (a hand-made change would fight it). */
    boolean steering(String group) {
        Shift shift = shifts.get(group);
        return shift != null && (shift.state == State.RUNNING || shift.state == State.PAUSED);
    }

    private Shift active(String group) {
        Shift shift = shifts.get(group);
        if (shift == null || !(shift.state == State.RUNNING || shift.state == State.PAUSED)) {
            throw new NoShift(group);
        }
        return shift;
    }

    private static void checkSteps(List<Integer> steps) {
        if (steps == null || steps.isEmpty()) {
            throw new InvalidInput("steps", "must name at least one weight");
        }
        int previous = 0;
        for (Integer step : steps) {
            if (step == null || step <= previous || step > 100) {
                throw new InvalidInput("steps", "must be increasing weights in 1..100, e.g. 1,10,50,100");
            }
            previous = step;
        }
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }

    private final class Shift {

        final String group;
        final String primary;
        final String candidate;
        final List<Integer> steps;
        final Duration interval;
        final String who;
        final List<Step> history = new ArrayList<>();
        State state = State.RUNNING;
        int index;
        Instant next;
        ScheduledFuture<?> pending;
        final Accumulated primarySamples = new Accumulated();
        final Accumulated candidateSamples = new Accumulated();

        Shift(String group, String primary, String candidate, List<Integer> steps, Duration interval, String who) {
            this.group = group;
            this.primary = primary;
            this.candidate = candidate;
            this.steps = steps;
            this.interval = interval;
            this.who = who;
        }

        void apply(int stepIndex, String decision, String reason) {
            index = stepIndex;
            int weight = steps.get(stepIndex);
            setWeights(weight, "shift to " + candidate + " " + weight + "%");
            resetSamples();
            record(decision, reason);
        }

        void setWeights(int candidateWeight, String action) {
            table.change(
                    group,
                    routes -> {
                        Map<String, Integer> weights = new LinkedHashMap<>();
                        for (Backend backend : routes.backends()) {
                            weights.put(backend.name(), 0);
                        }
                        weights.put(candidate, candidateWeight);
                        weights.put(primary, 100 - candidateWeight);
                        return routes.withWeights(weights);
                    },
                    "judge (shift by " + who + ")",
                    action,
                    null);
        }

        void resetSamples() {
            metrics.window(group, primary).drain();
            metrics.window(group, candidate).drain();
            primarySamples.clear();
            candidateSamples.clear();
        }

        /**
         * At 100% there is no primary left to compare with: the shift is complete. Below, the
         * step is judged after an interval.
         */
        void afterStep() {
            if (steps.get(index) == 100) {
                state = State.COMPLETED;
                next = null;
                record("complete", "the candidate takes every request");
            } else {
                schedule();
            }
        }

        void schedule() {
            next = Instant.now().plus(interval);
            pending = clock.schedule(this::judgeNow, interval.toMillis(), TimeUnit.MILLISECONDS);
        }

        void cancel() {
            if (pending != null) {
                pending.cancel(false);
            }
            next = null;
        }

        synchronized void judgeNow() {
            if (state != State.RUNNING) {
                return;
            }
            try {
                primarySamples.add(metrics.window(group, primary).drain());
                candidateSamples.add(metrics.window(group, candidate).drain());
                CanaryJudge.Verdict verdict = judge.judge(primarySamples.sample(), candidateSamples.sample());
                metrics.judged(group, candidate, verdict.decision().name().toLowerCase());
                switch (verdict.decision()) {
                    case WAIT -> {
                        record("wait", verdict.reason());
                        schedule();
                    }
                    case FAIL -> rollBack("fail", verdict.reason());
                    case PASS -> {
                        if (index + 1 < steps.size()) {
                            apply(index + 1, "pass", verdict.reason());
                            afterStep();
                        } else {
                            state = State.COMPLETED;
                            next = null;
                            record("complete", verdict.reason());
                        }
                    }
                }
            } catch (RuntimeException failed) {
                log.error("The canary judge of group {} failed; the shift is paused", group, failed);
                state = State.PAUSED;
                record("pause", "the judge failed: " + failed);
            }
        }

        void rollBack(String decision, String reason) {
            cancel();
            state = State.ROLLED_BACK;
            setWeights(0, "roll back to " + primary);
            record(decision, reason);
            log.warn("Shift of group {} to {} rolled back: {}", group, candidate, reason);
        }

        void record(String decision, String reason) {
            RouteGroup routes = table.group(group);
            Backend now = routes.backend(candidate);
            history.add(new Step(Instant.now(), now == null ? 0 : now.weight(), decision, reason));
            log.info("Shift of group {} to {}: {} ({})", group, candidate, decision, reason);
        }

        synchronized View view() {
            RouteGroup routes = table.group(group);
            Backend now = routes.backend(candidate);
            return new View(
                    group,
                    primary,
                    candidate,
                    steps,
                    interval,
                    state,
                    now == null ? 0 : now.weight(),
                    next,
                    List.copyOf(history));
        }
    }

    /** What a backend answered since its step began, across the intervals the judge waited. */
    private static final class Accumulated {

        private static final int MAX_LATENCIES = 100_000;
        long requests;
        long errors;
        double[] latencies = new double[0];

        void add(CanaryJudge.Sample sample) {
            requests += sample.requests();
            errors += sample.errors();
            double[] more = sample.latenciesMillis();
            int keep = Math.min(more.length, MAX_LATENCIES - latencies.length);
            if (keep > 0) {
                double[] joined = Arrays.copyOf(latencies, latencies.length + keep);
                System.arraycopy(more, 0, joined, latencies.length, keep);
                latencies = joined;
            }
        }

        void clear() {
            requests = 0;
            errors = 0;
            latencies = new double[0];
        }

        CanaryJudge.Sample sample() {
            return new CanaryJudge.Sample(requests, errors, latencies);
        }
    }

    /** A shift runs on the group already. */
    static final class Busy extends DomainException {
        Busy(String group) {
            super(
                    Kind.CONFLICT,
                    "A shift of route group '" + group + "' is running or paused, and steers its weights until it is"
                            + " rolled back or complete; roll it back first.",
                    List.of(),
                    null);
        }
    }

    /** No shift runs on the group. */
    static final class NoShift extends DomainException {
        NoShift(String group) {
            super(Kind.NOT_FOUND, "No shift of route group '" + group + "' is running or paused.", List.of(), null);
        }
    }

    /** The group has had no shift since the router started. */
    static final class NeverShifted extends DomainException {
        NeverShifted(String group) {
            super(
                    Kind.NOT_FOUND,
                    "Route group '" + group + "' has had no shift since the router started (a shift lives in the"
                            + " router's memory).",
                    List.of(),
                    null);
        }
    }
}
