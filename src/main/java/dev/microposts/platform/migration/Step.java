package dev.microposts.platform.migration;

import java.util.Arrays;
import java.util.Optional;

/** The steps of extracting a module, in their order; a migration's state is the last one done. */
enum Step {
    PLAN("plan"),
    COPY("copy"),
    VERIFY("verify"),
    START("start"),
    SWITCH_WRITES("switch-writes"),
    COMPLETE("complete");

    private final String command;

    Step(String command) {
        this.command = command;
    }

    String command() {
        return command;
    }

    /** The step that may run after this one, or none after {@code complete}. */
    Optional<Step> next() {
        Step[] steps = values();
        return ordinal() + 1 < steps.length ? Optional.of(steps[ordinal() + 1]) : Optional.empty();
    }

    static Optional<Step> of(String command) {
        return Arrays.stream(values())
                .filter(step -> step.command.equals(command))
                .findFirst();
    }
}
