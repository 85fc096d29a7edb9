package io.outpost.apiserver.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.apiserver.http.UserInfo;

/**
 * Static bearer tokens, from a file in kube-apiserver's {@code --token-auth-file} format: one
 * CSV record a line, {@code token,user,uid[,"group1,group2"]}; blank lines are skipped. As in
 * kube, a record with fewer than three columns is an error, an empty token is skipped with a
 * warning, and a duplicate token takes the later record. The uid is read and not used yet.
 *
 * <p>Immutable once loaded; safe for concurrent lookups.
 */
public final class TokenFile implements TokenAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);

    private final Map<String, UserInfo> users;

    private TokenFile(Map<String, UserInfo> users) {
        this.users = Map.copyOf(users);
    }

    public static TokenFile empty() {
        return new TokenFile(Map.of());
    }

    /**
     * Reads {@code file}.
     *
     * @throws Invalid naming the file, and the line when a record is wrong
     */
    public static TokenFile load(Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new Invalid(file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new Invalid("cannot read " + file + ": " + describe(e));
        }
        Map<String, UserInfo> users = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            if (lines[i].isBlank()) {
                continue;
            }
            List<String> record = parseCsv(lines[i], file, lineNumber);
            if (record.size() < 3) {
                throw new Invalid(file + " line " + lineNumber + ": must have at least 3 columns (token, user name, user uid),"
                        + " found " + record.size() + "; the format is token,user,uid,\"group1,group2\"");
            }
            String token = record.get(0);
            if (token.isEmpty()) {
                LOG.warn("{} line {}: empty token, skipped", file, lineNumber);
                continue;
            }
            if (record.get(1).isEmpty()) {
                throw new Invalid(file + " line " + lineNumber + ": the user name (column 2) is empty");
            }
            List<String> groups = new ArrayList<>();
            if (record.size() >= 4 && !record.get(3).isEmpty()) {
                groups.addAll(List.of(record.get(3).split(",")));
            }
            groups.add(UserInfo.AUTHENTICATED);
            if (users.put(token, new UserInfo(record.get(1), groups)) != null) {
                LOG.warn("{} line {}: duplicate token; this line wins", file, lineNumber);
            }
        }
        return new TokenFile(users);
    }

    /** The user of {@code token}. */
    @Override
    public Optional<UserInfo> user(String token) {
        return Optional.ofNullable(users.get(token));
    }

    public int size() {
        return users.size();
    }

    /** One CSV record (RFC 4180 quoting; leading spaces of a field trimmed, as Go's TrimLeadingSpace). */
    private static List<String> parseCsv(String line, Path file, int lineNumber) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new Invalid(file + " line " + lineNumber + ": a quoted field is not closed; close it with \"");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < line.length() && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (i < line.length() && line.charAt(i) != ',') {
                    throw new Invalid(file + " line " + lineNumber + ": unexpected text after a closing quote at column " + (i + 1));
                }
            } else {
                while (i < line.length() && line.charAt(i) != ',') {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        throw new Invalid(file + " line " + lineNumber + ": a quote inside an unquoted field at column " + i
                                + "; quote the whole field: \"...\"");
                    }
                    field.append(c);
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= line.length()) {
                return fields;
            }
            i++; // the comma
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** The token file cannot be used; the message names the file (and line) and what is wrong. */
    public static final class Invalid extends RuntimeException {
        public Invalid(String message) {
            super(message);
        }
    }
}
