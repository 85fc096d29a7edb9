package io.outpost.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The server's data dir: where its default lives, and making sure it can be used. */
final class DataDir {

    private DataDir() {
    }

    /** {@code ~/.outpost}, or {@code /var/lib/outpost} for root (as k3s uses /var/lib/rancher/k3s). */
    static Path defaultFor(boolean root, Path home) {
        return root ? Path.of("/var/lib/outpost") : home.resolve(".outpost");
    }

    /** The flag's value as a path, with a leading {@code ~} (which no shell expanded) as {@code home}. */
    static Path fromFlag(String value, Path home) {
        if (value.equals("~")) {
            return home;
        }
        if (value.startsWith("~/")) {
            return home.resolve(value.substring(2));
        }
        return Path.of(value);
    }

    /**
     * Creates {@code dir} (mode 0700: it will hold keys and the admin kubeconfig) unless it exists,
     * and checks that this process may write in it.
     *
     * @throws Unusable saying why it cannot be used
     */
    static void prepare(Path dir) {
        try {
            createPrivate(dir);
        } catch (IOException e) {
            throw new Unusable("cannot create it: " + describe(e));
        }
        if (!Files.isWritable(dir)) {
            throw new Unusable("user " + System.getProperty("user.name") + " may not write in it");
        }
    }

    /** Creates {@code dir} and any missing parents with mode 0700; an existing folder is left as it is. */
    static void createPrivate(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (Files.exists(dir)) {
            throw new FileAlreadyExistsException(dir.toString(), null, "it is a file, not a folder");
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** An I/O failure as a short phrase for a person: "permission denied on /var/lib". */
    static String describe(IOException e) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied on " + a.getFile();
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + " does not exist";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        return e.toString();
    }

    /** The data dir cannot be used; the message says why. */
    static final class Unusable extends RuntimeException {
        Unusable(String message) {
            super(message);
        }
    }
}
