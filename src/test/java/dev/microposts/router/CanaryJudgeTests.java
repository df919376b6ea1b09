package dev.microposts.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.microposts.router.CanaryJudge.Decision;
import dev.microposts.router.CanaryJudge.Sample;
import dev.microposts.router.CanaryJudge.Verdict;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class CanaryJudgeTests {

    private final CanaryJudge judge = new CanaryJudge();

    /** Latencies around a median, log-normally spread (as request latencies are). */
    private static double[] latencies(long seed, int n, double medianMillis, DoubleUnaryOperator change) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = change.applyAsDouble(medianMillis * Math.exp(0.5 * random.nextGaussian()));
        }
        return values;
    }

    private static Sample sample(long seed, int requests, int errors, double medianMillis) {
        return sample(seed, requests, errors, medianMillis, x -> x);
    }

    private static Sample sample(long seed, int requests, int errors, double medianMillis, DoubleUnaryOperator change) {
        return new Sample(requests, errors, latencies(seed, requests - errors, medianMillis, change));
    }

    @Test
    void aCandidateWithFivePercentServerErrorsFails() {
        Verdict verdict = judge.judge(sample(1, 1000, 1, 20), sample(2, 1000, 52, 20));
        assertThat(verdict.decision()).isEqualTo(Decision.FAIL);
        assertThat(verdict.reason()).isEqualTo("candidate error rate 5.2% > primary 0.1% + 0.5 points");
        assertThat(verdict.primaryErrorRate()).isEqualTo(0.001);
        assertThat(verdict.candidateErrorRate()).isEqualTo(0.052);
    }

    @Test
    void aCandidateThatOnlyFailsFailsRatherThanWaits() {
        Verdict verdict = judge.judge(sample(1, 1000, 0, 20), new Sample(1000, 1000, new double[0]));
        assertThat(verdict.decision()).isEqualTo(Decision.FAIL);
        assertThat(verdict.reason()).startsWith("candidate error rate 100% > primary 0% + 0.5 points");
        assertThat(verdict.candidateP99()).isNaN();
        assertThat(verdict.pValue()).isNaN();
    }

    @Test
    void aHealthyCandidateFromTheSameDistributionPasses() {
        for (long seed = 0; seed < 20; seed++) {
            Verdict verdict = judge.judge(sample(2 * seed, 2000, 2, 20), sample(2 * seed + 1, 2000, 3, 20));
            assertThat(verdict.decision())
                    .as("seed %d: %s", seed, verdict.reason())
                    .isEqualTo(Decision.PASS);
        }
        Verdict verdict = judge.judge(sample(100, 2000, 2, 20), sample(101, 2000, 3, 20));
        assertThat(verdict.reason())
                .startsWith("candidate error rate 0.15% <= primary 0.1% + 0.5 points; candidate p99 ")
                .contains("rank-sum p = ");
    }

    @Test
    void tooFewSamplesWait() {
        Verdict verdict = judge.judge(sample(1, 1000, 0, 20), sample(2, 49, 20, 20));
        assertThat(verdict.decision()).isEqualTo(Decision.WAIT);
        assertThat(verdict.reason()).isEqualTo("waiting for requests: primary 1000, candidate 49, need 50 each");
        assertThat(judge.judge(Sample.EMPTY, Sample.EMPTY).decision()).isEqualTo(Decision.WAIT);

        // enough requests, not enough answered ones, and the errors within bounds
        CanaryJudge lenient = new CanaryJudge(new CanaryJudge.Thresholds(0.5, 1.2, 5, 50, 0.01));
        Verdict answered = lenient.judge(sample(1, 1000, 0, 20), sample(2, 60, 20, 20));
        assertThat(answered.decision()).isEqualTo(Decision.WAIT);
        assertThat(answered.reason()).startsWith("waiting for answered requests: primary 1000, candidate 40");
    }

    @Test
    void aCandidateTwiceAsSlowFailsOnP99AndRankSum() {
        Verdict verdict = judge.judge(sample(1, 1000, 0, 20), sample(2, 1000, 0, 20, x -> 2 * x));
        assertThat(verdict.decision()).isEqualTo(Decision.FAIL);
        assertThat(verdict.reason())
                .contains("candidate p99 ")
                .contains(" > primary p99 ")
                .contains("candidate latencies stochastically greater: rank-sum p = ");
        assertThat(verdict.candidateP99()).isGreaterThan(verdict.primaryP99() * 1.2 + 5);
        assertThat(verdict.pValue()).isLessThan(1e-10);
    }

    @Test
    void aSlowTailFailsOnP99Alone() {
        // 3% of the candidate's requests take ten times as long: the median does not move
        Random random = new Random(7);
        Verdict verdict =
                judge.judge(sample(1, 2000, 0, 20), sample(2, 2000, 0, 20, x -> random.nextInt(100) < 3 ? 10 * x : x));
        assertThat(verdict.decision()).isEqualTo(Decision.FAIL);
        assertThat(verdict.reason()).startsWith("candidate p99 ").doesNotContain("stochastically");
    }

    @Test
    void aShiftThatIsSignificantButTinyOnAFastPathPasses() {
        // 2 ms median, 0.1 ms slower: ten thousand requests make that significant, not meaningful
        Verdict verdict = judge.judge(sample(1, 10_000, 0, 2), sample(2, 10_000, 0, 2, x -> x + 0.1));
        assertThat(verdict.pValue()).isLessThan(0.01);
        assertThat(verdict.decision()).as(verdict.reason()).isEqualTo(Decision.PASS);
        assertThat(verdict.reason()).contains("not more than 1 ms");

        // a tiny shift with fewer requests is not even significant
        Verdict small = judge.judge(sample(3, 200, 0, 20), sample(4, 200, 0, 20, x -> x + 0.2));
        assertThat(small.pValue()).isGreaterThan(0.01);
        assertThat(small.decision()).isEqualTo(Decision.PASS);

        // the same significant shift, large enough to matter, fails
        Verdict large = judge.judge(sample(1, 10_000, 0, 2), sample(2, 10_000, 0, 2, x -> x + 1.5));
        assertThat(large.decision()).isEqualTo(Decision.FAIL);
        assertThat(large.reason()).contains("stochastically greater").contains("more than 1 ms");
    }

    @Test
    void mannWhitneyMatchesAHandComputedExample() {
        // primary 1 2 3 4, candidate 3 5 6 7: ranks 1 2 3.5 | 3.5 5 6 7 8 (the 3s tie)
        // candidate rank sum 24.5, U = 24.5 - 4*5/2 = 14.5, mean 4*4/2 = 8,
        // variance 4*4/12 * (9 - (2^3 - 2) / (8*7)) = 11.857142..., z = (14.5 - 8 - 0.5) / 3.44342 = 1.742454
        CanaryJudge.RankSum test = CanaryJudge.rankSum(new double[] {4, 2, 3, 1}, new double[] {7, 3, 6, 5});
        assertThat(test.u()).isEqualTo(14.5);
        assertThat(test.mean()).isEqualTo(8);
        assertThat(test.sd()).isCloseTo(Math.sqrt(16.0 / 12 * (9 - 6.0 / 56)), within(1e-12));
        assertThat(test.z()).isCloseTo(1.742453608654547, within(1e-9));
        assertThat(test.pValue()).isCloseTo(0.04071455117994557, within(1e-9));

        // no ties: 1 2 3 against 4 5 6, U = 9 (every pair), variance 3*3/12 * 7 = 5.25
        CanaryJudge.RankSum clean = CanaryJudge.rankSum(new double[] {1, 2, 3}, new double[] {4, 5, 6});
        assertThat(clean.u()).isEqualTo(9);
        assertThat(clean.pValue()).isCloseTo(0.04042779918502615, within(1e-9));

        // the other way round the candidate is not greater
        assertThat(CanaryJudge.rankSum(new double[] {4, 5, 6}, new double[] {1, 2, 3})
                        .pValue())
                .isGreaterThan(0.9);
        // all equal: no evidence at all
        assertThat(CanaryJudge.rankSum(new double[] {5, 5}, new double[] {5, 5, 5})
                        .pValue())
                .isEqualTo(1);
    }

    @Test
    void normalDistributionFunction() {
        assertThat(CanaryJudge.normalCdf(0)).isEqualTo(0.5);
        assertThat(CanaryJudge.normalCdf(1.96)).isCloseTo(0.9750021048517795, within(1e-13));
        assertThat(CanaryJudge.normalCdf(-1.5)).isCloseTo(0.06680720126885809, within(1e-13));
        assertThat(CanaryJudge.upperTail(2.5)).isCloseTo(0.006209665325776139, within(1e-15));
        assertThat(CanaryJudge.upperTail(5) / 2.866515718791946e-07).isCloseTo(1, within(1e-10));
        assertThat(CanaryJudge.upperTail(40)).isZero();
        assertThat(CanaryJudge.normalCdf(40)).isEqualTo(1);
    }

    @Test
    void percentilesAreNearestRank() {
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertThat(CanaryJudge.percentile(hundred, 99)).isEqualTo(99);
        assertThat(CanaryJudge.percentile(hundred, 50)).isEqualTo(50);
        assertThat(CanaryJudge.percentile(hundred, 100)).isEqualTo(100);
        assertThat(CanaryJudge.percentile(new double[] {1, 2, 3, 4, 5}, 99)).isEqualTo(5);
        assertThat(CanaryJudge.percentile(new double[] {1, 2, 3, 4, 5}, 50)).isEqualTo(3);
        assertThat(CanaryJudge.percentile(new double[] {7}, 1)).isEqualTo(7);
        assertThat(CanaryJudge.percentile(new double[0], 99)).isNaN();
        assertThatThrownBy(() -> CanaryJudge.percentile(hundred, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void samplesAndThresholdsAreChecked() {
        assertThatThrownBy(() -> new Sample(1, 2, new double[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Sample(1, 0, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CanaryJudge.Thresholds(0.005, 0.5, 5, 50, 0.01))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(CanaryJudge.percent(0.052)).isEqualTo("5.2%");
        assertThat(CanaryJudge.percent(0.00125)).isEqualTo("0.13%");
    }
}
