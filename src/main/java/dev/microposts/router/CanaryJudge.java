package dev.microposts.router;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Judges a canary: the candidate backend's requests of the last interval against the primary's.
 *
 * <p>The rules, in this order:
 *
 * <ol>
 *   <li><b>WAIT</b> while either backend has fewer than {@link Thresholds#minSamples()} requests
 *       in the interval (nothing else is decided on so little).
 *   <li><b>FAIL</b> when the candidate's error rate exceeds the primary's by more than {@link
 *       Thresholds#maxErrorRateIncrease()} (a fraction: 0.005 is half a percentage point). The
 *       error rate is errors (5xx and connection failures) over requests.
 *   <li><b>WAIT</b> while either backend has fewer than {@code minSamples} latencies (answered
 *       requests), unless the error rule failed.
 *   <li><b>FAIL</b> when the candidate's p99 exceeds {@code primary p99 × p99Factor +
 *       p99SlackMillis}. Percentiles are nearest-rank: the q-th percentile of n sorted values is
 *       the value at 1-based rank {@code ceil(q/100 × n)} (so with fewer than 100 values p99 is the
 *       maximum; the median is the value at rank {@code ceil(n/2)}).
 *   <li><b>FAIL</b> when the latencies are slower as a whole, which takes both of:
 *       <ul>
 *         <li>a one-sided Mann-Whitney U (Wilcoxon rank-sum) test says the candidate's latencies
 *             are stochastically greater with {@code p < rankSumAlpha}: normal approximation,
 *             average ranks for ties with the tie-corrected variance, and a continuity correction
 *             of one half (no exact test: {@code minSamples} keeps the samples large);
 *         <li>the candidate's median is slower by more than {@code max(p99SlackMillis / 5, 10% of
 *             the primary's median)}: with thousands of requests a test detects shifts far too
 *             small to matter (0.1 ms on a 2 ms path), and such a shift must not fail a canary.
 *       </ul>
 *   <li>Otherwise <b>PASS</b>.
 * </ol>
 *
 * Every rule that fails is named in the reason. The verdict carries the numbers it was decided
 * on ({@code NaN} where they could not be computed, e.g. p99 of no latencies).
 *
 * <p>Stateless and thread-safe; a judgment sorts copies of the two samples.
 */
final class CanaryJudge {

    /** What the canary does next. */
    enum Decision {
        PASS,
        FAIL,
        WAIT
    }

    /**
     * When a candidate fails.
     *
     * @param maxErrorRateIncrease the candidate's error rate may exceed the primary's by this much
     *     (a fraction: 0.005 = 0.5 percentage points)
     * @param p99Factor the candidate's p99 may be this many times the primary's ...
     * @param p99SlackMillis ... plus this many milliseconds; a fifth of it is also the smallest
     *     median shift that can fail the rank-sum rule
     * @param minSamples requests (and latencies) each backend needs before anything is decided
     * @param rankSumAlpha the significance level of the one-sided rank-sum test
     */
    record Thresholds(
            double maxErrorRateIncrease, double p99Factor, double p99SlackMillis, int minSamples, double rankSumAlpha) {

        static final Thresholds DEFAULT = new Thresholds(0.005, 1.2, 5, 50, 0.01);

        Thresholds {
            if (!(maxErrorRateIncrease >= 0 && maxErrorRateIncrease <= 1)
                    || !(p99Factor >= 1)
                    || !(p99SlackMillis >= 0)
                    || minSamples < 1
                    || !(rankSumAlpha > 0 && rankSumAlpha < 1)) {
                throw new IllegalArgumentException("canary thresholds out of range");
            }
        }
    }

    /**
     * One backend's requests in an interval.
     *
     * @param requests requests sent (exact)
     * @param errors of which errors: 5xx answers and connection failures (exact)
     * @param latenciesMillis latencies of the answered requests (not of the errors), possibly a
     *     uniform sample of them; not copied, not to be changed afterwards
     */
    record Sample(long requests, long errors, double[] latenciesMillis) {

        static final Sample EMPTY = new Sample(0, 0, new double[0]);

        Sample {
            Objects.requireNonNull(latenciesMillis, "latenciesMillis");
            if (requests < 0 || errors < 0 || errors > requests) {
                throw new IllegalArgumentException("a sample needs 0 <= errors <= requests");
            }
        }

        /** Errors over requests; 0 without requests. */
        double errorRate() {
            return requests == 0 ? 0 : (double) errors / requests;
        }
    }

    /**
     * A judgment.
     *
     * @param decision pass, fail or wait
     * @param reason for operators, e.g. {@code candidate error rate 5.2% > primary 0.1% + 0.5
     *     points}
     * @param primaryErrorRate a fraction
     * @param candidateErrorRate a fraction
     * @param primaryP99 milliseconds, nearest-rank; {@code NaN} without latencies
     * @param candidateP99 milliseconds, nearest-rank; {@code NaN} without latencies
     * @param pValue of the one-sided rank-sum test; {@code NaN} without latencies
     */
    record Verdict(
            Decision decision,
            String reason,
            double primaryErrorRate,
            double candidateErrorRate,
            double primaryP99,
            double candidateP99,
            double pValue) {}

    /**
     * A one-sided Mann-Whitney U test, alternative "candidate greater".
     *
     * @param u the candidate's U: pairs (primary, candidate) where the candidate is greater, ties
     *     counting one half
     * @param mean U's mean under the null hypothesis, {@code n1 × n2 / 2}
     * @param sd U's standard deviation under the null hypothesis, tie-corrected
     * @param z {@code (u − mean − 0.5) / sd}
     * @param pValue {@code P(Z ≥ z)} for a standard normal Z; 1 when sd is 0 (all values equal)
     */
    record RankSum(double u, double mean, double sd, double z, double pValue) {}

    /** A median shift smaller than this share of the primary's median never fails a canary. */
    static final double MEDIAN_SHIFT_SHARE = 0.10;

    /** A median shift smaller than p99SlackMillis divided by this never fails a canary. */
    static final double MEDIAN_SHIFT_SLACK_DIVISOR = 5;

    private final Thresholds thresholds;

    CanaryJudge() {
        this(Thresholds.DEFAULT);
    }

    CanaryJudge(Thresholds thresholds) {
        this.thresholds = Objects.requireNonNull(thresholds);
    }

    Thresholds thresholds() {
        return thresholds;
    }

    /** Judges the candidate's interval against the primary's; see the class comment. */
    Verdict judge(Sample primary, Sample candidate) {
        Thresholds t = thresholds;
        double[] p = sortedFinite(primary.latenciesMillis());
        double[] c = sortedFinite(candidate.latenciesMillis());
        double pRate = primary.errorRate();
        double cRate = candidate.errorRate();
        double pP99 = percentile(p, 99);
        double cP99 = percentile(c, 99);
        double pMedian = percentile(p, 50);
        double cMedian = percentile(c, 50);
        double pValue = p.length == 0 || c.length == 0
                ? Double.NaN
                : rankSumSorted(p, c).pValue();

        if (primary.requests() < t.minSamples() || candidate.requests() < t.minSamples()) {
            String reason = String.format(
                    Locale.ROOT,
                    "waiting for requests: primary %d, candidate %d, need %d each",
                    primary.requests(),
                    candidate.requests(),
                    t.minSamples());
            return new Verdict(Decision.WAIT, reason, pRate, cRate, pP99, cP99, pValue);
        }

        StringBuilder failures = new StringBuilder();
        Function<String, String> errorRule = op -> "candidate error rate " + percent(cRate) + " " + op + " primary "
                + percent(pRate) + " + " + number(100 * t.maxErrorRateIncrease()) + " points";
        boolean errorsFail = cRate > pRate + t.maxErrorRateIncrease();
        if (errorsFail) {
            failures.append(errorRule.apply(">"));
        }
        if (p.length < t.minSamples() || c.length < t.minSamples()) {
            if (errorsFail) {
                return new Verdict(Decision.FAIL, failures.toString(), pRate, cRate, pP99, cP99, pValue);
            }
            String reason = String.format(
                    Locale.ROOT,
                    "waiting for answered requests: primary %d, candidate %d, need %d each; %s",
                    p.length,
                    c.length,
                    t.minSamples(),
                    errorRule.apply("<="));
            return new Verdict(Decision.WAIT, reason, pRate, cRate, pP99, cP99, pValue);
        }

        double p99Limit = pP99 * t.p99Factor() + t.p99SlackMillis();
        Function<String, String> p99Rule = op -> "candidate p99 " + number(cP99) + " ms " + op + " primary p99 "
                + number(pP99) + " ms * " + number(t.p99Factor()) + " + " + number(t.p99SlackMillis()) + " ms";
        boolean p99Fails = cP99 > p99Limit;
        if (p99Fails) {
            append(failures, p99Rule.apply(">"));
        }

        double minShift = Math.max(t.p99SlackMillis() / MEDIAN_SHIFT_SLACK_DIVISOR, MEDIAN_SHIFT_SHARE * pMedian);
        double shift = cMedian - pMedian;
        boolean significant = pValue < t.rankSumAlpha();
        boolean meaningful = shift > minShift;
        String rankRule = String.format(
                Locale.ROOT,
                "rank-sum p = %s %s %s, median %s ms vs primary %s ms (%s%s ms, %s %s ms)",
                pValueText(pValue),
                significant ? "<" : ">=",
                t.rankSumAlpha(),
                number(cMedian),
                number(pMedian),
                shift >= 0 ? "+" : "",
                number(shift),
                meaningful ? "more than" : "not more than",
                number(minShift));
        boolean rankFails = significant && meaningful;
        if (rankFails) {
            append(failures, "candidate latencies stochastically greater: " + rankRule);
        }

        if (failures.length() > 0) {
            return new Verdict(Decision.FAIL, failures.toString(), pRate, cRate, pP99, cP99, pValue);
        }
        String reason = errorRule.apply("<=") + "; " + p99Rule.apply("<=") + "; " + rankRule;
        return new Verdict(Decision.PASS, reason, pRate, cRate, pP99, cP99, pValue);
    }

    private static void append(StringBuilder failures, String failure) {
        if (failures.length() > 0) {
            failures.append("; ");
        }
        failures.append(failure);
    }

    /**
     * The nearest-rank percentile of sorted values: the value at 1-based rank {@code ceil(q/100 ×
     * n)} (at least 1); {@code NaN} for no values.
     *
     * @param sorted ascending
     * @param q in (0, 100]
     */
    static double percentile(double[] sorted, double q) {
        if (!(q > 0 && q <= 100)) {
            throw new IllegalArgumentException("percentile out of (0, 100]: " + q);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q / 100 * sorted.length);
        return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
    }

    /** The one-sided Mann-Whitney U test of "candidate greater than primary"; see {@link RankSum}. */
    static RankSum rankSum(double[] primary, double[] candidate) {
        return rankSumSorted(sortedFinite(primary), sortedFinite(candidate));
    }

    private static RankSum rankSumSorted(double[] p, double[] c) {
        int n1 = p.length;
        int n2 = c.length;
        if (n1 == 0 || n2 == 0) {
            throw new IllegalArgumentException("the rank-sum test needs values on both sides");
        }
        // walk both sorted samples together: each run of equal values gets the average of its ranks
        double candidateRanks = 0;
        double ties = 0;
        long ranked = 0;
        int i = 0;
        int j = 0;
        while (i < n1 || j < n2) {
            double value = i < n1 && (j >= n2 || p[i] <= c[j]) ? p[i] : c[j];
            int a = 0;
            while (i < n1 && p[i] == value) {
                i++;
                a++;
            }
            int b = 0;
            while (j < n2 && c[j] == value) {
                j++;
                b++;
            }
            double run = a + b;
            double averageRank = ranked + (run + 1) / 2;
            ranked += a + b;
            candidateRanks += b * averageRank;
            ties += run * run * run - run;
        }
        double n = (double) n1 + n2;
        double u = candidateRanks - (double) n2 * (n2 + 1) / 2;
        double mean = (double) n1 * n2 / 2;
        double variance = (double) n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)));
        if (!(variance > 0)) {
            return new RankSum(u, mean, 0, 0, 1);
        }
        double sd = Math.sqrt(variance);
        double z = (u - mean - 0.5) / sd;
        return new RankSum(u, mean, sd, z, upperTail(z));
    }

    /** The standard normal distribution function, {@code P(Z ≤ x)}. */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** {@code P(Z ≥ x)} for a standard normal Z, accurate far into the tail. */
    static double upperTail(double x) {
        return 0.5 * erfc(x / Math.sqrt(2));
    }

    /**
     * The complementary error function: the Maclaurin series of erf below 2.5, the continued
     * fraction of erfc (evaluated from its 120th term back) above; relative error about 1e-13.
     */
    static double erfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < 2.5) {
            // erf(x) = 2/sqrt(pi) * sum over n of (-1)^n x^(2n+1) / (n! (2n+1))
            double sum = 0;
            double power = x;
            for (int n = 0; n < 200; n++) {
                double term = power / (2 * n + 1);
                sum += term;
                if (Math.abs(term) <= 1e-17 * Math.abs(sum)) {
                    break;
                }
                power *= -x * x / (n + 1);
            }
            return 1 - 2 / Math.sqrt(Math.PI) * sum;
        }
        // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
        double fraction = x;
        for (int k = 120; k >= 1; k--) {
            fraction = x + (k / 2.0) / fraction;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / fraction;
    }

    private static double[] sortedFinite(double[] values) {
        double[] sorted = Arrays.stream(values).filter(Double::isFinite).toArray();
        Arrays.sort(sorted);
        return sorted;
    }

    /** A fraction as a percentage with at most two decimals: 0.052 is {@code 5.2%}. */
    static String percent(double fraction) {
        return number(100 * fraction) + "%";
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        String text = String.format(Locale.ROOT, "%.2f", value);
        if (text.contains(".")) {
            text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return text.equals("-0") ? "0" : text;
    }

    private static String pValueText(double p) {
        if (Double.isNaN(p)) {
            return "n/a";
        }
        return p >= 0.001 ? String.format(Locale.ROOT, "%.3f", p) : String.format(Locale.ROOT, "%.1e", p);
    }
}
