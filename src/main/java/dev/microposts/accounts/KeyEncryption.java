package dev.microposts.accounts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the stored private signing keys with AES-256-GCM under {@code MICROPOSTS_JWT_ENCRYPTION_KEY}
 * (32 random bytes in base64, e.g. {@code openssl rand -base64 32}). A sealed key is stored as
 * {@code A256GCM:} and the base64 of a random 12-byte nonce followed by the ciphertext and its tag;
 * the key's id is the additional authenticated data, so a sealed key cannot be moved to another
 * row. A stored key that is a JWK's JSON (every key stored before this existed, or without an
 * encryption key) is read as it is.
 */
final class KeyEncryption {

    static final String SEALED = "A256GCM:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private KeyEncryption(SecretKeySpec key) {
        this.key = key;
    }

    /** From the setting: blank means none (keys are stored as they are). */
    static KeyEncryption of(String base64) {
        if (base64 == null || base64.isBlank()) {
            return new KeyEncryption(null);
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException ex) {
            bytes = new byte[0];
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("MICROPOSTS_JWT_ENCRYPTION_KEY must be 32 random bytes in base64 "
                    + "(e.g. the output of: openssl rand -base64 32)");
        }
        return new KeyEncryption(new SecretKeySpec(bytes, "AES"));
    }

    boolean enabled() {
        return key != null;
    }

    static boolean isSealed(String stored) {
        return stored.startsWith(SEALED);
    }

    /** The stored form of a private JWK: sealed when there is an encryption key, else as it is. */
    String seal(String kid, String jwk) {
        if (key == null) {
            return jwk;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(jwk.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return SEALED + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("Could not encrypt the signing key " + kid, ex);
        }
    }

    /** The private JWK's JSON of a stored key, sealed or not. */
    String open(String kid, String stored) {
        if (!isSealed(stored)) {
            return stored;
        }
        if (key == null) {
            throw new IllegalStateException("The stored signing key " + kid + " is encrypted: set "
                    + "MICROPOSTS_JWT_ENCRYPTION_KEY to the key it was encrypted with");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(SEALED.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException ex) {
            throw new IllegalStateException(
                    "MICROPOSTS_JWT_ENCRYPTION_KEY does not decrypt the stored signing key " + kid
                            + " (a different key, or the row was altered)",
                    ex);
        }
    }
}
