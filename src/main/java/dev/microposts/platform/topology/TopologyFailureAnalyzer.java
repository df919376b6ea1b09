package dev.microposts.platform.topology;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a refused topology as one clear message instead of a stack trace. */
class TopologyFailureAnalyzer extends AbstractFailureAnalyzer<TopologyEnvironment.TopologyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TopologyEnvironment.TopologyException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Set the variable named above, or change MICROPOSTS_MODULES (see the README's Topologies section).",
                cause);
    }
}
