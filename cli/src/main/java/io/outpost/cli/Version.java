package io.outpost.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/** What {@code outpost --version} prints: our version (filled in by the build) and the JVM's. */
final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {
            "outpost " + outpost(),
            "java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + ")"
                    + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        };
    }

    static String outpost() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "(unknown version)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "(unknown version)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
