package dev.microposts.platform.migration;

/** A step that cannot go on, with a message for the operator (printed without a stack trace). */
final class MigrationException extends RuntimeException {

    private final int status;

    MigrationException(String message) {
        this(message, 1);
    }

    MigrationException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The command's exit status: 1 a failed step, 3 a step refused in this state. */
    int status() {
        return status;
    }
}
