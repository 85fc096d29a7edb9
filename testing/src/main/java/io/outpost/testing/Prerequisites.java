package io.outpost.testing;

import java.io.File;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * What a system test needs from the machine (a binary on the PATH, say). Locally a missing
 * prerequisite skips the test with a message naming it; under CI ({@code CI=true}) nothing may
 * skip, so it fails the test instead: {@code .ci/run} installs every prerequisite.
 */
public final class Prerequisites {

    private Prerequisites() {
    }

    /** The absolute path of {@code binary} on the PATH; skips (or fails under CI) if absent. */
    public static String requireBinary(String binary, String debianPackage) {
        Optional<String> found = findOnPath(binary);
        require(found.isPresent(), binary + " is not on the PATH; install it with: apt-get install -y " + debianPackage);
        return found.orElseThrow();
    }

    public static Optional<String> findOnPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> new File(dir, binary))
                .filter(f -> f.isFile() && f.canExecute())
                .map(File::getAbsolutePath)
                .findFirst();
    }

    public static void require(boolean present, String whatIsMissing) {
        if (present) {
            return;
        }
        if (underCi()) {
            throw new AssertionError("prerequisite missing under CI (where nothing may skip): " + whatIsMissing);
        }
        Assumptions.abort("skipped: " + whatIsMissing);
    }

    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }
}
