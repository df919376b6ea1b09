package dev.microposts.accounts;

import java.util.regex.Pattern;

/** The rule every username follows: 1..50 characters of {@code a-z}, {@code 0-9} and {@code _}. */
public final class Username {

    /** What a field error says when a username breaks the rule. */
    public static final String RULE = "must be 1 to 50 characters of a-z, 0-9 and _";

    private static final Pattern VALID = Pattern.compile("[a-z0-9_]{1,50}");

    private Username() {}

    /** True when {@code candidate} follows the rule; false for null. */
    public static boolean isValid(String candidate) {
        return candidate != null && VALID.matcher(candidate).matches();
    }
}
