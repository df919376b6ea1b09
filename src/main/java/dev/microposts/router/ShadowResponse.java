package dev.microposts.router;

import java.util.Map;

/**
 * One answer to a shadowed request, as the shadow comparison sees it: the status, the response
 * headers (names compared case-insensitively) and the body bytes.
 *
 * <p>The body is not copied: the caller hands over an array it no longer writes to.
 *
 * @param status the HTTP status code
 * @param headers the response headers, one value per name (a name repeated by the backend is
 *     expected joined by the caller, e.g. with {@code ", "}); {@code null} means none
 * @param body the body bytes; {@code null} means empty
 */
record ShadowResponse(int status, Map<String, String> headers, byte[] body) {

    private static final byte[] EMPTY = new byte[0];

    ShadowResponse {
        headers = headers == null ? Map.of() : headers;
        body = body == null ? EMPTY : body;
    }

    /** The value of a header, its name matched case-insensitively; {@code null} when absent. */
    String header(String name) {
        String exact = headers.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey() != null && header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}
