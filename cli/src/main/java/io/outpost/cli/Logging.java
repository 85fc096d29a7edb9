package io.outpost.cli;

import java.util.Arrays;

/**
 * Chooses the SLF4J provider for the role before the first logger is made: the agent logs
 * through slf4j-simple (a few classes, for a node's small memory), every other role through
 * logback (rolling, configurable), where it is there (not in the agent's slim jar). Both are in
 * the fat jar; SLF4J takes the one named by the
 * {@code slf4j.provider} system property, and a value given on the command line wins.
 */
final class Logging {

    static final String PROVIDER = "slf4j.provider";
    static final String SIMPLE = "org.slf4j.simple.SimpleServiceProvider";
    static final String LOGBACK = "ch.qos.logback.classic.spi.LogbackServiceProvider";

    private Logging() {
    }

    static void chooseProvider(String[] args) {
        if (System.getProperty(PROVIDER) != null) {
            return;
        }
        boolean agent = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().map("agent"::equals).orElse(false);
        // The agent's slim jar (outpost-agent.jar) has no logback: every role it runs logs simply.
        boolean logback = Logging.class.getClassLoader().getResource(LOGBACK.replace('.', '/') + ".class") != null;
        if (agent || !logback) {
            System.setProperty(PROVIDER, SIMPLE);
            // As logback's pattern for the server: time, level, class, message; no thread names.
            System.getProperties().putIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
            System.getProperties().putIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
            System.getProperties().putIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
            System.getProperties().putIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
            // The tunnel's WebSocket library logs at ERROR, with a stack trace, what it also hands
            // to the agent's callbacks (a refused upgrade, a broken frame), which the agent logs
            // in a line that names the server and the next dial: each dial would say it twice.
            System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.java_websocket", "off");
        } else {
            System.setProperty(PROVIDER, LOGBACK);
        }
        // SLF4J says at INFO which provider the property named; that is no news to the user.
        System.getProperties().putIfAbsent("slf4j.internal.verbosity", "WARN");
    }
}
