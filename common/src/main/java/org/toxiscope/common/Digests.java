package org.toxiscope.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lowercase hex: of bytes, of UTF-8 text, of a file (streamed, constant memory), or fed piece by piece. */
public final class Digests {

    private Digests() {
    }

    /** The SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        return new Sha256().update(bytes).hex();
    }

    /** The SHA-256 of {@code text}'s UTF-8 bytes. */
    public static String sha256(String text) {
        return new Sha256().update(text).hex();
    }

    /** The SHA-256 of {@code file}'s bytes, read in chunks so multi-GB weights need no heap. */
    public static String sha256(Path file) throws IOException {
        Sha256 digest = new Sha256();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0;) {
                digest.md.update(buf, 0, n);
            }
        }
        return digest.hex();
    }

    /** A SHA-256 fed as data arrives (e.g. records as they are read); {@link #hex} ends it. */
    public static final class Sha256 {

        private final MessageDigest md;

        /** An empty digest. */
        public Sha256() {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                // Every Java runtime must provide SHA-256 (MessageDigest's contract).
                throw new IllegalStateException("this Java runtime lacks SHA-256", e);
            }
        }

        /** Adds {@code bytes}. */
        public Sha256 update(byte[] bytes) {
            md.update(bytes);
            return this;
        }

        /** Adds {@code text}'s UTF-8 bytes. */
        public Sha256 update(String text) {
            return update(text.getBytes(StandardCharsets.UTF_8));
        }

        /** The digest of everything added, as 64 lowercase hex digits; the digest starts empty again. */
        public String hex() {
            return HexFormat.of().formatHex(md.digest());
        }
    }
}
