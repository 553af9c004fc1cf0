package io.dwcp.resilience.runtime.installer;

import java.io.IOException;
import java.io.InputStream;

/**
 * A bundle the runtime jar carries.
 *
 * @param entry        its path inside the runtime jar, e.g. {@code jar/io.dwcp.resilience.retry-0.1.0.jar}
 * @param symbolicName its {@code Bundle-SymbolicName} without attributes, or {@code null} for a plain jar
 * @param version      its {@code Bundle-Version}, {@code 0.0.0} when it has none
 * @param fragment     whether it is a fragment (never started)
 * @param stamp        what identifies this build of it (the entry's CRC-32 and size): a different
 *                     stamp is a different runtime jar's copy
 * @param location     the location it is installed under: a URL that reads it from the runtime jar
 *                     again, so that {@code update <id>} without a URL works
 * @param content      opens its bytes
 */
record EmbeddedBundle(String entry, String symbolicName, String version, boolean fragment, String stamp,
        String location, Content content) {

    /** Opens a bundle's bytes. */
    @FunctionalInterface
    interface Content {
        InputStream open() throws IOException;
    }

    /** @return the key of its record: the symbolic name, or the entry for a plain jar */
    String key() {
        return symbolicName != null ? symbolicName : entry;
    }

    @Override
    public String toString() {
        return (symbolicName != null ? symbolicName + " " + version : entry);
    }
}
