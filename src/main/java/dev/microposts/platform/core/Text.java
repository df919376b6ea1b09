package dev.microposts.platform.core;

/** Rules for user-supplied text shared by every module: well-formed Unicode and lengths in code points. */
public final class Text {

    private Text() {}

    /**
     * Why a string is not acceptable user text (U+0000 or an unpaired surrogate), or null
     * when it is well-formed.
     */
    public static String malformation(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return "must not contain U+0000";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "must not contain an unpaired surrogate";
            }
            if (Character.isLowSurrogate(c)) {
                return "must not contain an unpaired surrogate";
            }
        }
        return null;
    }

    /** Length in Unicode code points, the unit of every length rule of the contract. */
    public static int codePoints(String text) {
        return text.codePointCount(0, text.length());
    }

    /** True when at least one code point is not whitespace. */
    public static boolean hasVisibleCharacter(String text) {
        return text.codePoints().anyMatch(cp -> !Character.isWhitespace(cp) && !Character.isSpaceChar(cp));
    }
}
