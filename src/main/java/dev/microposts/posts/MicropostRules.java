package dev.microposts.posts;

import dev.microposts.accounts.Username;
import dev.microposts.platform.core.FieldError;
import dev.microposts.platform.core.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * What a micropost may hold: a text of 1..255 well-formed code points with at least one that is
 * not whitespace, and a reference that is a username (whether that user exists is the service's
 * to ask). A null field is the caller's to report.
 */
final class MicropostRules {

    static final int MAX_TEXT = 255;

    private MicropostRules() {}

    static List<FieldError> errors(String text, String referenced) {
        List<FieldError> errors = new ArrayList<>();
        if (text != null) {
            String malformed = Text.malformation(text);
            int length = Text.codePoints(text);
            if (malformed != null) {
                errors.add(new FieldError("text", malformed));
            } else if (length < 1 || length > MAX_TEXT) {
                errors.add(new FieldError("text", "must be 1 to " + MAX_TEXT + " characters long"));
            } else if (!Text.hasVisibleCharacter(text)) {
                errors.add(new FieldError("text", "must contain a character that is not whitespace"));
            }
        }
        if (referenced != null && !Username.isValid(referenced)) {
            errors.add(new FieldError("referenced", REFERENCE_RULE));
        }
        return errors;
    }

    static final String REFERENCE_RULE = "must be the username of an existing user";
}
