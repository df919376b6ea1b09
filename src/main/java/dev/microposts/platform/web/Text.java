package dev.microposts.platform.web;

import java.util.regex.Pattern;

/** Rules for user-supplied text shared by every module: usernames and Unicode lengths. */
public final class Text {

	private static final Pattern USERNAME = Pattern.compile("[a-z0-9_]{1,50}");

	private Text() {
	}

	/** True for 1..50 characters of {@code a-z}, {@code 0-9} and {@code _}. */
	public static boolean isUsername(String candidate) {
		return candidate != null && USERNAME.matcher(candidate).matches();
	}

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
