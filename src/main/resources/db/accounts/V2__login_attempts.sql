-- One row per username that has tried to log in within the throttle's window: each attempt locks
-- it (an UPDATE, or the INSERT that creates it) while it counts that username's failures and
-- reserves its own, so that concurrent attempts for one username, on any replica, are counted
-- one after the other. Rows of both tables older than the window are purged on a schedule.
CREATE TABLE accounts_login_attempts (
    username        VARCHAR(50)              NOT NULL PRIMARY KEY,
    last_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX accounts_login_attempts_by_time ON accounts_login_attempts (last_attempt_at);

CREATE INDEX accounts_login_failures_by_time ON accounts_login_failures (failed_at);
