package dev.microposts.router;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The router's control plane ({@code microposts.router.*}): its admin API, holds, shadow
 * comparisons and the canary judge. Read only by a process that runs the router.
 *
 * @param adminPort the port of the admin API (never served on the public port)
 * @param adminToken the credential of the admin API, sent as {@code Authorization: Bearer}; without
 * it the admin API is not served at all
 * @param hold how requests of a held route group wait
 * @param shadow how reads are copied to a candidate and compared
 * @param judge when a weight shift may take its next step
 */
@ConfigurationProperties("microposts.router")
public record RouterProperties(
        @DefaultValue("9080") int adminPort,
        String adminToken,
        @DefaultValue Hold hold,
        @DefaultValue Shadow shadow,
        @DefaultValue Judge judge) {

    public RouterProperties {
        if (adminToken != null && !adminToken.isEmpty() && adminToken.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException(
                    "the router's admin token (MICROPOSTS_ROUTER_ADMIN_TOKEN) must be at least " + MIN_TOKEN_LENGTH
                            + " characters, e.g. openssl rand -hex 32");
        }
        if (adminToken != null && adminToken.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            // no client could send it in a header (and it is not shown: it is a secret)
            throw new IllegalArgumentException("the router's admin token (MICROPOSTS_ROUTER_ADMIN_TOKEN) holds a line"
                    + " break or another control character (a trailing newline, from $(cat file)?): set it to the"
                    + " credential alone");
        }
        if (adminToken != null && adminToken.isEmpty()) {
            adminToken = null;
        }
    }

    /** Shortest admin credential accepted. */
    static final int MIN_TOKEN_LENGTH = 32;

    /**
     * @param maxWait the longest a hold lasts, and so the longest a request waits in it (a hold
     * may ask for less)
     * @param queue how many requests of one group may wait at once; more are answered 503 at once
     */
    public record Hold(
            @DefaultValue("5s") Duration maxWait,
            @DefaultValue("100") int queue) {}

    /**
     * @param queue shadowed reads waiting to be sent; a read that finds it full is not shadowed
     * (and counted as dropped)
     * @param threads how many shadow copies are sent at once
     * @param relativeThreshold a field differs only where its primary-vs-candidate differences
     * exceed its primary-vs-primary differences by more than this percentage
     * @param absoluteThreshold ...and by more than this percentage of the requests compared
     * @param examples examples kept per field path
     * @param timeout how long a shadow copy waits for its answer
     * @param delay how long after the primary's answer both copies are sent (above the replication
     * lag of a candidate that reads a replica, so that the lag does not count as a difference)
     */
    public record Shadow(
            @DefaultValue("1000") int queue,
            @DefaultValue("2") int threads,
            @DefaultValue("20") double relativeThreshold,
            @DefaultValue("0.03") double absoluteThreshold,
            @DefaultValue("20") int examples,
            @DefaultValue("5s") Duration timeout,
            @DefaultValue("0s") Duration delay) {}

    /**
     * @param maxErrorRateIncrease the candidate's error rate (5xx and failed connections) may exceed
     * the primary's by at most this much (0.005: half a percentage point)
     * @param p99Factor the candidate's p99 latency may be at most this times the primary's...
     * @param p99Slack ...plus this
     * @param minSamples requests each backend must have answered in an interval before it is judged;
     * fewer, and the step waits another interval
     * @param alpha significance level of the rank-sum test of the latencies
     */
    public record Judge(
            @DefaultValue("0.005") double maxErrorRateIncrease,
            @DefaultValue("1.2") double p99Factor,
            @DefaultValue("5ms") Duration p99Slack,
            @DefaultValue("50") int minSamples,
            @DefaultValue("0.01") double alpha) {}
}
