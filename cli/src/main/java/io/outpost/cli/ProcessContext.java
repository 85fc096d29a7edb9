package io.outpost.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the flags' defaults depend on: the environment variables, the home folder and whether we
 * are root. Passed in, so that tests can set them.
 */
record ProcessContext(Map<String, String> env, Path home, boolean root) {

    ProcessContext {
        env = Map.copyOf(env);
    }

    static ProcessContext current() {
        // user.name is the name of the real user id, as getpwuid(getuid()) gives it.
        return new ProcessContext(System.getenv(), Path.of(System.getProperty("user.home")),
                "root".equals(System.getProperty("user.name")));
    }
}
